/**
 * Terraform JSON configuration (`*.tf.json`): policy strings on aws_iam_* and resource-policy
 * resources, `data "aws_iam_policy_document"` blocks, and the `${data.aws_iam_policy_document.X.json}`
 * link from a role or policy to the document it uses.
 */
import { asList, get, getEntry, stringValue, type Node, type ObjectNode, type ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { childPath, inferKind, toLString, toValueList, type BuildOptions, type Resolution, type Resolver } from '../model/build.js';
import { TemplateBuilder } from '../model/template.js';
import type { ConditionBlock, LString, Path, PolicyDocument, PolicyKind, PrincipalBlock, Statement } from '../model/types.js';
import { embeddedPolicy, type ExtractContext } from './common.js';
import { stripScheme } from './cloudformation.js';
import { closingBrace } from '../parsers/template.js';
import { parseEmbeddedTemplate } from '../parsers/embedded.js';
import { templatedPolicy } from './template.js';

export interface TfPolicyAttribute {
  attribute: string;
  kind: PolicyKind;
  /** The attribute is a block list whose items hold the policy (`inline_policy { policy = ... }`). */
  nested?: string;
}

/** Where each Terraform AWS resource type keeps policy JSON. */
export const TF_POLICY_ATTRIBUTES: Record<string, TfPolicyAttribute[]> = {
  aws_iam_role: [
    { attribute: 'assume_role_policy', kind: 'trust' },
    { attribute: 'inline_policy', nested: 'policy', kind: 'identity' },
  ],
  aws_iam_policy: [{ attribute: 'policy', kind: 'identity' }],
  aws_iam_role_policy: [{ attribute: 'policy', kind: 'identity' }],
  aws_iam_user_policy: [{ attribute: 'policy', kind: 'identity' }],
  aws_iam_group_policy: [{ attribute: 'policy', kind: 'identity' }],
  aws_s3_bucket_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_s3_bucket: [{ attribute: 'policy', kind: 'resource' }],
  aws_s3_access_point: [{ attribute: 'policy', kind: 'resource' }],
  aws_s3control_access_point_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_sqs_queue_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_sqs_queue: [{ attribute: 'policy', kind: 'resource' }],
  aws_sns_topic_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_sns_topic: [{ attribute: 'policy', kind: 'resource' }],
  aws_kms_key: [{ attribute: 'policy', kind: 'resource' }],
  aws_kms_key_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_kms_replica_key: [{ attribute: 'policy', kind: 'resource' }],
  aws_secretsmanager_secret_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_secretsmanager_secret: [{ attribute: 'policy', kind: 'resource' }],
  aws_ecr_repository_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_ecr_registry_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_ecrpublic_repository_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_opensearch_domain_policy: [{ attribute: 'access_policies', kind: 'resource' }],
  aws_opensearch_domain: [{ attribute: 'access_policies', kind: 'resource' }],
  aws_elasticsearch_domain_policy: [{ attribute: 'access_policies', kind: 'resource' }],
  aws_elasticsearch_domain: [{ attribute: 'access_policies', kind: 'resource' }],
  aws_efs_file_system_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_backup_vault_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_cloudwatch_event_bus_policy: [{ attribute: 'policy', kind: 'resource' }],
  aws_cloudwatch_log_resource_policy: [{ attribute: 'policy_document', kind: 'resource' }],
  aws_glacier_vault: [{ attribute: 'access_policy', kind: 'resource' }],
};

const DOC_REF = /^\$\{\s*data\.aws_iam_policy_document\.([\w-]+)(?:\[[^\]]*\])?\.(?:json|minified_json)\s*\}$/;

/** A policy string read as a template: its `${...}` are placeholders, resolved where the module allows. */
function templatedString(node: ScalarNode, opts: BuildOptions, resolver: TerraformResolver, ctx: ExtractContext): void {
  const t = parseEmbeddedTemplate(opts.file, node);
  if (!t) return;
  templatedPolicy(t, opts, (reg) => {
    const v = resolver.template(reg.source);
    return v.unknown ? undefined : v;
  }, ctx);
}

/** Blocks in Terraform JSON may be an object or a list of objects; yields name → body pairs. */
function* labelled(node: Node | undefined): Generator<[string, Node, Path]> {
  for (const [i, group] of asList(node).entries()) {
    if (group.type !== 'object') continue;
    for (const e of group.entries) yield [e.key, e.value, node?.type === 'array' ? [i, e.key] : [e.key]];
  }
}

/** Reads `${...}` templates: variables with literal defaults, literal locals, OIDC provider ARNs. */
export class TerraformResolver implements Resolver {
  readonly variables = new Map<string, Node | undefined>();
  readonly locals = new Map<string, Node>();
  readonly oidcProviders = new Map<string, Resolution>();

  resolve(node: Node, _path: Path): Resolution | undefined {
    if (node.type !== 'scalar' || typeof node.value !== 'string') return undefined;
    const text = node.value;
    if (!text.includes('${') && !text.includes('%{')) return undefined;
    return this.template(text);
  }

  template(text: string, depth = 0): Resolution {
    const b = new TemplateBuilder();
    let i = 0;
    let lit = '';
    let interpolations = 0;
    let lastHole: Resolution | undefined;
    while (i < text.length) {
      if ((text.startsWith('$${', i) || text.startsWith('%%{', i))) {
        lit += text[i + 1] + '{';
        i += 3;
        continue;
      }
      if (text.startsWith('${', i) || text.startsWith('%{', i)) {
        const end = closingBrace(text, i + 2);
        if (end < 0) return { value: text, unknown: true };
        if (text[i] === '%') return { value: text, unknown: true };
        b.text(lit);
        lit = '';
        interpolations++;
        const expr = text.slice(i + 2, end).trim().replace(/^~|~$/g, '').trim();
        const r = depth < 10 ? this.expression(expr, depth) : undefined;
        if (r) b.append(r);
        else b.hole(text.slice(i, end + 1));
        lastHole = r;
        i = end + 1;
        continue;
      }
      lit += text[i++];
    }
    b.text(lit);
    const r = b.build();
    // A lone unresolved `${expr}` may stand for a list or an object, not only a string.
    if (interpolations === 1 && !lastHole && r.holes?.length === 1 && r.holes[0][0] === 0 && r.holes[0][1] === r.value.length) {
      return { value: text, unknown: true };
    }
    return r;
  }

  private expression(expr: string, depth: number): Resolution | undefined {
    let m = /^var\.([\w-]+)$/.exec(expr);
    if (m) {
      const r = this.literal(this.variables.get(m[1]), depth);
      // `"default": ""` is the usual mark of a value the caller must give: a placeholder.
      return r && r.value === '' ? undefined : r;
    }
    m = /^local\.([\w-]+)$/.exec(expr);
    if (m) return this.literal(this.locals.get(m[1]), depth);
    m = /^aws_iam_openid_connect_provider\.([\w-]+)(?:\[[^\]]*\])?\.arn$/.exec(expr);
    if (m) return this.oidcProviders.get(m[1]);
    // The provider's `url`, plain or with its scheme replaced away: IAM gives it back without the
    // scheme, and that is what the state holds.
    m =
      /^replace\(\s*aws_iam_openid_connect_provider\.([\w-]+)(?:\[[^\]]*\])?\.url\s*,\s*"https:\/\/"\s*,\s*""\s*\)$/.exec(expr) ??
      /^aws_iam_openid_connect_provider\.([\w-]+)(?:\[[^\]]*\])?\.url$/.exec(expr);
    if (m) {
      const arn = this.oidcProviders.get(m[1]);
      if (!arn) return undefined;
      const at = arn.value.indexOf(':oidc-provider/');
      const issuer = arn.value.slice(at + ':oidc-provider/'.length);
      const shift = at + ':oidc-provider/'.length;
      return { value: issuer, holes: arn.holes?.filter(([a]) => a >= shift).map(([a, c]) => [a - shift, c - shift]) };
    }
    return undefined;
  }

  private literal(node: Node | undefined, depth: number): Resolution | undefined {
    if (!node || node.type !== 'scalar' || node.value === null) return undefined;
    const text = String(node.value);
    if (text.includes('${') || text.includes('%{')) {
      const r = this.template(text, depth + 1);
      return r.unknown ? undefined : r;
    }
    return { value: text.replace(/\$\$\{/g, '${') };
  }
}

export function isTerraformJson(root: Node | undefined): root is ObjectNode {
  return !!root && root.type === 'object' && root.entries.some((e) => ['resource', 'data', 'provider', 'terraform', 'variable', 'module', 'locals', 'output'].includes(e.key));
}

export function extractTerraform(root: ObjectNode, file: SourceFile, ctx: ExtractContext): void {
  const resolver = new TerraformResolver();
  for (const [name, body] of labelled(get(root, 'variable'))) {
    for (const b of asList(body)) resolver.variables.set(name, get(b, 'default'));
  }
  for (const group of asList(get(root, 'locals'))) {
    if (group.type === 'object') for (const e of group.entries) resolver.locals.set(e.key, e.value);
  }
  const resources = [...labelled(get(root, 'resource'))];
  for (const [type, byName, typePath] of resources) {
    if (type !== 'aws_iam_openid_connect_provider') continue;
    for (const [name, body] of labelled(byName)) {
      for (const b of asList(body)) {
        const url = get(b, 'url');
        const path: Path = ['resource', ...typePath, name, 'url'];
        const r = url ? toLString(url, path, resolver) : undefined;
        const issuer = r && !r.unknown ? stripScheme(r) : undefined;
        const arn = new TemplateBuilder().text('arn:').hole('${partition}').text(':iam::').hole('${account_id}').text(':oidc-provider/');
        if (issuer) arn.append(issuer);
        else arn.hole(`\${aws_iam_openid_connect_provider.${name}.url}`);
        resolver.oidcProviders.set(name, arn.build());
        if (issuer && url) {
          const ids = get(b, 'client_id_list');
          ctx.oidcProviders.push({
            issuer: { value: issuer.value, holes: issuer.holes, range: url.range, path, node: url },
            clientIds: ids ? toValueList(ids, ['resource', ...typePath, name, 'client_id_list'], resolver) : undefined,
            resource: `aws_iam_openid_connect_provider.${name}`,
          });
        }
      }
    }
  }
  // Which data documents are used where, so that each is linted once with the right kind.
  const docKinds = new Map<string, PolicyKind>();
  for (const [type, byName, typePath] of resources) {
    const attrs = Object.hasOwn(TF_POLICY_ATTRIBUTES, type) ? TF_POLICY_ATTRIBUTES[type] : undefined;
    if (!attrs) continue;
    for (const [name, body, namePath] of labelled(byName)) {
      for (const b of asList(body)) {
        for (const attr of attrs) {
          const base: Path = ['resource', ...typePath, ...namePath.slice(0, -1), name];
          const origin = { format: 'terraform' as const, resource: `${type}.${name}`, resourceType: type, property: attr.attribute };
          const values: Array<[Node, Path]> = [];
          const v = get(b, attr.attribute);
          if (!v) continue;
          if (attr.nested) {
            asList(v).forEach((item, i) => {
              const p = get(item, attr.nested!);
              if (p) values.push([p, [...base, attr.attribute, ...(v.type === 'array' ? [i] : []), attr.nested!]]);
            });
          } else values.push([v, [...base, attr.attribute]]);
          for (const [node, path] of values) {
            const text = stringValue(node);
            if (text === undefined) continue;
            // Only a `${...}` can be a reference (most policies are JSON text: no need to trim a copy).
            const ref = text.includes('${') ? DOC_REF.exec(text.trim()) : null;
            if (ref) {
              if (!docKinds.has(ref[1]) || attr.kind === 'trust') docKinds.set(ref[1], attr.kind);
              continue;
            }
            const opts = { file, resolver, kind: attr.kind, origin, path };
            const doc = embeddedPolicy(node as ScalarNode, path, opts, ctx);
            // Not JSON as it stands, but maybe once its interpolations are rendered (one holding
            // quotes: `"${format(\"arn:%s\", var.b)}"`): read with them as placeholders.
            if (!doc && text.includes('${')) templatedString(node as ScalarNode, opts, resolver, ctx);
          }
        }
      }
    }
  }
  for (const [type, byName, typePath] of labelled(get(root, 'data'))) {
    if (type !== 'aws_iam_policy_document') continue;
    for (const [name, body, namePath] of labelled(byName)) {
      asList(body).forEach((b) => {
        const path: Path = ['data', ...typePath, ...namePath.slice(0, -1), name];
        ctx.documents.push(policyDocumentData(b, path, file, resolver, name, docKinds.get(name)));
      });
    }
  }
}

/** Every value of a block key, repeated keys included (each is one more block in HCL JSON). */
function blocks(body: Node, key: string): Node[] {
  return body.type === 'object' ? body.entries.filter((e) => e.key === key).map((e) => e.value) : [];
}

const TF_ELEMENT_NAMES: Record<string, string> = {
  sid: 'Sid',
  effect: 'Effect',
  actions: 'Action',
  not_actions: 'NotAction',
  resources: 'Resource',
  not_resources: 'NotResource',
  principals: 'Principal',
  not_principals: 'NotPrincipal',
  condition: 'Condition',
};

/** `data "aws_iam_policy_document"` in its block form, into the same model as policy JSON. */
export function policyDocumentData(
  body: Node,
  path: Path,
  file: SourceFile,
  resolver: Resolver,
  name: string,
  kind: PolicyKind | undefined,
): PolicyDocument {
  const doc: PolicyDocument = {
    kind: kind ?? 'identity',
    file,
    statements: [],
    unknown: false,
    origin: { format: 'terraform', resource: `data.aws_iam_policy_document.${name}`, resourceType: 'aws_iam_policy_document' },
    range: body.range,
    path,
    node: body,
  };
  const version = get(body, 'version');
  if (version) doc.version = toLString(version, childPath(path, 'version'), resolver);
  // In HCL's JSON syntax a repeated block key is one more block, not a replaced value.
  let index = 0;
  for (const [i, stmts] of blocks(body, 'statement').entries()) {
    if (stmts.type !== 'object' && stmts.type !== 'array') doc.unknown = true;
    asList(stmts).forEach((s, k) => {
      const sp: Path = [...path, 'statement', ...(i > 0 ? [`#${i + 1}`] : []), ...(stmts.type === 'array' ? [k] : [])];
      doc.statements.push(dataStatement(s, index++, sp, resolver));
    });
  }
  if (get(body, 'dynamic')) doc.unknown = true;
  if (!kind) doc.kind = inferKind(doc.statements);
  return doc;
}

function dataStatement(node: Node, index: number, path: Path, resolver: Resolver): Statement {
  const st: Statement = { index, unknown: false, elements: [], range: node.range, path, node };
  if (node.type !== 'object') {
    st.unknown = true;
    return st;
  }
  for (const e of node.entries) {
    const p = childPath(path, e.key);
    st.elements.push({ name: (Object.hasOwn(TF_ELEMENT_NAMES, e.key) ? TF_ELEMENT_NAMES[e.key] : undefined) ?? e.key, range: e.keyRange, path: p });
    switch (e.key) {
      case 'sid':
        st.sid = toLString(e.value, p, resolver);
        break;
      case 'effect':
        st.effect = toLString(e.value, p, resolver);
        break;
      case 'actions':
        st.action = toValueList(e.value, p, resolver);
        break;
      case 'not_actions':
        st.notAction = toValueList(e.value, p, resolver);
        break;
      case 'resources':
        st.resource = toValueList(e.value, p, resolver);
        break;
      case 'not_resources':
        st.notResource = toValueList(e.value, p, resolver);
        break;
      case 'principals':
      case 'not_principals': {
        const previous = e.key === 'principals' ? st.principal : st.notPrincipal;
        const block: PrincipalBlock = previous ?? { entries: [], unknown: false, range: e.value.range, path: p, node: e.value };
        asList(e.value).forEach((pr, i) => {
          const pp = e.value.type === 'array' ? childPath(p, i) : p;
          const type = get(pr, 'type');
          const ids = get(pr, 'identifiers');
          const t = type ? toLString(type, childPath(pp, 'type'), resolver) : undefined;
          if (!t || !ids || t.unknown) {
            block.unknown = true;
            return;
          }
          const values = toValueList(ids, childPath(pp, 'identifiers'), resolver);
          if (values.unknown) block.unknown = true;
          if (t.value === '*') {
            block.wildcard = values.items[0] ?? t;
            return;
          }
          block.entries.push({ type: t, values });
        });
        if (e.key === 'principals') st.principal = block;
        else st.notPrincipal = block;
        break;
      }
      case 'condition': {
        const block: ConditionBlock = st.condition ?? { entries: [], unknown: false, range: e.value.range, path: p, node: e.value };
        asList(e.value).forEach((c, i) => {
          const cp = e.value.type === 'array' ? childPath(p, i) : p;
          const test = get(c, 'test');
          const variable = get(c, 'variable');
          const values = get(c, 'values');
          const op = test ? toLString(test, childPath(cp, 'test'), resolver) : undefined;
          const key = variable ? toLString(variable, childPath(cp, 'variable'), resolver) : undefined;
          if (!op || !key || !values || op.unknown || key.unknown) {
            block.unknown = true;
            return;
          }
          const list = toValueList(values, childPath(cp, 'values'), resolver);
          // An unresolved value leaves the key known: `values.unknown` says so per entry.
          block.entries.push({ operator: op, key, values: list });
        });
        st.condition = block;
        break;
      }
    }
  }
  if (!st.effect) {
    // Terraform's default effect.
    const implicit: LString = { value: 'Allow', range: { start: node.range.start, end: node.range.start }, path, node };
    st.effect = implicit;
  }
  if (getEntry(node, 'dynamic')) st.unknown = true;
  return st;
}
