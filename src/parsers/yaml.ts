/**
 * YAML into the located tree, with the `yaml` package. CloudFormation short-form tags become their
 * long form (`!Ref x` → `{Ref: x}`, `!Sub s` → `{"Fn::Sub": s}`), the tag's range becoming the key's.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Parser, Scalar, type Document, type Node as YamlNode } from 'yaml';
import type { ArrayNode, Entry, Node, ObjectNode, ScalarNode, ScalarStyle } from './tree.js';
import type { Range } from './source.js';
import type { ParseFailure } from './json.js';

export const CFN_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
  '!ForEach': 'Fn::ForEach',
};

export interface YamlParseResult {
  documents: Node[];
  error?: ParseFailure;
}

/** Bounds the work an alias-heavy file ("billion laughs") can cause. */
const MAX_ALIAS_EXPANSION = 10_000;
const MAX_DEPTH = 1000;

class TooComplex extends Error {}

const STYLE: Record<string, ScalarStyle> = {
  PLAIN: 'yaml-plain',
  QUOTE_SINGLE: 'yaml-single',
  QUOTE_DOUBLE: 'yaml-double',
  BLOCK_LITERAL: 'yaml-block',
  BLOCK_FOLDED: 'yaml-block',
};

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

/** The range of a tag written just before a node (`!Ref  x`), found by scanning back over spaces. */
function tagRangeBefore(text: string, nodeStart: number, tag: string): Range | undefined {
  let i = nodeStart;
  while (i > 0 && /[ \t\r\n]/.test(text[i - 1])) i--;
  if (text.slice(i - tag.length, i) === tag) return { start: i - tag.length, end: i };
  return undefined;
}

export function parseYaml(text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, lineCounter, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    return { documents: [], error: { message: (e as Error).message, offset: 0, length: 1 } };
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // An unclosed quote or bracket is reported where the file ends: point at where it opens.
      const opened = err.code === 'MISSING_CHAR' || /must be sufficiently indented and end with/.test(msg) ? unclosedToken(text) : undefined;
      if (opened) return { documents: [], error: { message: msg, ...opened } };
      return { documents: [], error: { message: msg, offset: err.pos[0], length: Math.max(1, err.pos[1] - err.pos[0]) } };
    }
  }
  const out: Node[] = [];
  let expansions = 0;
  try {
    for (const d of docs) {
      const convert = (n: unknown, depth: number): Node => {
        if (depth > MAX_DEPTH) throw new TooComplex(`nesting deeper than ${MAX_DEPTH} levels`);
        if (isAlias(n)) {
          if (++expansions > MAX_ALIAS_EXPANSION) throw new TooComplex('too many alias expansions (possible alias bomb)');
          const target = n.resolve(d);
          if (!target) return { type: 'scalar', value: null, style: 'yaml-plain', range: { start: n.range![0], end: n.range![1] } };
          return convert(target, depth + 1);
        }
        const node = n as YamlNode | null;
        if (node === null || node === undefined) return { type: 'scalar', value: null, style: 'yaml-plain', range: { start: 0, end: 0 } };
        const [s, vEnd] = node.range ?? [0, 0, 0];
        const range: Range = { start: s, end: trimEnd(text, s, vEnd) };
        let result: Node;
        if (isMap(node)) {
          const entries: Entry[] = [];
          for (const pair of node.items) {
            if (!isPair(pair)) continue;
            const k = pair.key as YamlNode | null;
            const kr = k?.range ?? [range.start, range.start];
            const keyText = isScalar(k) ? String(k.value) : k ? text.slice(kr[0], kr[1]) : '';
            const value: Node =
              pair.value === null || pair.value === undefined
                ? { type: 'scalar', value: null, style: 'yaml-plain', range: { start: kr[1], end: kr[1] } }
                : convert(pair.value, depth + 1);
            const keyStyle = isScalar(k) ? STYLE[k.type ?? 'PLAIN'] : undefined;
            entries.push({ key: keyText, keyRange: { start: kr[0], end: trimEnd(text, kr[0], kr[1]) }, keyStyle, value });
          }
          result = { type: 'object', entries, range } satisfies ObjectNode;
        } else if (isSeq(node)) {
          result = { type: 'array', items: node.items.map((i) => convert(i, depth + 1)), range, flow: node.flow === true } satisfies ArrayNode;
        } else if (isScalar(node)) {
          const sc = node as Scalar;
          const style = STYLE[sc.type ?? 'PLAIN'] ?? 'yaml-plain';
          const value = sc.value as ScalarNode['value'];
          const scalar: ScalarNode = {
            type: 'scalar',
            value: typeof value === 'bigint' ? String(value) : (value as unknown) instanceof Date ? text.slice(s, vEnd) : value,
            style,
            range,
          };
          if (typeof value === 'number' && style === 'yaml-plain') scalar.raw = text.slice(range.start, range.end);
          result = scalar;
        } else {
          result = { type: 'scalar', value: null, style: 'yaml-plain', range };
        }
        const tag = node.tag;
        if (tag && CFN_TAGS[tag]) {
          const tagRange = tagRangeBefore(text, range.start, tag) ?? range;
          if (result.type === 'scalar') result.tagRange = tagRange;
          const wrapped: ObjectNode = {
            type: 'object',
            entries: [{ key: CFN_TAGS[tag], keyRange: tagRange, value: result }],
            range: { start: tagRange.start, end: range.end },
            tagRange,
          };
          return wrapped;
        }
        return result;
      };
      if (d.contents === null) continue;
      out.push(convert(d.contents, 0));
    }
  } catch (e) {
    if (e instanceof TooComplex) return { documents: [], error: { message: e.message, offset: 0, length: 1 } };
    if (e instanceof RangeError) return { documents: [], error: { message: 'nesting too deep', offset: 0, length: 1 } };
    throw e;
  }
  return { documents: out };
}

/**
 * For a YAML string scalar holding embedded text (JSON policy in a `|` block or a quoted string):
 * the decoded text and each decoded unit's offset in the file. Only returned when the mapping
 * reproduces the parsed value exactly; otherwise the caller falls back to the scalar's range.
 */
export function yamlScalarOffsets(text: string, node: ScalarNode): { value: string; map: number[] } | undefined {
  if (typeof node.value !== 'string') return undefined;
  const { start, end } = node.range;
  const expected = node.value;
  const map: number[] = [];
  let value = '';
  if (node.style === 'yaml-plain') {
    for (let i = start; i < end; i++) {
      map.push(i);
      value += text[i];
    }
    map.push(end);
  } else if (node.style === 'yaml-single' || node.style === 'yaml-double') {
    let i = start + 1;
    const close = node.style === 'yaml-single' ? "'" : '"';
    while (i < end) {
      const c = text[i];
      if (node.style === 'yaml-single' && c === "'" && text[i + 1] === "'") {
        map.push(i);
        value += "'";
        i += 2;
        continue;
      }
      if (c === close) break;
      if (node.style === 'yaml-double' && c === '\\') {
        const e = text[i + 1];
        map.push(i);
        if (e === 'u' || e === 'x' || e === 'U') {
          const n = e === 'u' ? 4 : e === 'x' ? 2 : 8;
          value += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + n), 16));
          i += 2 + n;
          continue;
        }
        value += ({ n: '\n', t: '\t', r: '\r', '0': '\0', '/': '/' } as Record<string, string>)[e] ?? e;
        i += 2;
        continue;
      }
      if (c === '\n' || c === '\r') return undefined; // folded multi-line quoted scalar: not mapped
      map.push(i);
      value += c;
      i++;
    }
    map.push(i);
  } else if (node.style === 'yaml-block') {
    const headerEnd = text.indexOf('\n', start);
    if (headerEnd < 0 || text[start] !== '|') return undefined;
    const header = text.slice(start, headerEnd).replace(/\s+#.*$/, '').trim();
    let pos = headerEnd + 1;
    let indent = -1;
    const explicit = /\d/.exec(header);
    while (pos < end) {
      let lineEnd = text.indexOf('\n', pos);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      const line = text.slice(pos, lineEnd).replace(/\r$/, '');
      if (indent < 0 && line.trim() !== '') {
        indent = explicit ? Number(explicit[0]) : line.length - line.trimStart().length;
        if (explicit) {
          // explicit indentation is relative to the parent; measured from the content itself here
          indent = line.length - line.trimStart().length;
        }
      }
      const from = indent < 0 ? line.length : Math.min(indent, line.length);
      for (let i = from; i < line.length; i++) {
        map.push(pos + i);
        value += line[i];
      }
      map.push(pos + line.length);
      value += '\n';
      pos = lineEnd + 1;
    }
    // chomping: clip (default) keeps one final newline, strip none, keep all
    if (header.includes('-')) {
      while (value.endsWith('\n')) {
        value = value.slice(0, -1);
        map.pop();
      }
      map.push(end);
    } else if (!header.includes('+')) {
      while (value.endsWith('\n\n')) {
        value = value.slice(0, -1);
        map.pop();
      }
      map.push(end);
    }
  } else {
    return undefined;
  }
  if (value !== expected) return undefined;
  while (map.length < value.length + 1) map.push(end);
  return { value, map };
}

/** The first quoted scalar or flow collection that is never closed: offset and length to its line's end. */
function unclosedToken(text: string): { offset: number; length: number } | undefined {
  let found: number | undefined;
  const visit = (tok: unknown, depth: number): void => {
    if (found !== undefined || depth > 200 || !tok || typeof tok !== 'object') return;
    const t = tok as { type?: string; offset?: number; source?: string; start?: { offset: number }; end?: unknown[] };
    if ((t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.source === 'string' && t.offset !== undefined) {
      const q = t.source[0];
      const body = t.source.trimEnd();
      const closed = body.length > 1 && body.endsWith(q) && !(q === '"' && /(^|[^\\])(\\\\)*\\"$/.test(body));
      if (!closed) found = t.offset;
      return;
    }
    if (t.type === 'flow-collection' && t.start && Array.isArray(t.end) && t.end.length === 0) {
      found = t.start.offset;
      return;
    }
    for (const v of Object.values(t)) {
      if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
      else if (v && typeof v === 'object') visit(v, depth + 1);
    }
  };
  try {
    for (const tok of new Parser().parse(text)) visit(tok, 0);
  } catch {
    return undefined;
  }
  if (found === undefined) return undefined;
  const eol = text.slice(found).search(/\r?\n|\r/);
  return { offset: found, length: Math.max(1, eol < 0 ? text.length - found : eol) };
}
