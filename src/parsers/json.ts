/**
 * JSON (and JSONC: comments, trailing commas) into the located tree, with jsonc-parser.
 * Also parses JSON held inside a string of another file: `offsetMap` maps every index of the decoded
 * string to its offset in the outer file, so ranges still point into the file the user edits.
 */
import { createScanner, parseTree, printParseErrorCode, SyntaxKind, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { ArrayNode, Encoder, Entry, Node, ObjectNode, ScalarNode } from './tree.js';
import type { Range } from './source.js';

export interface ParseFailure {
  message: string;
  /** Offset in the outer file. */
  offset: number;
  length: number;
}

export interface JsonParseResult {
  root?: Node;
  error?: ParseFailure;
}

export const MAX_NESTING = 1000;

const JSON_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name expected',
  ValueExpected: 'value expected',
  ColonExpected: "':' expected",
  CommaExpected: "',' expected",
  CloseBraceExpected: "'}' expected",
  CloseBracketExpected: "']' expected",
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Offset of the first `{`/`[` nested deeper than MAX_NESTING, so that a hostile file cannot
 * exhaust the stack. Strings and comments end where jsonc-parser's scanner ends them (a string at
 * a line break too), or a crafted comment or unterminated string could hide the brackets.
 */
function nestingTooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34 || d === 10 || d === 13) break;
      }
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_NESTING) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return undefined;
}

/** The same, with jsonc-parser's own scanner: only after the parser ran out of stack anyway. */
function nestingTooDeepScanned(text: string): number {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let k = scanner.scan(); k !== SyntaxKind.EOF; k = scanner.scan()) {
    if (k === SyntaxKind.OpenBraceToken || k === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) return scanner.getTokenOffset();
    } else if (k === SyntaxKind.CloseBraceToken || k === SyntaxKind.CloseBracketToken) depth--;
  }
  return 0;
}

/**
 * `strict`: plain JSON as IAM reads it (no comments, no trailing commas), for policies written as
 * JSON text; files themselves are read as JSONC.
 */
export function parseJson(text: string, offsetMap?: number[], encoders?: Encoder[], strict = false): JsonParseResult {
  const map = (o: number) => (offsetMap ? offsetMap[Math.max(0, Math.min(o, offsetMap.length - 1))] : o);
  const deep = nestingTooDeep(text);
  if (deep !== undefined) {
    return { error: { message: `nesting deeper than ${MAX_NESTING} levels`, offset: map(deep), length: 1 } };
  }
  const errors: ParseError[] = [];
  let tree: JsonNode | undefined;
  try {
    tree = parseTree(text, errors, { allowTrailingComma: !strict, disallowComments: strict, allowEmptyContent: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { error: { message: `nesting deeper than ${MAX_NESTING} levels`, offset: map(nestingTooDeepScanned(text)), length: 1 } };
  }
  if (errors.length > 0) {
    const e = errors[0];
    const code = printParseErrorCode(e.error);
    return { error: { message: JSON_ERROR_TEXT[code] ?? code, offset: map(e.offset), length: Math.max(1, e.length) } };
  }
  if (!tree) return {};
  const range = (o: number, l: number): Range => ({ start: map(o), end: map(o + l) });
  const enc = encoders && encoders.length > 0 ? encoders : undefined;

  const convert = (n: JsonNode): Node => {
    switch (n.type) {
      case 'object': {
        const entries: Entry[] = [];
        for (const prop of n.children ?? []) {
          const [k, v] = prop.children ?? [];
          if (!k) continue;
          const value: Node = v
            ? convert(v)
            : { type: 'scalar', value: null, style: 'json-literal', range: range(k.offset + k.length, 0) };
          entries.push({ key: String(k.value), keyRange: range(k.offset, k.length), keyStyle: 'json-string', value });
        }
        const o: ObjectNode = { type: 'object', entries, range: range(n.offset, n.length) };
        if (enc) o.encoders = enc;
        return o;
      }
      case 'array': {
        const a: ArrayNode = { type: 'array', items: (n.children ?? []).map(convert), range: range(n.offset, n.length) };
        if (enc) a.encoders = enc;
        return a;
      }
      default: {
        const s: ScalarNode = {
          type: 'scalar',
          value: n.value as ScalarNode['value'],
          style: n.type === 'string' ? 'json-string' : 'json-literal',
          range: range(n.offset, n.length),
        };
        if (n.type === 'number') s.raw = text.slice(n.offset, n.offset + n.length);
        if (enc) s.encoders = enc;
        return s;
      }
    }
  };
  return { root: convert(tree) };
}

/**
 * For a JSON string literal starting at `start` (the opening quote) in `text`: the decoded value and,
 * for each decoded UTF-16 unit, its offset in `text` (plus one final entry: the closing quote).
 */
export function jsonStringOffsets(text: string, start: number): { value: string; map: number[] } | undefined {
  if (text.charCodeAt(start) !== 34) return undefined;
  const map: number[] = [];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      map.push(i);
      return { value, map };
    }
    if (c === '\\') {
      const e = text[i + 1];
      map.push(i);
      if (e === 'u') {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      value += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
      i += 2;
      continue;
    }
    map.push(i);
    value += c;
    i++;
  }
  return undefined;
}

/** Writes text as the inside of a JSON string literal (no surrounding quotes). */
export const jsonStringContent: Encoder = (s) => JSON.stringify(s).slice(1, -1);
