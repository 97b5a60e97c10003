/**
 * Finds the trust policy to explain in a file of any format trustlint reads: a raw policy, a
 * CloudFormation/SAM template (`#LogicalId`), Terraform JSON (`#aws_iam_role.name`, which follows a
 * `${data.aws_iam_policy_document.X.json}` link, or `#data.aws_iam_policy_document.X`) or a plan
 * (`#aws_iam_role.name`, `#module.x.aws_iam_role.name`).
 */
import { parseText } from '../engine/parse.js';
import { extractDocuments, type HclContext } from '../extract/index.js';
import { documentReference } from '../extract/hcl.js';
import type { HclBody } from '../parsers/hcl.js';
import type { OidcProviderDefinition, PolicyDocument } from '../model/types.js';
import { SourceFile } from '../parsers/source.js';
import { asList, get, stringValue, type Node } from '../parsers/tree.js';
import { locate, where } from './util.js';

export interface SelectedPolicy {
  document: PolicyDocument;
  /** OIDC providers defined in the same file. */
  providers: OidcProviderDefinition[];
  notes: string[];
}

/** The file has no such policy, or several and no selector: `candidates` lists what there is. */
export class SelectionError extends Error {
  constructor(
    message: string,
    readonly candidates: string[],
  ) {
    super(message);
  }
}

const FORMAT_NAMES: Record<string, string> = {
  cloudformation: 'CloudFormation',
  terraform: 'Terraform',
  'terraform-plan': 'Terraform plan',
  policy: 'policy file',
};

/** One line per document: `#Name  file:line:col  Type Property`, names padded to one width. */
export function describe(docs: PolicyDocument[]): string[] {
  const names = docs.map((d) => (d.origin.resource ? `#${d.origin.resource}` : '(the policy)'));
  const width = Math.max(0, ...names.map((n) => n.length));
  return docs.map((doc, i) => {
    const at = where(locate(doc.file, doc.range));
    const what = [doc.origin.resourceType, doc.origin.property].filter(Boolean).join(' ');
    return `${names[i].padEnd(width)}  ${at}${what ? `  ${what}` : ''}`;
  });
}

const DOC_REF = /^\$\{\s*data\.aws_iam_policy_document\.([\w-]+)(?:\[[^\]]*\])?\.(?:json|minified_json)\s*\}$/;

/** `aws_iam_role.ci` in Terraform JSON whose assume_role_policy is `${data.aws_iam_policy_document.X.json}`: X. */
function linkedDataDocument(root: Node | undefined, selector: string): string | undefined {
  const m = /^aws_iam_role\.([\w-]+)$/.exec(selector);
  if (!m) return undefined;
  for (const group of asList(get(root, 'resource'))) {
    for (const byName of asList(get(group, 'aws_iam_role'))) {
      for (const body of asList(get(byName, m[1]))) {
        const text = stringValue(get(body, 'assume_role_policy'));
        const ref = text ? DOC_REF.exec(text.trim()) : null;
        if (ref) return `data.aws_iam_policy_document.${ref[1]}`;
      }
    }
  }
  return undefined;
}

/** The same in HCL: `assume_role_policy = data.aws_iam_policy_document.X.json` (or inside `"${...}"`). */
function linkedHclDocument(body: HclBody, selector: string): string | undefined {
  const m = /^aws_iam_role\.([\w-]+)$/.exec(selector);
  if (!m) return undefined;
  for (const b of body.blocks) {
    if (b.type !== 'resource' || b.labels[0]?.value !== 'aws_iam_role' || b.labels[1]?.value !== m[1]) continue;
    const attr = b.body.attributes.find((a) => a.name === 'assume_role_policy');
    const name = attr ? documentReference(attr.expr) : undefined;
    if (name) return `data.aws_iam_policy_document.${name}`;
  }
  return undefined;
}

/**
 * Parses `text` (shown as `path`) and picks the trust policy. Throws SelectionError when the file
 * cannot be parsed, holds no policy, holds several and no selector is given, or has no match.
 */
export function selectPolicy(path: string, text: string, selector?: string, context?: HclContext): SelectedPolicy {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const file = new SourceFile(path, body);
  const parsed = parseText(path, body);
  if (parsed.error) {
    const p = file.position(parsed.error.offset);
    throw new SelectionError(`${path}:${p.line}:${p.column}: the file could not be parsed: ${parsed.error.message}`, []);
  }
  const ctx = extractDocuments(file, parsed.roots, { hcl: parsed.hcl, template: parsed.template, context });
  const providers = ctx.oidcProviders;
  const trust = ctx.documents.filter((d) => d.kind === 'trust');
  const candidates = describe(trust.length > 0 ? trust : ctx.documents);
  const notes: string[] = [];

  if (!selector) {
    if (trust.length === 1) return { document: trust[0], providers, notes };
    if (trust.length === 0) {
      const raw = ctx.documents.filter((d) => d.origin.format === 'policy');
      if (raw.length === 1) return { document: raw[0], providers, notes };
      if (ctx.documents.length === 0) throw new SelectionError(`${path} holds no policy document trustlint can read (a raw policy, CloudFormation, Terraform JSON or a plan).`, []);
      throw new SelectionError(`${path} holds no trust policy (no statement allows an sts:AssumeRole* action to a principal). Name one with ${path}#<resource>:`, candidates);
    }
    throw new SelectionError(`${path} holds ${trust.length} trust policies: name one with ${path}#<resource>.`, candidates);
  }

  const exact = trust.filter((d) => d.origin.resource === selector);
  if (exact.length >= 1) {
    if (exact.length > 1) notes.push(`${exact.length} trust policies belong to ${selector}; the first is explained.`);
    return { document: exact[0], providers, notes };
  }
  const anyKind = ctx.documents.filter((d) => d.origin.resource === selector);
  if (anyKind.length === 1) return { document: anyKind[0], providers, notes };
  const linked = parsed.hcl ? linkedHclDocument(parsed.hcl, selector) : parsed.roots.length === 1 ? linkedDataDocument(parsed.roots[0], selector) : undefined;
  if (linked) {
    const doc = ctx.documents.find((d) => d.origin.resource === linked);
    if (doc) {
      notes.push(`${selector} takes its trust policy from ${linked}.`);
      return { document: doc, providers, notes };
    }
  }
  const loose = trust.filter((d) => {
    const r = d.origin.resource ?? '';
    return r.toLowerCase() === selector.toLowerCase() || r.endsWith(`.${selector}`);
  });
  if (loose.length === 1) return { document: loose[0], providers, notes };
  const format = FORMAT_NAMES[ctx.documents[0]?.origin.format ?? ''] ?? 'file';
  throw new SelectionError(
    trust.length > 0 || ctx.documents.length > 0
      ? `${path} (${format}) has no trust policy #${selector}. Trust policies in it:`
      : `${path} holds no policy document trustlint can read, so #${selector} is not there.`,
    candidates,
  );
}
