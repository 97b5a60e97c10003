/** Finds the format of a parsed file and runs its extractor. */
import type { Node } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { buildPolicy, looksLikePolicy, plainResolver } from '../model/build.js';
import { extractCloudFormation, isCloudFormation } from './cloudformation.js';
import { extractTerraform, isTerraformJson } from './terraform.js';
import { extractPlan, isTerraformPlan } from './plan.js';
import { newContext, type ExtractContext } from './common.js';

export type { ExtractContext, ExtractError } from './common.js';

export function extractDocuments(file: SourceFile, roots: Node[]): ExtractContext {
  const ctx = newContext();
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
