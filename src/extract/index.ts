/** Finds the format of a parsed file and runs its extractor. */
import type { Node } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { buildPolicy, looksLikePolicy, plainResolver } from '../model/build.js';
import { extractCloudFormation, isCloudFormation } from './cloudformation.js';
import { extractTerraform, isTerraformJson } from './terraform.js';
import { extractPlan, isTerraformPlan } from './plan.js';
import { newContext, type ExtractContext } from './common.js';
import type { HclBody } from '../parsers/hcl.js';
import type { TemplatedJson } from '../parsers/template.js';
import { extractHcl, type HclContext } from './hcl.js';
import { extractTemplateFile } from './template.js';

export type { ExtractContext, ExtractError } from './common.js';
export type { HclContext } from './hcl.js';

export interface ExtractInput {
  /** A `.tf` file's HCL body (its `roots` are empty). */
  hcl?: HclBody;
  /** A `templatefile()` template, parsed with its regions. */
  template?: TemplatedJson;
  /** What the other files of the Terraform module tell (prepared by `Linter.lintFile`). */
  context?: HclContext;
}

export function extractDocuments(file: SourceFile, roots: Node[], input: ExtractInput = {}): ExtractContext {
  const ctx = newContext();
  if (input.hcl) {
    extractHcl(input.hcl, file, ctx, input.context);
    return ctx;
  }
  if (input.template) {
    extractTemplateFile(file, input.template, ctx, input.context?.templateCalls);
    return ctx;
  }
  const tfJson = /\.tf\.json$/i.test(file.path);
  roots.forEach((root, i) => {
    const path = roots.length > 1 ? [i] : [];
    if (tfJson && isTerraformJson(root)) extractTerraform(root, file, ctx);
    else if (isTerraformPlan(root)) extractPlan(root, file, ctx);
    else if (isCloudFormation(root)) extractCloudFormation(root, file, ctx);
    else if (looksLikePolicy(root)) {
      ctx.documents.push(buildPolicy(root, { file, resolver: plainResolver, origin: { format: 'policy' }, path }));
    }
  });
  return ctx;
}
