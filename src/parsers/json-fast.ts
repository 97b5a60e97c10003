/**
 * The fast path for JSON: the located tree built straight from the text, for plain JSON (RFC 8259),
 * which is what CloudFormation templates, `cdk.out` output, Terraform JSON and plans are, and what
 * IAM reads in a policy written as a JSON string (with `at` mapping each index of the decoded
 * string to its offset in the outer file, and the encoders of its layers on every node). It returns exactly the tree that `parseJson` builds with jsonc-parser — same ranges, values,
 * styles, duplicate keys — and declines (returns undefined) on anything else: comments, trailing
 * commas, whitespace other than space, tab and line breaks, a byte order mark, control characters
 * or unknown escapes in strings, nesting deeper than MAX_NESTING, an empty text and every syntax
 * error. The caller then parses with jsonc-parser, which also reports the error at its position.
 *
 * test/json-fast.test.ts holds it to that over every JSON fixture and random and mutated texts.
 */
import type { Range } from './source.js';
import type { ArrayNode, Encoder, Entry, Node, ObjectNode, ScalarNode } from './tree.js';

const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

class Decline {}
const DECLINE = new Decline();

const ESCAPES: Record<number, string> = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function hex(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

class FastJson {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly at: ((index: number) => number) | undefined,
    private readonly encoders: Encoder[] | undefined,
  ) {}

  private range(start: number, end: number): Range {
    const { at } = this;
    return at ? { start: at(start), end: at(end) } : { start, end };
  }

  /** Nodes are made whole (one literal) and get the encoders last, as jsonc-parser's path makes them. */
  private done<N extends Node>(node: N): N {
    if (this.encoders) node.encoders = this.encoders;
    return node;
  }

  parse(): Node {
    this.space();
    const root = this.value(0);
    this.space();
    if (this.pos !== this.text.length) throw DECLINE;
    return root;
  }

  private space(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SP || c === LF || c === CR || c === TAB) p++;
      else break;
    }
    this.pos = p;
  }

  private value(depth: number): Node {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === QUOTE) {
      const start = this.pos;
      const value = this.string();
      const s: ScalarNode = { type: 'scalar', value, style: 'json-string', range: this.range(start, this.pos) };
      return this.done(s);
    }
    if (c === LBRACE) return this.object(depth + 1);
    if (c === LBRACKET) return this.array(depth + 1);
    if (c === MINUS || isDigit(c)) return this.number();
    return this.literal();
  }

  private object(depth: number): ObjectNode {
    if (depth > this.maxDepth) throw DECLINE;
    const t = this.text;
    const start = this.pos++;
    const entries: Entry[] = [];
    this.space();
    if (t.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return this.done<ObjectNode>({ type: 'object', entries, range: this.range(start, this.pos) });
    }
    for (;;) {
      if (t.charCodeAt(this.pos) !== QUOTE) throw DECLINE;
      const keyStart = this.pos;
      const key = this.string();
      const keyRange = this.range(keyStart, this.pos);
      this.space();
      if (t.charCodeAt(this.pos) !== COLON) throw DECLINE;
      this.pos++;
      this.space();
      const value = this.value(depth);
      entries.push({ key, keyRange, keyStyle: 'json-string', value });
      this.space();
      const c = t.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.space();
        continue;
      }
      if (c !== RBRACE) throw DECLINE;
      this.pos++;
      return this.done<ObjectNode>({ type: 'object', entries, range: this.range(start, this.pos) });
    }
  }

  private array(depth: number): ArrayNode {
    if (depth > this.maxDepth) throw DECLINE;
    const t = this.text;
    const start = this.pos++;
    const items: Node[] = [];
    this.space();
    if (t.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return this.done<ArrayNode>({ type: 'array', items, range: this.range(start, this.pos) });
    }
    for (;;) {
      items.push(this.value(depth));
      this.space();
      const c = t.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.space();
        continue;
      }
      if (c !== RBRACKET) throw DECLINE;
      this.pos++;
      return this.done<ArrayNode>({ type: 'array', items, range: this.range(start, this.pos) });
    }
  }

  /** A string literal at `pos` (its opening quote); leaves `pos` after the closing quote. */
  private string(): string {
    const t = this.text;
    let p = this.pos + 1;
    let chunk = p;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === QUOTE) break;
      if (c < SP || Number.isNaN(c)) throw DECLINE;
      if (c === BACKSLASH) {
        out += t.slice(chunk, p);
        const e = t.charCodeAt(p + 1);
        if (e === 117 /* u */) {
          const a = hex(t.charCodeAt(p + 2));
          const b = hex(t.charCodeAt(p + 3));
          const d = hex(t.charCodeAt(p + 4));
          const f = hex(t.charCodeAt(p + 5));
          if (a < 0 || b < 0 || d < 0 || f < 0) throw DECLINE;
          out += String.fromCharCode((a << 12) | (b << 8) | (d << 4) | f);
          p += 6;
        } else {
          const s = ESCAPES[e];
          if (s === undefined) throw DECLINE;
          out += s;
          p += 2;
        }
        chunk = p;
        continue;
      }
      p++;
    }
    const value = chunk === this.pos + 1 ? t.slice(chunk, p) : out + t.slice(chunk, p);
    this.pos = p + 1;
    return value;
  }

  private number(): ScalarNode {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === MINUS) p++;
    const first = t.charCodeAt(p);
    if (first === ZERO) p++;
    else if (isDigit(first)) while (isDigit(t.charCodeAt(p))) p++;
    else throw DECLINE;
    if (t.charCodeAt(p) === DOT) {
      p++;
      if (!isDigit(t.charCodeAt(p))) throw DECLINE;
      while (isDigit(t.charCodeAt(p))) p++;
    }
    const e = t.charCodeAt(p);
    if (e === 69 || e === 101) {
      p++;
      const sign = t.charCodeAt(p);
      if (sign === 43 || sign === MINUS) p++;
      if (!isDigit(t.charCodeAt(p))) throw DECLINE;
      while (isDigit(t.charCodeAt(p))) p++;
    }
    this.delimited(p);
    const raw = t.slice(start, p);
    this.pos = p;
    return this.done<ScalarNode>({ type: 'scalar', value: Number(raw), style: 'json-literal', range: this.range(start, p), raw });
  }

  private literal(): ScalarNode {
    const t = this.text;
    const start = this.pos;
    let value: boolean | null;
    let n: number;
    if (t.startsWith('true', start)) {
      value = true;
      n = 4;
    } else if (t.startsWith('false', start)) {
      value = false;
      n = 5;
    } else if (t.startsWith('null', start)) {
      value = null;
      n = 4;
    } else throw DECLINE;
    this.delimited(start + n);
    this.pos = start + n;
    return this.done<ScalarNode>({ type: 'scalar', value, style: 'json-literal', range: this.range(start, start + n) });
  }

  /** A number or literal must end where jsonc-parser's scanner ends it: before a delimiter. */
  private delimited(p: number): void {
    const c = this.text.charCodeAt(p);
    if (Number.isNaN(c) || c === SP || c === LF || c === CR || c === TAB || c === COMMA || c === RBRACE || c === RBRACKET) return;
    throw DECLINE;
  }
}

/**
 * The tree of a plain JSON text, or undefined when jsonc-parser has to read it (see above). `at`:
 * the outer-file offset of each index of `text` (and of its end); `encoders`: set on every node.
 */
export function parseJsonFast(text: string, maxDepth: number, at?: (index: number) => number, encoders?: Encoder[]): Node | undefined {
  try {
    return new FastJson(text, maxDepth, at, encoders && encoders.length > 0 ? encoders : undefined).parse();
  } catch (e) {
    if (e === DECLINE || e instanceof RangeError) return undefined;
    throw e;
  }
}
