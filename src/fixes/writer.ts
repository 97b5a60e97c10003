/**
 * Writes a value into the file in the syntax of the place it goes: JSON string, YAML plain or quoted
 * scalar, and through every layer of a JSON string embedded in another file. Rules never quote by hand.
 */
import { isHclPath } from '../parsers/hcl.js';
import type { Edit } from '../engine/diagnostic.js';
import type { Node, ScalarStyle } from '../parsers/tree.js';
import type { PolicyDocument, Statement } from '../model/types.js';
import type { Range } from '../parsers/source.js';

const YAML_PLAIN_UNSAFE = /^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s]$|: |\s#|^(true|false|null|yes|no|on|off|~)$|^[-+]?(\d|\.\d)/i;

function literal(text: string, style: ScalarStyle | undefined): string {
  switch (style) {
    case 'yaml-plain':
      return text === '' || YAML_PLAIN_UNSAFE.test(text) || /[\n\r\t]/.test(text) ? JSON.stringify(text) : text;
    case 'yaml-single':
      return /[\n\r]/.test(text) ? JSON.stringify(text) : `'${text.replace(/'/g, "''")}'`;
    default:
      return JSON.stringify(text);
  }
}

/**
 * An edit that replaces a string written at `range`: a scalar value, or a key of the object `node`
 * (condition operators and keys are keys in policy JSON, values in a Terraform data source).
 */
export function replaceString(node: Node, range: Range, text: string): Edit | undefined {
  if (node.type === 'object') {
    const entry = node.entries.find((e) => e.keyRange.start === range.start && e.keyRange.end === range.end);
    return entry && entry.keyStyle !== 'yaml-block' ? replaceKey(range, entry.keyStyle, node.encoders, text) : undefined;
  }
  if (node.type !== 'scalar' || node.style === 'yaml-block') return undefined;
  if (node.range.start !== range.start || node.range.end !== range.end) return undefined;
  let out = literal(text, node.style);
  for (const enc of node.encoders ?? []) out = enc(out);
  return { start: range.start, end: range.end, text: out };
}

/** An edit that renames an object key written at `range` in `style`, through every layer. */
export function replaceKey(range: Range, style: ScalarStyle | undefined, encoders: Node['encoders'], text: string): Edit {
  let out = literal(text, style ?? 'json-string');
  for (const enc of encoders ?? []) out = enc(out);
  return { start: range.start, end: range.end, text: out };
}

/** A value a fix inserts: written as JSON, YAML block or YAML flow as the place requires. */
export type InsertValue = string | number | boolean | InsertValue[] | { [key: string]: InsertValue };

/** The whitespace that starts the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return /^[ \t]*/.exec(text.slice(s, offset))![0];
}

/**
 * The indentation that puts text at the column of `offset` in YAML: the key of a mapping that starts
 * on a sequence item's line (`- Effect: Allow`) sits after the dash, not at the line's indentation.
 */
function columnIndent(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  const prefix = text.slice(s, offset);
  if (/^[ \t]*$/.test(prefix)) return prefix;
  // Dashes of sequence items (`- `, `  - - `): the column, in spaces (YAML indents with spaces).
  if (/^[ -]*$/.test(prefix)) return ' '.repeat(prefix.length);
  return lineIndent(text, offset);
}

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function yamlKey(key: string): string {
  return literal(key, 'yaml-plain');
}

/** `value` in YAML block style, its nested lines indented by `indent` plus `unit` per level. */
function yamlBlock(value: InsertValue, indent: string, unit: string, eol: string): string {
  if (Array.isArray(value)) {
    return value.map((v) => `${eol}${indent}- ${typeof v === 'object' ? JSON.stringify(v) : literal(String(v), 'yaml-plain')}`).join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => {
        const head = `${eol}${indent}${yamlKey(k)}:`;
        if (typeof v === 'object') return head + yamlBlock(v, indent + unit, unit, eol);
        return `${head} ${literal(String(v), 'yaml-plain')}`;
      })
      .join('');
  }
  return ` ${literal(String(value), 'yaml-plain')}`;
}

function jsonText(value: InsertValue, indent: string, unit: string, eol: string, multiline: boolean): string {
  if (!multiline) return JSON.stringify(value).replace(/":/g, '": ').replace(/,"/g, ', "');
  return JSON.stringify(value, null, unit).split('\n').join(eol + indent);
}

const isYaml = (node: Node) => node.type === 'object' ? node.entries.some((e) => e.keyStyle?.startsWith('yaml')) : false;

/**
 * An edit that adds `key: value` to an object, after its last member, in the object's own style
 * (JSON one-line or multi-line, YAML block or flow map, JSON inside a string).
 */
export function insertProperty(text: string, node: Node, key: string, value: InsertValue): Edit | undefined {
  if (node.type !== 'object' || node.tagRange) return undefined;
  const eol = lineEnding(text);
  const embedded = (node.encoders?.length ?? 0) > 0;
  const encode = (s: string) => (node.encoders ?? []).reduce((acc, enc) => enc(acc), s);
  const last = node.entries[node.entries.length - 1];
  const openBrace = text[node.range.start] === '{';
  if (!openBrace && !isYaml(node) && node.entries.length > 0) return undefined;
  if (openBrace) {
    // JSON object or YAML flow map: insert before the closing brace.
    const yamlFlow = isYaml(node);
    const member = yamlFlow ? `${JSON.stringify(key)}: ${JSON.stringify(value)}` : undefined;
    if (!last) {
      const inner = member ?? `${JSON.stringify(key)}: ${jsonText(value, '', '', eol, false)}`;
      return { start: node.range.start + 1, end: node.range.end - 1, text: embedded ? encode(inner) : inner };
    }
    const multiline = !embedded && !yamlFlow && /[\r\n]/.test(text.slice(node.range.start, last.keyRange.start));
    if (multiline) {
      const indent = lineIndent(text, last.keyRange.start);
      const unit = detectUnit(text, node, indent);
      const insert = `,${eol}${indent}${JSON.stringify(key)}: ${jsonText(value, indent, unit, eol, true)}`;
      return { start: last.value.range.end, end: last.value.range.end, text: insert };
    }
    const insert = member ? `, ${member}` : `, ${JSON.stringify(key)}: ${jsonText(value, '', '', eol, false)}`;
    return { start: last.value.range.end, end: last.value.range.end, text: embedded ? encode(insert) : insert };
  }
  // YAML block map: a new line at the column of the existing keys.
  if (!last || embedded) return undefined;
  const indent = columnIndent(text, node.entries[0].keyRange.start);
  const unit = detectUnit(text, node, indent);
  const head = `${eol}${indent}${yamlKey(key)}:`;
  const body = typeof value === 'object' ? yamlBlock(value, indent + unit, unit, eol) : ` ${literal(String(value), 'yaml-plain')}`;
  return { start: last.value.range.end, end: last.value.range.end, text: head + body };
}

/** The indentation step used in the file around an object (defaults to two spaces). */
function detectUnit(text: string, node: Node, indent: string): string {
  if (node.type === 'object') {
    for (const e of node.entries) {
      if (e.value.type === 'object' && e.value.entries.length > 0 && !text.slice(e.value.range.start, e.value.range.start + 1).match(/[{[]/) ) {
        const inner = lineIndent(text, e.value.entries[0].keyRange.start);
        if (inner.length > indent.length && inner.startsWith(indent)) return inner.slice(indent.length);
      }
    }
    const parentIndent = lineIndent(text, node.range.start);
    if (indent.length > parentIndent.length && indent.startsWith(parentIndent) && parentIndent !== indent) {
      const u = indent.slice(parentIndent.length);
      if (u.length <= 8) return u;
    }
  }
  return indent.includes('\t') ? '\t' : '  ';
}

/** An edit that appends an item to a list, in the list's own style (JSON, YAML block or flow sequence). */
export function appendItem(text: string, node: Node, value: InsertValue): Edit | undefined {
  if (node.type !== 'array') return undefined;
  const eol = lineEnding(text);
  const embedded = (node.encoders?.length ?? 0) > 0;
  const encode = (s: string) => (node.encoders ?? []).reduce((acc, enc) => enc(acc), s);
  const last = node.items[node.items.length - 1];
  const bracket = text[node.range.start] === '[';
  if (bracket) {
    if (!last) {
      const inner = jsonText(value, '', '', eol, false);
      return { start: node.range.start + 1, end: node.range.end - 1, text: embedded ? encode(inner) : inner };
    }
    const multiline = !embedded && /[\r\n]/.test(text.slice(node.range.start, last.range.start));
    if (multiline) {
      const indent = lineIndent(text, last.range.start);
      const parent = lineIndent(text, node.range.start);
      const unit = indent.length > parent.length ? indent.slice(parent.length) : '  ';
      return { start: last.range.end, end: last.range.end, text: `,${eol}${indent}${jsonText(value, indent, unit, eol, true)}` };
    }
    const insert = `, ${jsonText(value, '', '', eol, false)}`;
    return { start: last.range.end, end: last.range.end, text: embedded ? encode(insert) : insert };
  }
  if (!last || embedded) return undefined;
  // YAML block sequence: `- item` at the column of the existing dashes.
  let dash = last.range.start - 1;
  while (dash > 0 && text[dash] !== '-') dash--;
  const indent = columnIndent(text, dash);
  const item = typeof value === 'object' && !Array.isArray(value) ? yamlBlock(value, indent + '  ', '  ', eol).replace(new RegExp(`^${eol}${indent}  `), '') : literal(String(value), 'yaml-plain');
  return { start: last.range.end, end: last.range.end, text: `${eol}${indent}- ${item}` };
}

/** See `Fixer.addCondition` in the rule kit. */
export function addCondition(text: string, doc: PolicyDocument, st: Statement, operator: string, key: string, value: string): Edit | undefined {
  if (st.unknown || st.condition?.unknown) return undefined;
  if (doc.origin.resourceType === 'aws_iam_policy_document' && isHclPath(doc.file.path)) {
    // An HCL `statement` block: one more `condition` block (Terraform gathers them all).
    return insertHclBlock(text, st.node, 'condition', [
      ['test', operator],
      ['variable', key],
      ['values', [value]],
    ]);
  }
  if (doc.origin.resourceType === 'aws_iam_policy_document') {
    const block = { test: operator, variable: key, values: [value] };
    if (!st.condition) return insertProperty(text, st.node, 'condition', [block]);
    return appendItem(text, st.condition.node, block);
  }
  if (!st.condition) return insertProperty(text, st.node, 'Condition', { [operator]: { [key]: value } });
  const cond = st.condition.node;
  if (cond.type !== 'object') return undefined;
  const existing = [...cond.entries].reverse().find((e) => e.key === operator);
  if (existing) return existing.value.type === 'object' ? insertProperty(text, existing.value, key, value) : undefined;
  return insertProperty(text, cond, operator, { [key]: value });
}

/** A string as an HCL quoted string: `${...}` written by the file (a key built from a reference) is kept. */
function hclString(s: string): string {
  return JSON.stringify(s).replace(/%\{/g, '%%{');
}

/**
 * An edit that adds a nested block (`condition { test = ... }`) at the end of an HCL block's body, at
 * the column of the body's other arguments and blocks.
 */
function insertHclBlock(text: string, node: Node, type: string, args: Array<[string, string | string[]]>): Edit | undefined {
  if (node.type !== 'object' || node.entries.length === 0 || text[node.range.end - 1] !== '}') return undefined;
  const eol = lineEnding(text);
  const first = node.entries[0];
  const indent = columnIndent(text, first.keyRange.start);
  const unit = indent.includes('\t') ? '\t' : '  ';
  const width = Math.max(...args.map(([k]) => k.length));
  const lines = args.map(([k, v]) => `${indent}${unit}${k.padEnd(width)} = ${Array.isArray(v) ? `[${v.map(hclString).join(', ')}]` : hclString(v)}`);
  const block = `${eol}${indent}${type} {${eol}${lines.join(eol)}${eol}${indent}}`;
  // After the body's last argument or block.
  let end = first.value.range.end;
  for (const e of node.entries) end = Math.max(end, e.value.range.end);
  if (end >= node.range.end) return undefined;
  return { start: end, end, text: block };
}

/** The plain data of a node (strings, numbers, booleans, lists and maps of them), or undefined for tags. */
function plainData(node: Node): InsertValue | undefined {
  if (node.type === 'scalar') {
    if (node.tagRange || node.value === null) return undefined;
    return node.value;
  }
  if (node.type === 'array') {
    const items = node.items.map(plainData);
    return items.every((i) => i !== undefined) ? (items as InsertValue[]) : undefined;
  }
  if (node.tagRange) return undefined;
  const out: { [k: string]: InsertValue } = {};
  for (const e of node.entries) {
    const v = plainData(e.value);
    if (v === undefined || e.key in out) return undefined;
    out[e.key] = v;
  }
  return out;
}

type EntryOf<N> = N extends { type: 'object'; entries: Array<infer E> } ? E : never;
export type ObjectEntry = EntryOf<Node>;

/**
 * Edits that merge repeated keys of an object into the last one (the one JSON parsers and IAM keep):
 * the members of each dropped block move into the kept block, and the dropped keys are removed.
 * Undefined when the blocks share a key, or hold values that cannot be rewritten as plain data.
 */
export function mergeEntries(text: string, node: Node, dropped: ObjectEntry[], kept: ObjectEntry): Edit[] | undefined {
  if (node.type !== 'object') return undefined;
  const merged: { [k: string]: InsertValue } = {};
  for (const e of [...dropped, kept]) {
    const v = plainData(e.value);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    for (const [k, x] of Object.entries(v)) {
      if (k in merged) return undefined;
      merged[k] = x;
    }
  }
  const eol = lineEnding(text);
  let body = jsonText(merged, '', '', eol, false);
  for (const enc of kept.value.encoders ?? []) body = enc(body);
  const blockYaml = isYaml(node) && text[node.range.start] !== '{';
  // In a YAML block map the merged block goes right after the key's colon, as a flow map.
  const colon = blockYaml ? text.indexOf(':', kept.keyRange.end) : -1;
  const edits: Edit[] =
    colon >= 0 && colon < kept.value.range.start
      ? [{ start: colon + 1, end: kept.value.range.end, text: ' ' + body }]
      : [{ start: kept.value.range.start, end: kept.value.range.end, text: body }];
  const lineStart = (o: number) => {
    let s = o;
    while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
    return s;
  };
  for (const d of dropped) {
    const i = node.entries.indexOf(d);
    const next = node.entries[i + 1];
    if (i < 0 || !next) return undefined;
    const start = blockYaml ? lineStart(d.keyRange.start) : d.keyRange.start;
    const end = blockYaml ? lineStart(next.keyRange.start) : next.keyRange.start;
    edits.push({ start, end, text: '' });
  }
  return edits.sort((a, b) => a.start - b.start);
}
