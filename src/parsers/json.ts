/**
 * JSON (and JSONC: comments, trailing commas) into the located tree, with jsonc-parser.
 * Also parses JSON held inside a string of another file: `offsetMap` maps every index of the decoded
 * string to its offset in the outer file, so ranges still point into the file the user edits.
 */
import { createScanner, printParseErrorCode, SyntaxKind, visit } from 'jsonc-parser';
import type { ArrayNode, Encoder, Node, ObjectNode, ScalarNode } from './tree.js';
import type { Range } from './source.js';
import { parseJsonFast } from './json-fast.js';

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
  if (!offsetMap && !(encoders && encoders.length > 0)) {
    // Plain JSON (nearly every file) is read by the fast path; anything else by jsonc-parser.
    const root = parseJsonFast(text, MAX_NESTING);
    if (root) return { root };
  }
  return parseJsonReference(text, offsetMap, encoders, strict);
}

/** `parseJson` without the fast path: jsonc-parser reads every text (test/json-fast.test.ts compares). */
export function parseJsonReference(text: string, offsetMap?: number[], encoders?: Encoder[], strict = false): JsonParseResult {
  const map = (o: number) => (offsetMap ? offsetMap[Math.max(0, Math.min(o, offsetMap.length - 1))] : o);
  const deep = nestingTooDeep(text);
  if (deep !== undefined) {
    return { error: { message: `nesting deeper than ${MAX_NESTING} levels`, offset: map(deep), length: 1 } };
  }
  const enc = encoders && encoders.length > 0 ? encoders : undefined;
  const range = (o: number, l: number): Range => ({ start: map(o), end: map(o + l) });
  // The tree is built as jsonc-parser reads, in one pass: each open object or array, and the key
  // its value is waiting for.
  let root: Node | undefined;
  let first: { code: number; offset: number; length: number } | undefined;
  const open: Array<ObjectNode | ArrayNode> = [];
  let key: { key: string; offset: number; length: number } | undefined;
  const add = (node: Node) => {
    const parent = open[open.length - 1];
    if (!parent) root ??= node;
    else if (parent.type === 'array') parent.items.push(node);
    else if (key) {
      parent.entries.push({ key: key.key, keyRange: range(key.offset, key.length), keyStyle: 'json-string', value: node });
      key = undefined;
    }
  };
  try {
    visit(
      text,
      {
        onObjectBegin: (offset) => {
          const o: ObjectNode = { type: 'object', entries: [], range: { start: offset, end: offset } };
          if (enc) o.encoders = enc;
          add(o);
          open.push(o);
        },
        onObjectProperty: (property, offset, length) => {
          key = { key: property, offset, length };
        },
        onObjectEnd: (offset, length) => {
          const o = open.pop();
          if (o) o.range = { start: map(o.range.start), end: map(offset + length) };
        },
        onArrayBegin: (offset) => {
          const a: ArrayNode = { type: 'array', items: [], range: { start: offset, end: offset } };
          if (enc) a.encoders = enc;
          add(a);
          open.push(a);
        },
        onArrayEnd: (offset, length) => {
          const a = open.pop();
          if (a) a.range = { start: map(a.range.start), end: map(offset + length) };
        },
        onLiteralValue: (value: ScalarNode['value'], offset, length) => {
          const s: ScalarNode = { type: 'scalar', value, style: typeof value === 'string' ? 'json-string' : 'json-literal', range: range(offset, length) };
          if (typeof value === 'number') s.raw = text.slice(offset, offset + length);
          if (enc) s.encoders = enc;
          add(s);
        },
        onError: (code, offset, length) => {
          first ??= { code, offset, length };
        },
      },
      { allowTrailingComma: !strict, disallowComments: strict, allowEmptyContent: true },
    );
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { error: { message: `nesting deeper than ${MAX_NESTING} levels`, offset: map(nestingTooDeepScanned(text)), length: 1 } };
  }
  if (first) {
    const code = printParseErrorCode(first.code);
    return { error: { message: JSON_ERROR_TEXT[code] ?? code, offset: map(first.offset), length: Math.max(1, first.length) } };
  }
  return root ? { root } : {};
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
