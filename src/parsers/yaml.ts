/**
 * YAML into the located tree, with the `yaml` package. CloudFormation short-form tags become their
 * long form (`!Ref x` → `{Ref: x}`, `!Sub s` → `{"Fn::Sub": s}`), the tag's range becoming the key's.
 */
import { createRequire } from 'node:module';
import type * as YamlPackage from 'yaml';
import type { CST, Document, Node as YamlNode, Scalar } from 'yaml';
import type { ArrayNode, Entry, Node, ObjectNode, ScalarNode, ScalarStyle } from './tree.js';
import type { Range } from './source.js';
import type { ParseFailure } from './json.js';
import { parseYamlFast, tagRangeBefore, trimEnd } from './yaml-fast.js';

// The `yaml` package is loaded on first use of the reference path: most files never need it, and
// loading it is a good part of a cold start.
let Composer: typeof YamlPackage.Composer;
let isAlias: typeof YamlPackage.isAlias;
let isMap: typeof YamlPackage.isMap;
let isPair: typeof YamlPackage.isPair;
let isScalar: typeof YamlPackage.isScalar;
let isSeq: typeof YamlPackage.isSeq;
let LineCounter: typeof YamlPackage.LineCounter;
let Parser: typeof YamlPackage.Parser;

function loadYamlPackage(): void {
  if (Parser) return;
  ({ Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser } = createRequire(import.meta.url)('yaml') as typeof YamlPackage);
}

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

/** Bounds the work an alias-heavy file ("billion laughs", or a huge anchor used many times) can cause. */
const MAX_ALIAS_EXPANSION = 10_000;
const MAX_ALIAS_NODES = 100_000;
const MAX_DEPTH = 1000;

/** Collections nested deeper than this are refused before `yaml` composes them (recursively). */
const MAX_NESTING = 300;

/** Offset of the first collection nested deeper than MAX_NESTING in the parsed tokens, found without recursion. */
function nestedTooDeep(tokens: CST.Token[]): number | undefined {
  const stack: Array<[CST.Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (!t) continue;
    if (t.type === 'document') stack.push([t.value, depth]);
    else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING) return t.offset;
      for (const item of t.items) {
        if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** A file refused at a position: too deep, too many aliases, a CloudFormation tag misused. */
class TooComplex extends Error {
  constructor(
    message: string,
    readonly offset = 0,
    readonly length = 1,
  ) {
    super(message);
  }
}

/** What each CloudFormation short-form tag takes: a scalar name, a list of so many items, ... */
const TAG_SCALAR: Record<string, string> = { '!Ref': 'the name of a parameter or resource', '!Condition': 'the name of a condition' };
const TAG_LIST: Record<string, [number, number]> = {
  '!Join': [2, 2],
  '!If': [3, 3],
  '!Select': [2, 2],
  '!Split': [2, 2],
  '!FindInMap': [3, 4],
  '!Cidr': [3, 3],
  '!Equals': [2, 2],
  '!Not': [1, 1],
  '!And': [2, 10],
  '!Or': [2, 10],
};
const TAG_NOT_MAPPING: Record<string, string> = {
  '!Sub': 'a string, or a list of a string and a mapping of variables',
  '!GetAtt': '`Resource.Attribute`, or a list of a resource and an attribute',
};

/** What a tagged node is, for `tagMisuseOf`: in `yaml`'s Document (reference path) or in our tree (fast path). */
interface TagShape {
  map: boolean;
  seq: boolean;
  scalar: boolean;
  items: number;
  empty: boolean;
}

function tagMisuse(tag: string, node: YamlNode): string | undefined {
  const empty = isScalar(node) && (node.value === null || node.value === '');
  return tagMisuseOf(tag, { map: isMap(node), seq: isSeq(node), scalar: isScalar(node), items: isSeq(node) ? node.items.length : 0, empty });
}

/** For the fast path: whether the reference path accepts this short-form tag on this (converted) node. */
export function acceptsCfnTag(tag: string, node: Node): boolean {
  const empty = node.type === 'scalar' && (node.value === null || node.value === '');
  return tagMisuseOf(tag, { map: node.type === 'object', seq: node.type === 'array', scalar: node.type === 'scalar', items: node.type === 'array' ? node.items.length : 0, empty }) === undefined;
}

/** Why CloudFormation refuses this use of a short-form tag, or undefined. Only sure cases. */
function tagMisuseOf(tag: string, node: TagShape): string | undefined {
  const { empty } = node;
  let want: string | undefined;
  if (TAG_SCALAR[tag] && !(node.scalar && !empty)) want = TAG_SCALAR[tag];
  else if (TAG_NOT_MAPPING[tag] && node.map) want = TAG_NOT_MAPPING[tag];
  else if (TAG_LIST[tag]) {
    const [min, max] = TAG_LIST[tag];
    if (!node.seq || node.items < min || node.items > max) want = `a list of ${min === max ? min : `${min} to ${max}`} items`;
  } else if (tag === '!Transform' && !node.map) want = 'a mapping with `Name` and `Parameters`';
  if (!want) return undefined;
  const what = node.map ? 'a mapping' : node.seq ? `a list of ${node.items}` : empty ? 'nothing' : 'a single value';
  return `\`${tag}\` takes ${want}, not ${what}: CloudFormation rejects the template`;
}

const STYLE: Record<string, ScalarStyle> = {
  PLAIN: 'yaml-plain',
  QUOTE_SINGLE: 'yaml-single',
  QUOTE_DOUBLE: 'yaml-double',
  BLOCK_LITERAL: 'yaml-block',
  BLOCK_FOLDED: 'yaml-block',
};

/**
 * YAML into located trees. Most files take the fast path (yaml-fast.ts), which builds the tree
 * straight from the text and declines anything it does not handle exactly as the reference does;
 * the rest, syntax errors included, take the reference path below.
 */
export function parseYaml(text: string): YamlParseResult {
  const fast = parseYamlFast(text, CFN_TAGS, acceptsCfnTag);
  if (fast) return { documents: fast };
  return parseYamlDocuments(text);
}

/** The reference path: `yaml`'s Documents, converted. Also the oracle of test/yaml-fast.test.ts. */
export function parseYamlDocuments(text: string): YamlParseResult {
  loadYamlPackage();
  const lineCounter = new LineCounter();
  // A lone CR ends a line in YAML 1.2 (and in SourceFile), not for the yaml package: read it as LF.
  // Same length, so every offset is the same in `text`.
  const src = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  let docs: Document.Parsed[];
  try {
    // parseAllDocuments, with the nesting checked between parsing (no recursion) and composing
    // (recursive): the stack must never run out, V8 may then abort the process (compiling a RegExp).
    const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(src));
    const deep = nestedTooDeep(tokens);
    if (deep !== undefined) return { documents: [], error: { message: `nesting deeper than ${MAX_NESTING} levels`, offset: deep, length: 1 } };
    docs = Array.from(new Composer({ uniqueKeys: false }).compose(tokens)) as Document.Parsed[];
  } catch (e) {
    return { documents: [], error: { message: (e as Error).message, offset: 0, length: 1 } };
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // An unclosed quote or bracket is reported where the file ends: point at where it opens.
      const opened = err.code === 'MISSING_CHAR' || /must be sufficiently indented and end with/.test(msg) ? unclosedToken(src) : undefined;
      if (opened) return { documents: [], error: { message: msg, ...opened } };
      // The yaml package ran out of stack composing the nested collection that starts here.
      if (err.code === 'RESOURCE_EXHAUSTION') return { documents: [], error: { message: 'nesting too deep', offset: err.pos[0], length: 1 } };
      return { documents: [], error: { message: msg, offset: err.pos[0], length: Math.max(1, err.pos[1] - err.pos[0]) } };
    }
  }
  const out: Node[] = [];
  let expansions = 0;
  let aliasNodes = 0;
  try {
    for (const d of docs) {
      /** `alias`: the offset of the alias whose target is being expanded. */
      const convert = (n: unknown, depth: number, alias?: number): Node => {
        if (depth > MAX_DEPTH) throw new TooComplex(`nesting deeper than ${MAX_DEPTH} levels`, (n as YamlNode | null)?.range?.[0] ?? 0);
        if (alias !== undefined && ++aliasNodes > MAX_ALIAS_NODES) {
          throw new TooComplex(`aliases expand to more than ${MAX_ALIAS_NODES} nodes (a huge anchor used many times, or an alias bomb)`, alias);
        }
        if (isAlias(n)) {
          if (++expansions > MAX_ALIAS_EXPANSION) throw new TooComplex('too many alias expansions (possible alias bomb)', alias ?? n.range?.[0] ?? 0);
          const target = n.resolve(d);
          if (!target) return { type: 'scalar', value: null, style: 'yaml-plain', range: { start: n.range![0], end: n.range![1] } };
          return convert(target, depth + 1, alias ?? n.range?.[0] ?? 0);
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
            if (k?.tag && CFN_TAGS[k.tag]) {
              const at = tagRangeBefore(text, kr[0], k.tag) ?? { start: kr[0], end: kr[1] };
              throw new TooComplex(`\`${k.tag}\` cannot stand before a key: CloudFormation rejects the template (write \`Key: ${k.tag} value\`)`, at.start, at.end - at.start);
            }
            const keyText = isScalar(k) ? String(k.value) : k ? text.slice(kr[0], kr[1]) : '';
            const value: Node =
              pair.value === null || pair.value === undefined
                ? { type: 'scalar', value: null, style: 'yaml-plain', range: { start: kr[1], end: kr[1] } }
                : convert(pair.value, depth + 1, alias);
            const keyStyle = isScalar(k) ? STYLE[k.type ?? 'PLAIN'] : undefined;
            let keyRange: Range = { start: kr[0], end: trimEnd(text, kr[0], kr[1]) };
            if (keyRange.end === keyRange.start) {
              // An empty key (`: value`, `? `): at its indicator, not at the indentation before it.
              const limit = value.range.start;
              let i = keyRange.start;
              while (i < limit && /[ \t\r\n?]/.test(text[i])) i++;
              keyRange = { start: i, end: i };
            }
            entries.push({ key: keyText, keyRange, keyStyle, value });
          }
          result = { type: 'object', entries, range } satisfies ObjectNode;
        } else if (isSeq(node)) {
          result = { type: 'array', items: node.items.map((i) => convert(i, depth + 1, alias)), range, flow: node.flow === true } satisfies ArrayNode;
        } else if (isScalar(node)) {
          const sc = node as Scalar;
          const style = STYLE[sc.type ?? 'PLAIN'] ?? 'yaml-plain';
          const value = sc.value as ScalarNode['value'];
          const scalar: ScalarNode = {
            type: 'scalar',
            // A Date (`!!timestamp`), a Uint8Array (`!!binary`): the text as written.
            value: typeof value === 'bigint' ? String(value) : typeof value === 'object' && value !== null ? text.slice(s, vEnd) : value,
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
          const misuse = tagMisuse(tag, node);
          if (misuse) throw new TooComplex(misuse, tagRange.start, tagRange.end - tagRange.start);
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
    if (e instanceof TooComplex) return { documents: [], error: { message: e.message, offset: e.offset, length: Math.max(1, e.length) } };
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
