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
  PolicyDocument,
  PolicyKind,
  PolicyOrigin,
  PrincipalBlock,
  PrincipalEntry,
  Statement,
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
}

export const plainResolver: Resolver = { resolve: () => undefined };

function scalarText(node: ScalarNode): string | undefined {
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number') return node.raw ?? String(node.value);
  if (typeof node.value === 'boolean') return String(node.value);
  return undefined;
}

export function toLString(node: Node, path: Path, resolver: Resolver): LString | undefined {
  const r = resolver.resolve(node, path);
  if (r) {
    const s: LString = { value: r.value, range: r.range ?? node.range, path, node };
    if (r.unknown) s.unknown = true;
    if (r.holes && r.holes.length > 0) s.holes = r.holes;
    return s;
  }
  if (node.type !== 'scalar') return undefined;
  const text = scalarText(node);
  if (text === undefined) return undefined;
  const s: LString = { value: text, range: node.range, path, node };
  const holes = typeof node.value === 'string' ? templatingHoles(text) : undefined;
  if (holes) s.holes = holes;
  return s;
}

const TEMPLATING = /\{\{.*?\}\}|\{%.*?%\}/gs;

/**
 * Files rendered by another tool before deployment (Helm, Go templates, Jinja, Sceptre) write values
 * as `{{ .Values.accountId }}` or `{% ... %}`: those parts are not known, like `${...}` in Terraform.
 */
export function templatingHoles(text: string): Array<[number, number]> | undefined {
  if (!text.includes('{{') && !text.includes('{%')) return undefined;
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
  const list: ValueList = { items: [], unknown: false, range: node.range, path, node };
  if (node.type === 'array') {
    node.items.forEach((item, i) => {
      const s = toLString(item, [...path, i], resolver);
      if (!s || s.unknown) list.unknown = true;
      if (s) list.items.push(s);
    });
    return list;
  }
  const s = toLString(node, path, resolver);
  // An expression in place of the whole list may stand for several values.
  if (!s || s.unknown) list.unknown = true;
  else list.items.push(s);
  return list;
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
  for (const e of uniqueEntries(node)) {
    const p = [...path, e.key];
    const type: LString = { value: e.key, range: e.keyRange, path: p, node };
    const entry: PrincipalEntry = { type, values: toValueList(e.value, p, resolver) };
    if (entry.values.unknown) block.unknown = true;
    block.entries.push(entry);
  }
  return block;
}

function toCondition(node: Node, path: Path, resolver: Resolver): ConditionBlock {
  const block: ConditionBlock = { entries: [], unknown: false, range: node.range, path, node };
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    block.unknown = true;
    return block;
  }
  for (const op of uniqueEntries(node)) {
    const opPath = [...path, op.key];
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
      const kPath = [...opPath, k.key];
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
  return block;
}

const LIST_ELEMENTS: Record<string, 'action' | 'notAction' | 'resource' | 'notResource'> = {
  Action: 'action',
  NotAction: 'notAction',
  Resource: 'resource',
  NotResource: 'notResource',
};

export function buildStatement(node: Node, index: number, path: Path, resolver: Resolver): Statement {
  const st: Statement = { index, unknown: false, elements: [], range: node.range, path, node };
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    st.unknown = true;
    return st;
  }
  for (const e of node.entries) {
    const p = [...path, e.key];
    st.elements.push({ name: e.key, range: e.keyRange, path: p });
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
      default:
        if (LIST_ELEMENTS[e.key]) st[LIST_ELEMENTS[e.key]] = toValueList(e.value, p, resolver);
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

export function buildPolicy(node: Node, opts: BuildOptions): PolicyDocument {
  const { resolver, path } = opts;
  const doc: PolicyDocument = {
    kind: opts.kind ?? 'identity',
    file: opts.file,
    statements: [],
    unknown: false,
    origin: opts.origin,
    range: node.range,
    path,
    node,
  };
  if (node.type !== 'object' || isOpaque(node, path, resolver)) {
    doc.unknown = true;
    return doc;
  }
  const version = getEntry(node, 'Version');
  if (version) doc.version = toLString(version.value, [...path, 'Version'], resolver);
  const stmts = getEntry(node, 'Statement');
  if (stmts) {
    const sp = [...path, 'Statement'];
    if (stmts.value.type === 'array') {
      stmts.value.items.forEach((s, i) => doc.statements.push(buildStatement(s, i, [...sp, i], resolver)));
    } else if (stmts.value.type === 'object' && !isOpaque(stmts.value, sp, resolver)) {
      doc.statements.push(buildStatement(stmts.value, 0, sp, resolver));
    } else {
      doc.unknown = true;
    }
  }
  if (!opts.kind) doc.kind = inferKind(doc.statements);
  return doc;
}

/** True for an object node that looks like a policy document. */
export function looksLikePolicy(node: Node | undefined): node is ObjectNode {
  return !!node && node.type === 'object' && !!getEntry(node, 'Statement');
}
