/**
 * Builds the policy model from a located tree. Formats differ only in their `Resolver`, which says
 * what an expression (a CloudFormation intrinsic, a Terraform interpolation) stands for.
 */
import type { Node, ObjectNode, ScalarNode } from '../parsers/tree.js';
import { getEntry, uniqueEntries } from '../parsers/tree.js';
import type { Range, SourceFile } from '../parsers/source.js';
import type {
  ConditionBlock,
  ConditionEntry,
  LString,
  Path,
  PathSegment,
  PolicyDocument,
  PolicyKind,
  PolicyOrigin,
  PrincipalBlock,
  PrincipalEntry,
  Statement,
  StatementElement,
  ValueList,
} from './types.js';

/** What an expression node stands for. */
export interface Resolution {
  value: string;
  holes?: ReadonlyArray<readonly [number, number]>;
  unknown?: boolean;
  /** Where to report on the value, when narrower than the node (the string inside `!Sub`). */
  range?: Range;
}

export interface Resolver {
  /**
   * Resolves an expression. Returns undefined for a node that is plain data (to be read as it is).
   * A string scalar may be an expression too (a Terraform `"${...}"` template).
   */
  resolve(node: Node, path: Path): Resolution | undefined;
  /**
   * The data a conditional stands for, one entry per branch that holds some (CloudFormation's
   * `Fn::If`, whose `AWS::NoValue` branch holds none): each is checked as if the template had been
   * deployed with it. Undefined for a node that is not such a conditional.
   */
  alternatives?(node: Node, path: Path): Alternative[] | undefined;
}

/** One branch of a conditional that holds data. */
export interface Alternative {
  node: Node;
  path: Path;
  /** How to name the choice: `!If IsProd (true)`. */
  label: string;
  /** No branch of the conditional was left out (`AWS::NoValue`). */
  exhaustive: boolean;
}

export const plainResolver: Resolver = { resolve: () => undefined };

/**
 * `[...path, seg]`. Paths are built for every value of every policy: an array literal of the exact
 * length is the cheapest way V8 has to make one (no iteration protocol, no holes, no growth).
 */
export function childPath(p: Path, seg: PathSegment): PathSegment[] {
  switch (p.length) {
    case 0:
      return [seg];
    case 1:
      return [p[0], seg];
    case 2:
      return [p[0], p[1], seg];
    case 3:
      return [p[0], p[1], p[2], seg];
    case 4:
      return [p[0], p[1], p[2], p[3], seg];
    case 5:
      return [p[0], p[1], p[2], p[3], p[4], seg];
    case 6:
      return [p[0], p[1], p[2], p[3], p[4], p[5], seg];
    case 7:
      return [p[0], p[1], p[2], p[3], p[4], p[5], p[6], seg];
    case 8:
      return [p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], seg];
    case 9:
      return [p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], seg];
    case 10:
      return [p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], seg];
    case 11:
      return [p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], seg];
    default:
      return [...p, seg];
  }
}

function scalarText(node: ScalarNode): string | undefined {
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number') return node.raw ?? String(node.value);
  if (typeof node.value === 'boolean') return String(node.value);
  return undefined;
}

export function toLString(node: Node, path: Path, resolver: Resolver): LString | undefined {
  const r = resolver.resolve(node, path);
  if (r) {
    // One literal per shape, with the properties in the order they always had (no property store
    // grown after the fact).
    const range = r.range ?? node.range;
    const holes = r.holes && r.holes.length > 0 ? r.holes : undefined;
    if (r.unknown) return holes ? { value: r.value, range, path, node, unknown: true, holes } : { value: r.value, range, path, node, unknown: true };
    return holes ? { value: r.value, range, path, node, holes } : { value: r.value, range, path, node };
  }
  if (node.type !== 'scalar') return undefined;
  const text = scalarText(node);
  if (text === undefined) return undefined;
  const holes = typeof node.value === 'string' ? templatingHoles(text) : undefined;
  return holes ? { value: text, range: node.range, path, node, holes } : { value: text, range: node.range, path, node };
}

const TEMPLATING = /\{\{.*?\}\}|\{%.*?%\}/gs;

/**
 * Files rendered by another tool before deployment (Helm, Go templates, Jinja, Sceptre) write values
 * as `{{ .Values.accountId }}` or `{% ... %}`: those parts are not known, like `${...}` in Terraform.
 */
export function templatingHoles(text: string): Array<[number, number]> | undefined {
  // Most values have no brace at all: one scan for it before the two-character ones.
  const brace = text.indexOf('{');
  if (brace < 0 || (!text.includes('{{', brace) && !text.includes('{%', brace))) return undefined;
  const holes: Array<[number, number]> = [];
  for (const m of text.matchAll(TEMPLATING)) holes.push([m.index!, m.index! + m[0].length]);
  return holes.length > 0 ? holes : undefined;
}

/** True when the node is an expression whose value cannot be seen (as opposed to plain data). */
function isOpaque(node: Node, path: Path, resolver: Resolver): boolean {
  if (node.type === 'scalar') return false;
  const r = resolver.resolve(node, path);
  return !!r && !!r.unknown;
}

export function toValueList(node: Node, path: Path, resolver: Resolver): ValueList {
  if (node.type === 'array') {
    // Sized up front: a list grown by `push` keeps room for 16 more items, in every policy of the run.
    const source = node.items;
    const items = new Array<LString>(source.length);
    let n = 0;
    let unknown = false;
    for (let i = 0; i < source.length; i++) {
      const s = toLString(source[i], childPath(path, i), resolver);
      if (!s || s.unknown) unknown = true;
      if (s) items[n++] = s;
    }
    if (n !== items.length) items.length = n;
    return { items, unknown, range: node.range, path, node };
  }
  const s = toLString(node, path, resolver);
  // An expression in place of the whole list may stand for several values.
  const known = !!s && !s.unknown;
  return { items: known ? [s] : [], unknown: !known, range: node.range, path, node };
}

function toPrincipal(node: Node, path: Path, resolver: Resolver): PrincipalBlock {
  const block: PrincipalBlock = { entries: [], unknown: false, range: node.range, path, node };
  if (node.type === 'scalar') {
    const s = toLString(node, path, resolver);
    if (s && s.unknown) block.unknown = true;
    if (s) block.wildcard = s;
    return block;
  }
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    block.unknown = true;
    return block;
  }
  // IAM, like every JSON parser, keeps the last of repeated keys (duplicate-key reports the others).
  const keys = uniqueEntries(node);
  const entries = new Array<PrincipalEntry>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const e = keys[i];
    const p = childPath(path, e.key);
    const type: LString = { value: e.key, range: e.keyRange, path: p, node };
    const entry: PrincipalEntry = { type, values: toValueList(e.value, p, resolver) };
    if (entry.values.unknown) block.unknown = true;
    entries[i] = entry;
  }
  block.entries = entries;
  return block;
}

function toCondition(node: Node, path: Path, resolver: Resolver): ConditionBlock {
  const block: ConditionBlock = { entries: [], unknown: false, range: node.range, path, node };
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    block.unknown = true;
    return block;
  }
  for (const op of uniqueEntries(node)) {
    const opPath = childPath(path, op.key);
    // An operator can be a placeholder too (`"${Op}"` inside a `!Sub` JSON policy).
    const operator: LString = toLString({ type: 'scalar', value: op.key, style: op.keyStyle ?? 'json-string', range: op.keyRange, encoders: node.encoders }, opPath, resolver) ?? {
      value: op.key,
      range: op.keyRange,
      path: opPath,
      node,
    };
    operator.node = node;
    if (operator.unknown) block.unknown = true;
    if (op.value.type !== 'object' || isOpaque(op.value, opPath, resolver)) {
      block.unknown = true;
      continue;
    }
    for (const k of uniqueEntries(op.value)) {
      const kPath = childPath(opPath, k.key);
      const key = toLString({ type: 'scalar', value: k.key, style: k.keyStyle ?? 'json-string', range: k.keyRange, encoders: op.value.encoders }, kPath, resolver) ?? {
        value: k.key,
        range: k.keyRange,
        path: kPath,
        node: op.value,
      };
      key.node = op.value;
      if (key.unknown) block.unknown = true;
      const values = toValueList(k.value, kPath, resolver);
      // An unresolved value leaves the key known: `values.unknown` says so per entry.
      const entry: ConditionEntry = { operator, key, values };
      block.entries.push(entry);
    }
  }
  // Kept without the room that `push` left in the list.
  if (block.entries.length > 0) block.entries = block.entries.slice();
  return block;
}

export function buildStatement(node: Node, index: number, path: Path, resolver: Resolver): Statement {
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    return { index, unknown: true, elements: [], range: node.range, path, node };
  }
  const { entries } = node;
  const elements = new Array<StatementElement>(entries.length);
  const st: Statement = { index, unknown: false, elements, range: node.range, path, node };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const p = childPath(path, e.key);
    elements[i] = { name: e.key, range: e.keyRange, path: p };
    switch (e.key) {
      case 'Sid':
        st.sid = toLString(e.value, p, resolver);
        break;
      case 'Effect':
        st.effect = toLString(e.value, p, resolver);
        break;
      case 'Principal':
        st.principal = toPrincipal(e.value, p, resolver);
        break;
      case 'NotPrincipal':
        st.notPrincipal = toPrincipal(e.value, p, resolver);
        break;
      case 'Condition':
        st.condition = toCondition(e.value, p, resolver);
        break;
      case 'Action':
        st.action = toValueList(e.value, p, resolver);
        break;
      case 'NotAction':
        st.notAction = toValueList(e.value, p, resolver);
        break;
      case 'Resource':
        st.resource = toValueList(e.value, p, resolver);
        break;
      case 'NotResource':
        st.notResource = toValueList(e.value, p, resolver);
        break;
    }
  }
  return st;
}

const ASSUME_ACTION = /^sts:(assumerole|assumerolewithwebidentity|assumerolewithsaml|tagsession|setsourceidentity|setcontext|\*)$/i;

/** Trust when a statement with a principal allows an assume action; resource when it has principals. */
export function inferKind(statements: Statement[]): PolicyKind {
  let principals = false;
  for (const s of statements) {
    if (!s.principal && !s.notPrincipal) continue;
    principals = true;
    if (s.action?.items.some((a) => ASSUME_ACTION.test(a.value) && /assume/i.test(a.value))) return 'trust';
  }
  return principals ? 'resource' : 'identity';
}

export interface BuildOptions {
  file: SourceFile;
  resolver: Resolver;
  kind?: PolicyKind;
  origin: PolicyOrigin;
  path: Path;
}

/** A document with no statements yet, its properties always in this order (one object shape). */
function emptyDocument(node: Node, opts: BuildOptions): PolicyDocument {
  return { kind: opts.kind ?? 'identity', file: opts.file, statements: [], unknown: false, origin: opts.origin, range: node.range, path: opts.path, node };
}

export function buildPolicy(node: Node, opts: BuildOptions): PolicyDocument {
  const { resolver, path } = opts;
  const doc = emptyDocument(node, opts);
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    doc.unknown = true;
    return doc;
  }
  const version = getEntry(node, 'Version');
  if (version) doc.version = toLString(version.value, childPath(path, 'Version'), resolver);
  const stmts = getEntry(node, 'Statement');
  if (stmts) {
    const sp = childPath(path, 'Statement');
    const whole = resolver.alternatives?.(stmts.value, sp);
    if (whole) {
      // `Statement: !If [Cond, [...], [...]]`: the statements of every branch.
      const statements: Statement[] = [];
      for (const alt of whole) {
        if (alt.node.type === 'array') addStatements(alt.node.items, alt.path, resolver, statements);
        else if (alt.node.type === 'object') addStatement(alt.node, 0, alt.path, resolver, statements);
        else doc.unknown = true;
      }
      doc.statements = statements;
    } else if (stmts.value.type === 'array') {
      const { items } = stmts.value;
      if (resolver.alternatives) {
        const statements: Statement[] = [];
        addStatements(items, sp, resolver, statements);
        doc.statements = statements;
      } else {
        const statements = new Array<Statement>(items.length);
        for (let i = 0; i < items.length; i++) statements[i] = buildStatement(items[i], i, childPath(sp, i), resolver);
        doc.statements = statements;
      }
    } else if (stmts.value.type === 'object' && !isOpaque(stmts.value, sp, resolver)) {
      doc.statements = [buildStatement(stmts.value, 0, sp, resolver)];
    } else {
      doc.unknown = true;
      // A plain value where the statements belong (not an expression that may render a list).
      const s = stmts.value.type === 'scalar' ? toLString(stmts.value, sp, resolver) : undefined;
      if (s && !s.unknown && !s.holes?.length) doc.statementValue = s;
    }
  }
  if (!opts.kind) doc.kind = inferKind(doc.statements);
  return doc;
}

/**
 * A statement, or the statements of each branch of a conditional in its place: the branches share
 * the statement's position (`index`), which tells the rules that they are alternatives.
 */
function addStatement(node: Node, index: number, path: Path, resolver: Resolver, out: Statement[]): void {
  const alts = resolver.alternatives?.(node, path);
  if (!alts) {
    out.push(buildStatement(node, index, path, resolver));
    return;
  }
  for (const alt of alts) {
    const st = buildStatement(alt.node, index, alt.path, resolver);
    st.branch = { label: alt.label, exhaustive: alt.exhaustive };
    out.push(st);
  }
}

function addStatements(items: Node[], path: Path, resolver: Resolver, out: Statement[]): void {
  for (let i = 0; i < items.length; i++) addStatement(items[i], i, childPath(path, i), resolver, out);
}

/**
 * Statements given without a policy document around them (an EventBridge bus policy's `Statement`,
 * SAM's `CustomStatements`): one statement object, or a list of them. The document-level grammar
 * (Version, top-level keys) does not apply to them.
 */
export function buildStatements(node: Node, opts: BuildOptions): PolicyDocument {
  const { resolver, path } = opts;
  const doc = emptyDocument(node, opts);
  doc.bareStatements = true;
  if (node.type === 'array') {
    const statements: Statement[] = [];
    addStatements(node.items, path, resolver, statements);
    doc.statements = statements;
  } else if (node.type === 'object' && !isOpaque(node, path, resolver)) {
    doc.statements = [buildStatement(node, 0, path, resolver)];
  } else {
    doc.unknown = true;
  }
  if (!opts.kind) doc.kind = inferKind(doc.statements);
  return doc;
}

/** True for an object node that looks like a policy document. */
export function looksLikePolicy(node: Node | undefined): node is ObjectNode {
  return !!node && node.type === 'object' && !!getEntry(node, 'Statement');
}
