/**
 * Terraform HCL (`*.tf`): the same policies as Terraform JSON, written natively —
 * `jsonencode({...})` in HCL object syntax, heredoc JSON, JSON in a quoted string, and
 * `data "aws_iam_policy_document"` blocks — into the same model, each value at its exact range.
 *
 * What an expression stands for comes from the module (the directory's `.tf` files): `var.x` with a
 * literal default, `local.x` when it resolves, an `aws_iam_openid_connect_provider`'s ARN and URL,
 * `replace()` / `trimprefix()` of those with literal arguments. Everything else (`for`, conditionals,
 * other calls and references, `dynamic` blocks) is Unresolved, and a rule never reports on it.
 */
import { literalString, type HclBlock, type HclBody, type HclCall, type HclExpr, type HclString } from '../parsers/hcl.js';
import { jsonStringContent } from '../parsers/json.js';
import { parseTemplatedJson } from '../parsers/template.js';
import type { ArrayNode, Encoder, Entry, Node, ObjectNode, ScalarNode } from '../parsers/tree.js';
import type { SourceFile } from '../parsers/source.js';
import { buildPolicy, toValueList, type BuildOptions, type Resolution, type Resolver } from '../model/build.js';
import { TemplateBuilder } from '../model/template.js';
import type { LString, Path, PolicyKind, PolicyOrigin } from '../model/types.js';
import type { ExtractContext } from './common.js';
import { stripScheme } from './cloudformation.js';
import { policyDocumentData, TF_POLICY_ATTRIBUTES } from './terraform.js';
import { hclTemplateEscape, inCondition, templatedPolicy, type TemplateCall } from './template.js';

/** What the linted file learns from the other `.tf` files of its module (see HclWorkspace). */
export interface HclContext {
  /** The facts of the other `.tf` files of the directory. */
  siblings?: ModuleFacts[];
  /** For a template file: the `templatefile()` calls that render it. */
  templateCalls?: TemplateCall[];
}

/** What one `.tf` file declares that matters to the policies of its module. */
export interface ModuleFacts {
  file?: string;
  /** `variable` blocks: their `default`. */
  variables: Map<string, HclExpr | undefined>;
  locals: Map<string, HclExpr>;
  /** `resource "aws_iam_openid_connect_provider"`: the `url` argument. */
  providers: Map<string, HclExpr | undefined>;
  /** `data "aws_iam_openid_connect_provider"`: its `url` and `arn` arguments. */
  providerData: Map<string, { url?: HclExpr; arn?: HclExpr }>;
  /** `data.aws_iam_policy_document.X.json` used as a policy of this kind. */
  docKinds: Map<string, PolicyKind>;
  /** Locals used as a policy (`jsonencode(local.x)`, `local.x`). */
  localKinds: Map<string, PolicyKind>;
  /** `source_policy_documents` / `override_policy_documents`: [document, the document it merges]. */
  docSources: Array<[string, string]>;
  /** `templatefile()` calls on policy arguments. */
  templateCalls: Array<{ call: HclCall; kind: PolicyKind; origin: PolicyOrigin }>;
}

export function emptyFacts(file?: string): ModuleFacts {
  return {
    file,
    variables: new Map(),
    locals: new Map(),
    providers: new Map(),
    providerData: new Map(),
    docKinds: new Map(),
    localKinds: new Map(),
    docSources: [],
    templateCalls: [],
  };
}

/** Writes text into an HCL quoted string: JSON escapes are HCL escapes, and `${` / `%{` are doubled. */
const hclStringEscape: Encoder = (s) => hclTemplateEscape(s);
/** Writes text into JSON held in an HCL quoted string. */
const jsonInHclString: Encoder = (s) => hclTemplateEscape(jsonStringContent(s));
/** Marks a list that stands for repeated blocks: a fix cannot append to it as to a JSON list. */
const blockList: Encoder = (s) => s;

interface PolicyArgument {
  expr: HclExpr;
  kind: PolicyKind;
  origin: PolicyOrigin;
  path: Path;
}

/** Blocks of a body of one type, and the `content` of `dynamic` blocks labelled with it. */
function* blocksOf(body: HclBody, type: string): Generator<HclBlock> {
  for (const b of body.blocks) {
    if (b.type === type) yield b;
    else if (b.type === 'dynamic' && b.labels[0]?.value === type) {
      for (const c of b.body.blocks) if (c.type === 'content') yield c;
    }
  }
}

const attribute = (body: HclBody, name: string) => {
  for (let i = body.attributes.length - 1; i >= 0; i--) if (body.attributes[i].name === name) return body.attributes[i];
  return undefined;
};

/** Every policy argument of the resources of a file, per TF_POLICY_ATTRIBUTES. */
function* policyArguments(body: HclBody): Generator<PolicyArgument> {
  for (const block of body.blocks) {
    if (block.type !== 'resource' || block.labels.length < 2) continue;
    const [type, name] = [block.labels[0].value, block.labels[1].value];
    const attrs = Object.hasOwn(TF_POLICY_ATTRIBUTES, type) ? TF_POLICY_ATTRIBUTES[type] : undefined;
    if (!attrs) continue;
    const base: Path = ['resource', type, name];
    for (const attr of attrs) {
      const origin: PolicyOrigin = { format: 'terraform', resource: `${type}.${name}`, resourceType: type, property: attr.attribute };
      if (attr.nested) {
        let i = 0;
        for (const nested of blocksOf(block.body, attr.attribute)) {
          const a = attribute(nested.body, attr.nested);
          if (a) yield { expr: a.expr, kind: attr.kind, origin, path: [...base, attr.attribute, i, attr.nested] };
          i++;
        }
      } else {
        const a = attribute(block.body, attr.attribute);
        if (a) yield { expr: a.expr, kind: attr.kind, origin, path: [...base, attr.attribute] };
      }
    }
  }
}

/** `data.aws_iam_policy_document.X.json` (also `[0]`, `minified_json`, or inside `"${...}"`): X. */
export function documentReference(e: HclExpr): string | undefined {
  if (e.kind === 'string') {
    const t = e.template;
    const [only] = t.regions;
    if (t.regions.length !== 1 || only.kind !== 'interpolation' || !only.expr || t.text.slice(0, only.start).trim() || t.text.slice(only.end).trim()) return undefined;
    return documentReference(only.expr);
  }
  if (e.kind !== 'ref') return undefined;
  const p = e.parts.filter((x) => !x.startsWith('['));
  if (p.length === 4 && p[0] === 'data' && p[1] === 'aws_iam_policy_document' && (p[3] === 'json' || p[3] === 'minified_json')) return p[2];
  return undefined;
}

/**
 * `jsonencode()` of what is JSON text already — a policy document's `.json`, a local holding a heredoc
 * or a quoted string — as the text to show (`data.aws_iam_policy_document.trust.json`); else undefined.
 */
function encodedTwice(e: HclExpr, facts: ModuleFacts): string | undefined {
  if (e.kind !== 'call' || e.name !== 'jsonencode' || e.args.length !== 1) return undefined;
  const arg = e.args[0];
  const doc = documentReference(arg);
  if (doc) return `\`data.aws_iam_policy_document.${doc}.json\``;
  if (arg.kind === 'ref' && arg.parts.length === 2 && arg.parts[0] === 'local') {
    const value = facts.locals.get(arg.parts[1]);
    if (value?.kind === 'string' && /^\s*\{/.test(value.template.text)) return `\`local.${arg.parts[1]}\``;
  }
  return undefined;
}

/** `local.x`, or `jsonencode(local.x)`: x. */
function localReference(e: HclExpr): string | undefined {
  const inner = e.kind === 'call' && e.name === 'jsonencode' && e.args.length === 1 ? e.args[0] : e;
  if (inner.kind === 'ref' && inner.parts.length === 2 && inner.parts[0] === 'local') return inner.parts[1];
  return undefined;
}

const setKind = (m: Map<string, PolicyKind>, name: string, kind: PolicyKind) => {
  if (!m.has(name) || kind === 'trust') m.set(name, kind);
};

/** What a file declares for its module. */
export function collectFacts(body: HclBody, file?: string): ModuleFacts {
  const f = emptyFacts(file);
  for (const b of body.blocks) {
    const [l0, l1] = b.labels.map((l) => l.value);
    if (b.type === 'variable' && l0) f.variables.set(l0, attribute(b.body, 'default')?.expr);
    else if (b.type === 'locals') for (const a of b.body.attributes) f.locals.set(a.name, a.expr);
    else if (b.type === 'resource' && l0 === 'aws_iam_openid_connect_provider' && l1) f.providers.set(l1, attribute(b.body, 'url')?.expr);
    else if (b.type === 'data' && l0 === 'aws_iam_openid_connect_provider' && l1) {
      f.providerData.set(l1, { url: attribute(b.body, 'url')?.expr, arn: attribute(b.body, 'arn')?.expr });
    } else if (b.type === 'data' && l0 === 'aws_iam_policy_document' && l1) {
      for (const key of ['source_policy_documents', 'override_policy_documents']) {
        const a = attribute(b.body, key);
        if (a?.expr.kind === 'tuple') {
          for (const item of a.expr.items) {
            const ref = documentReference(item);
            if (ref) f.docSources.push([l1, ref]);
          }
        }
      }
      const single = attribute(b.body, 'source_json') ?? attribute(b.body, 'override_json');
      const ref = single && documentReference(single.expr);
      if (ref) f.docSources.push([l1, ref]);
    }
  }
  for (const arg of policyArguments(body)) {
    const doc = documentReference(arg.expr);
    if (doc) {
      setKind(f.docKinds, doc, arg.kind);
      continue;
    }
    const local = localReference(arg.expr);
    if (local) {
      setKind(f.localKinds, local, arg.kind);
      continue;
    }
    if (arg.expr.kind === 'call' && arg.expr.name === 'templatefile' && arg.expr.args.length >= 1) {
      f.templateCalls.push({ call: arg.expr, kind: arg.kind, origin: arg.origin });
    }
  }
  return f;
}

/** The facts of the whole module: the linted file's and its siblings'. */
export function mergeFacts(all: ModuleFacts[]): ModuleFacts {
  const m = emptyFacts();
  for (const f of all) {
    for (const [k, v] of f.variables) if (!m.variables.has(k)) m.variables.set(k, v);
    for (const [k, v] of f.locals) if (!m.locals.has(k)) m.locals.set(k, v);
    for (const [k, v] of f.providers) if (!m.providers.has(k)) m.providers.set(k, v);
    for (const [k, v] of f.providerData) if (!m.providerData.has(k)) m.providerData.set(k, v);
    for (const [k, v] of f.docKinds) setKind(m.docKinds, k, v);
    for (const [k, v] of f.localKinds) setKind(m.localKinds, k, v);
    m.docSources.push(...f.docSources);
    m.templateCalls.push(...f.templateCalls);
  }
  // A local that stands for a document's JSON (`trust = data.aws_iam_policy_document.t.json`).
  for (const [name, kind] of m.localKinds) {
    const e = m.locals.get(name);
    const doc = e && documentReference(e);
    if (doc) setKind(m.docKinds, doc, kind);
    if (e?.kind === 'call' && e.name === 'templatefile' && e.args.length >= 1) {
      m.templateCalls.push({ call: e, kind, origin: { format: 'terraform', resource: `local.${name}` } });
    }
  }
  // A document merged into another (source/override) is part of a policy of the same kind.
  for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
    changed = false;
    for (const [doc, source] of m.docSources) {
      const k = m.docKinds.get(doc);
      if (k && m.docKinds.get(source) !== k && (!m.docKinds.has(source) || k === 'trust')) {
        m.docKinds.set(source, k);
        changed = true;
      }
    }
  }
  return m;
}

const MAX_RESOLVE_DEPTH = 10;
const OIDC_PREFIX = ':oidc-provider/';

/** What HCL expressions stand for, from the module's facts. */
export class HclResolver implements Resolver {
  /** Nodes standing for an expression that is not plain data. */
  private readonly exprs = new WeakMap<Node, HclExpr>();
  /** Object keys written as expressions, by their range (the model reads keys as new scalar nodes). */
  private readonly keyExprs = new Map<string, HclExpr>();
  /** Objects with a key the module does not determine. */
  private readonly exprKeyObjects = new WeakSet<Node>();

  constructor(readonly facts: ModuleFacts) {}

  resolve(node: Node, path: Path): Resolution | undefined {
    if (node.type === 'object') {
      // A statement or document with a computed key: its elements are not known. Condition keys are
      // read one by one (the model asks for each), so an unresolved one makes only that block unknown.
      if (this.exprKeyObjects.has(node) && !inCondition(path)) return { value: '', unknown: true };
      return undefined;
    }
    if (node.type !== 'scalar') return undefined;
    const e = this.exprs.get(node) ?? this.keyExprs.get(`${node.range.start}:${node.range.end}`);
    if (!e) return undefined;
    return this.value(e) ?? { value: e.text, unknown: true };
  }

  /**
   * The node a document is built from: a document with a computed top-level key is wholly unknown
   * (a stand-in scalar, so that no rule reads its keys as policy elements).
   */
  document(node: Node): Node {
    if (!this.exprKeyObjects.has(node)) return node;
    const standIn: ScalarNode = { type: 'scalar', value: '', style: 'yaml-block', range: node.range };
    this.exprs.set(standIn, { kind: 'other', range: node.range, text: '' });
    return standIn;
  }

  /** What an expression stands for; undefined when the module does not determine it. */
  value(e: HclExpr, depth = 0): Resolution | undefined {
    if (depth > MAX_RESOLVE_DEPTH) return undefined;
    switch (e.kind) {
      case 'string':
        return this.template(e, depth);
      case 'number':
      case 'bool':
        return { value: e.text };
      case 'ref':
        return this.reference(e.parts, depth);
      case 'call':
        return this.call(e, depth);
      default:
        return undefined;
    }
  }

  private template(e: HclString, depth: number): Resolution {
    const t = e.template;
    const b = new TemplateBuilder();
    let pos = 0;
    let resolved = 0;
    for (const reg of t.regions) {
      b.text(t.text.slice(pos, reg.start));
      pos = reg.end;
      if (reg.kind === 'directive') {
        b.unknown = true;
        b.hole(reg.source);
        continue;
      }
      const r = reg.expr ? this.value(reg.expr, depth + 1) : undefined;
      if (r) {
        b.append(r);
        resolved++;
      } else b.hole(reg.source);
    }
    b.text(t.text.slice(pos));
    const r = b.build();
    // A lone unresolved `"${expr}"` may stand for a list or an object, not only a string.
    const [only] = t.regions;
    if (t.regions.length === 1 && resolved === 0 && only.start === 0 && only.end === t.text.length) return { value: e.text, unknown: true };
    return r;
  }

  private reference(parts: string[], depth: number): Resolution | undefined {
    const p = parts.filter((x) => !x.startsWith('['));
    if (p.length === 2 && p[0] === 'var') {
      const d = this.facts.variables.get(p[1]);
      if (!d || (d.kind !== 'string' && d.kind !== 'number' && d.kind !== 'bool')) return undefined;
      const r = this.value(d, depth + 1);
      // `default = ""` is the usual mark of a value the caller must give: a placeholder.
      return r && r.value === '' && !r.unknown ? undefined : r;
    }
    if (p.length === 2 && p[0] === 'local') {
      const l = this.facts.locals.get(p[1]);
      return l ? this.value(l, depth + 1) : undefined;
    }
    if (p.length === 3 && p[0] === 'aws_iam_openid_connect_provider' && this.facts.providers.has(p[1])) {
      const url = this.facts.providers.get(p[1]);
      if (p[2] === 'arn') return this.providerArn(p[1], url, depth);
      // IAM gives the provider's URL back without its scheme, and that is what the state holds
      // (the provider suppresses the `https://` difference): `"${...url}:sub"` is a valid key.
      if (p[2] === 'url') return url ? this.url(url, depth) : undefined;
    }
    if (p.length === 4 && p[0] === 'data' && p[1] === 'aws_iam_openid_connect_provider' && this.facts.providerData.has(p[2])) {
      const d = this.facts.providerData.get(p[2])!;
      if (p[3] === 'arn') {
        if (d.arn) return this.value(d.arn, depth + 1);
        return d.url ? this.providerArn(`data.aws_iam_openid_connect_provider.${p[2]}`, d.url, depth) : undefined;
      }
      if (p[3] === 'url' && d.url) return this.url(d.url, depth);
    }
    return undefined;
  }

  /** An OIDC provider's `url` attribute, as IAM returns it: without the scheme. */
  private url(expr: HclExpr, depth: number): Resolution | undefined {
    const r = this.value(expr, depth + 1);
    return r && !r.unknown ? stripScheme(r) : r;
  }

  /** `arn:${partition}:iam::${account_id}:oidc-provider/<issuer>`, as the Terraform JSON resolver writes it. */
  private providerArn(name: string, url: HclExpr | undefined, depth: number): Resolution {
    const r = url ? this.value(url, depth + 1) : undefined;
    const issuer = r && !r.unknown ? stripScheme(r) : undefined;
    const arn = new TemplateBuilder().text('arn:').hole('${partition}').text(':iam::').hole('${account_id}').text(OIDC_PREFIX);
    if (issuer) arn.append(issuer);
    else arn.hole(`\${${name.startsWith('data.') ? name : `aws_iam_openid_connect_provider.${name}`}.url}`);
    return arn.build();
  }

  private call(e: HclCall, depth: number): Resolution | undefined {
    const literal = (i: number) => (e.args[i] ? literalString(e.args[i]) : undefined);
    if (e.name === 'replace' && e.args.length === 3) {
      const [search, by] = [literal(1), literal(2)];
      // A search string in slashes is a regular expression: not followed.
      if (search === undefined || by === undefined || search === '' || (search.length > 1 && search.startsWith('/') && search.endsWith('/'))) return undefined;
      const s = this.value(e.args[0], depth + 1);
      return s && !s.unknown ? replaceKnown(s, search, by) : undefined;
    }
    if ((e.name === 'trimprefix' || e.name === 'trimsuffix') && e.args.length === 2) {
      const affix = literal(1);
      const s = this.value(e.args[0], depth + 1);
      if (affix === undefined || !s || s.unknown) return undefined;
      return e.name === 'trimprefix' ? replaceKnown(s, affix, '', 'prefix') : replaceKnown(s, affix, '', 'suffix');
    }
    return undefined;
  }

  // ---- building the located tree

  /** The located tree of an expression (an object, a list, a value, or an expression placeholder). */
  node(e: HclExpr, depth = 0): Node {
    switch (e.kind) {
      case 'string': {
        if (e.template.regions.length === 0 && !e.heredoc) {
          return { type: 'scalar', value: e.template.text, style: 'json-string', range: e.range, encoders: [hclStringEscape] };
        }
        return this.placeholder(e);
      }
      case 'number':
        return { type: 'scalar', value: e.value, style: 'json-literal', raw: e.text, range: e.range };
      case 'bool':
        return { type: 'scalar', value: e.value, style: 'json-literal', range: e.range };
      case 'null':
        return { type: 'scalar', value: null, style: 'json-literal', range: e.range };
      case 'tuple':
        if (depth > 200) return this.placeholder(e);
        return { type: 'array', items: e.items.map((i) => this.node(i, depth + 1)), range: e.range, flow: true };
      case 'object': {
        if (depth > 200) return this.placeholder(e);
        const obj: ObjectNode = { type: 'object', entries: [], range: e.range };
        for (const item of e.items) {
          const entry = this.entry(obj, item.name, item.key);
          obj.entries.push({ ...entry, value: this.node(item.value, depth + 1) });
        }
        return obj;
      }
      default:
        return this.placeholder(e);
    }
  }

  private entry(obj: ObjectNode, name: string | undefined, key: HclExpr): Omit<Entry, 'value'> {
    if (name !== undefined && !key.paren) return { key: name, keyRange: key.range, keyStyle: 'json-string' };
    const lit = literalString(key);
    if (lit !== undefined && key.kind === 'string' && !key.heredoc && !key.paren) return { key: lit, keyRange: key.range, keyStyle: 'json-string' };
    // A computed key: read now when the module determines it, else marked for the model to ask.
    const r = this.value(key);
    if (r && !r.unknown && !(r.holes && r.holes.length > 0)) {
      return { key: r.value, keyRange: key.range, keyStyle: 'yaml-block' };
    }
    this.keyExprs.set(`${key.range.start}:${key.range.end}`, key);
    this.exprKeyObjects.add(obj);
    return { key: r ? r.value : key.text, keyRange: key.range, keyStyle: 'yaml-block' };
  }

  /**
   * A scalar standing for an expression. Its style says it cannot be rewritten in place: a fix must
   * not replace `var.x` or a template with the literal it resolves to.
   */
  private placeholder(e: HclExpr): ScalarNode {
    const n: ScalarNode = { type: 'scalar', value: e.text, style: 'yaml-block', range: e.range };
    this.exprs.set(n, e);
    return n;
  }

  /**
   * A block body as Terraform JSON has it: arguments as keys, nested blocks grouped by type into a
   * list. The ranges of blocks start at their type name (not `{`), and block lists refuse appends:
   * a fix cannot write JSON into HCL blocks.
   */
  block(b: HclBlock | { body: HclBody; range: HclBlock['range'] }, depth = 0): ObjectNode {
    const obj: ObjectNode = { type: 'object', entries: [], range: b.range };
    for (const a of b.body.attributes) obj.entries.push({ key: a.name, keyRange: a.nameRange, value: this.node(a.expr) });
    const groups = new Map<string, HclBlock[]>();
    for (const nb of b.body.blocks) {
      const g = groups.get(nb.type);
      if (g) g.push(nb);
      else groups.set(nb.type, [nb]);
    }
    for (const [type, list] of groups) {
      const items = depth < 50 ? list.map((x) => this.block(x, depth + 1)) : [];
      const arr: ArrayNode = { type: 'array', items, range: { start: list[0].range.start, end: list[list.length - 1].range.end }, encoders: [blockList] };
      obj.entries.push({ key: type, keyRange: list[0].typeRange, value: arr });
    }
    obj.entries.sort((x, y) => x.keyRange.start - y.keyRange.start);
    return obj;
  }
}

/** Replaces literal text in a resolved value, only where no hole is touched. */
function replaceKnown(s: Resolution, search: string, by: string, anchor?: 'prefix' | 'suffix'): Resolution | undefined {
  const holes = s.holes ?? [];
  const touches = (a: number, b: number) => holes.some(([x, y]) => a < y && x < b);
  if (anchor) {
    const at = anchor === 'prefix' ? 0 : s.value.length - search.length;
    if (search === '' || at < 0 || s.value.slice(at, at + search.length) !== search) return s;
    if (touches(at, at + search.length)) return undefined;
    return replaceKnownAt(s, [at], search.length, '');
  }
  const at: number[] = [];
  for (let i = s.value.indexOf(search); i >= 0; i = s.value.indexOf(search, i + search.length)) {
    if (touches(i, i + search.length)) return undefined;
    at.push(i);
  }
  return at.length ? replaceKnownAt(s, at, search.length, by) : s;
}

function replaceKnownAt(s: Resolution, at: number[], len: number, by: string): Resolution {
  let value = '';
  let pos = 0;
  const shift = (x: number) => x - at.filter((a) => a + len <= x).length * (len - by.length);
  for (const a of at) {
    value += s.value.slice(pos, a) + by;
    pos = a + len;
  }
  value += s.value.slice(pos);
  const r: Resolution = { value };
  if (s.holes?.length) r.holes = s.holes.map(([x, y]) => [shift(x), shift(y)] as const);
  return r;
}

/**
 * Extracts the policies of one `.tf` file. `context` carries the facts of the other files of the
 * module (variables, locals, providers, where each policy document is used).
 */
export function extractHcl(body: HclBody, file: SourceFile, ctx: ExtractContext, context: HclContext = {}): void {
  const own = collectFacts(body, file.path);
  const facts = mergeFacts([own, ...(context.siblings ?? [])]);
  const resolver = new HclResolver(facts);

  // OIDC providers of this file (for the rules that compare audiences with their client ids).
  for (const b of body.blocks) {
    if (b.type !== 'resource' || b.labels[0]?.value !== 'aws_iam_openid_connect_provider' || !b.labels[1]) continue;
    const name = b.labels[1].value;
    const url = attribute(b.body, 'url');
    if (!url) continue;
    const path: Path = ['resource', 'aws_iam_openid_connect_provider', name, 'url'];
    const r = resolver.value(url.expr);
    const issuer = r && !r.unknown ? stripScheme(r) : undefined;
    if (!issuer) continue;
    const node = resolver.node(url.expr);
    const ids = attribute(b.body, 'client_id_list');
    const value: LString = { value: issuer.value, range: url.expr.range, path, node };
    if (issuer.holes && issuer.holes.length > 0) value.holes = issuer.holes;
    ctx.oidcProviders.push({
      issuer: value,
      clientIds: ids ? toValueList(resolver.node(ids.expr), ['resource', 'aws_iam_openid_connect_provider', name, 'client_id_list'], resolver) : undefined,
      resource: `aws_iam_openid_connect_provider.${name}`,
    });
  }

  // Policy arguments of resources.
  for (const arg of policyArguments(body)) {
    const twice = encodedTwice(arg.expr, facts);
    if (twice) {
      ctx.errors.push({
        message: `The policy in ${arg.origin.property ?? 'this argument'} is encoded twice: ${twice} is already JSON text, and jsonencode() of it makes a JSON string holding the policy, which IAM rejects (MalformedPolicyDocument). Write ${twice} without jsonencode().`,
        range: arg.expr.range,
        path: arg.path,
      });
      continue;
    }
    policyValue(arg.expr, arg, file, resolver, ctx);
  }

  // Locals that some resource of the module uses as a policy.
  for (const b of body.blocks) {
    if (b.type !== 'locals') continue;
    for (const a of b.body.attributes) {
      const kind = facts.localKinds.get(a.name);
      if (!kind) continue;
      const path: Path = ['locals', a.name];
      policyValue(a.expr, { kind, origin: { format: 'terraform', resource: `local.${a.name}` }, path }, file, resolver, ctx, true);
    }
  }

  // Policy documents, with the kind of the policy that uses them.
  for (const b of body.blocks) {
    if (b.type !== 'data' || b.labels[0]?.value !== 'aws_iam_policy_document' || !b.labels[1]) continue;
    const name = b.labels[1].value;
    const path: Path = ['data', 'aws_iam_policy_document', name];
    const doc = policyDocumentData(resolver.block(b), path, file, resolver, name, facts.docKinds.get(name));
    // Statements merged in from other documents (or overriding these) are not part of this one.
    if (['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json'].some((k) => attribute(b.body, k))) doc.unknown = true;
    ctx.documents.push(doc);
  }
}

/**
 * A policy argument's value: `jsonencode({...})`, JSON in a heredoc or string; anything else
 * (a document reference, a `templatefile()` call, an expression) is followed elsewhere or not at all.
 */
function policyValue(
  e: HclExpr,
  arg: { kind: PolicyKind; origin: PolicyOrigin; path: Path },
  file: SourceFile,
  resolver: HclResolver,
  ctx: ExtractContext,
  inLocal = false,
): void {
  const opts = { file, resolver, kind: arg.kind, origin: arg.origin, path: arg.path };
  if (e.kind === 'call' && e.name === 'jsonencode' && e.args.length === 1 && e.args[0].kind === 'object') {
    ctx.documents.push(buildPolicy(resolver.document(resolver.node(e.args[0])), opts));
    return;
  }
  if (inLocal && e.kind === 'object') {
    ctx.documents.push(buildPolicy(resolver.document(resolver.node(e)), opts));
    return;
  }
  if (e.kind === 'string' && !documentReference(e)) jsonPolicy(e, opts, resolver, ctx);
}

/** JSON written in a heredoc or quoted string, positions mapped through the HCL escapes. */
function jsonPolicy(e: HclString, opts: Omit<BuildOptions, 'resolver'>, resolver: HclResolver, ctx: ExtractContext): void {
  const tpl = e.template;
  if (tpl.text.trim() === '') return;
  const parsed = parseTemplatedJson(tpl, [e.heredoc ? hclTemplateEscape : jsonInHclString], tpl.regions.length === 0);
  templatedPolicy(parsed, opts, (reg) => (reg.expr ? resolver.value(reg.expr) : undefined), ctx);
}
