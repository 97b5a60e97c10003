/**
 * The YAML fast path: builds the located tree straight from the text for the YAML that
 * CloudFormation templates, policies and most configuration files are written in, at many times the
 * speed of building `yaml` Documents first.
 *
 * It is exact or it declines. Every tree it returns is the one `parseYamlDocuments` (the `yaml`
 * package's Documents, converted) returns for the same text: the same values, styles, tags, ranges
 * (including where `yaml` lets a collection's range run on over trailing comments), duplicate keys
 * and alias expansions. Whenever the text holds anything outside the subset it knows — a syntax
 * error, a tab, CRLF line ends, directives, explicit keys, multi-line quoted scalars, block-scalar
 * indentation indicators, comments inside flow collections, non-CloudFormation tags, and many more —
 * it returns `undefined` and the caller uses the reference path, which also produces the errors.
 * test/yaml-fast.test.ts compares both paths over every fixture and thousands of generated documents.
 */
import type { ArrayNode, Entry, Node, ObjectNode, ScalarNode, ScalarStyle } from './tree.js';
import type { Range } from './source.js';

/** The end of a range with trailing whitespace (spaces, tabs, line breaks) left out. */
export function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12 || (c > 127 && /\s/.test(text[e - 1]))) e--;
    else break;
  }
  return e;
}

/** The range of a tag written just before a node (`!Ref  x`), found by scanning back over spaces. */
export function tagRangeBefore(text: string, nodeStart: number, tag: string): Range | undefined {
  let i = nodeStart;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 32 || c === 9 || c === 13 || c === 10) i--;
    else break;
  }
  if (text.slice(i - tag.length, i) === tag) return { start: i - tag.length, end: i };
  return undefined;
}

const SP = 32;
const LF = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DOT = 46;
const SQ = 39;
const DQ = 34;
const BANG = 33;
const AMP = 38;
const STAR = 42;
const PIPE = 124;
const GT = 62;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const BACKSLASH = 92;

/** Characters that may not begin a plain scalar here (indicators); `-` is handled by the caller. */
function isIndicator(c: number): boolean {
  switch (c) {
    case DASH:
    case 63: // ?
    case COLON:
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case AMP:
    case STAR:
    case BANG:
    case PIPE:
    case GT:
    case SQ:
    case DQ:
    case 37: // %
    case 64: // @
    case 96: // `
      return true;
    default:
      return false;
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Declines the text: the caller uses the reference path. */
class Decline {}
const DECLINE = new Decline();
function decline(): never {
  throw DECLINE;
}

/** Characters the fast path leaves to the reference path: control characters, tabs, CR, BOM, NEL, LS/PS. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Nesting (block and flow together) beyond this is left to the reference path and its bounds. */
const MAX_DEPTH = 100;
const MAX_EXPANSIONS = 1000;
const MAX_ALIAS_NODES = 10_000;

/** Whether the reference path accepts this CloudFormation tag on this node. */
export type TagCheck = (tag: string, node: Node) => boolean;

function countNodes(node: Node): number {
  if (node.type === 'scalar') return 1;
  let n = 1;
  if (node.type === 'array') for (const i of node.items) n += countNodes(i);
  else for (const e of node.entries) n += 1 + countNodes(e.value);
  return n;
}

/** The YAML 1.2 core schema, as `yaml` resolves an untagged plain scalar. */
export function resolvePlain(src: string): string | number | boolean | null {
  const c = src.charCodeAt(0);
  // Most plain scalars are words: nothing but a string can start with a letter other than these.
  if (!(c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === DOT || c === 43 || c === DASH || (c >= 48 && c <= 57))) return src;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(src)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(src)) return src[0] === 't' || src[0] === 'T';
  if (/^0o[0-7]+$/.test(src)) return parseInt(src.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(src)) return parseInt(src, 10);
  if (/^0x[0-9a-fA-F]+$/.test(src)) return parseInt(src.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(src)) return src.slice(-3).toLowerCase() === 'nan' ? NaN : src[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(src)) return parseFloat(src);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(src)) return parseFloat(src);
  return src;
}

/** `yaml`'s folding of a multi-line plain scalar's source (lines joined by spaces, trimmed). */
function unfoldLines(source: string): string {
  const lines = source.split('\n');
  let res = lines[0].replace(/[ \t]+$/, '');
  let sep = ' ';
  for (let i = 1; i < lines.length - 1; i++) {
    const lm = lines[i].replace(/^[ \t]+|[ \t]+$/g, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
  }
  return res + sep + lines[lines.length - 1].replace(/^[ \t]*/, '');
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

interface Props {
  tag?: string;
  anchor?: string;
}

interface Await {
  /** Where `yaml` puts an empty value: after the indicator and the spaces that follow it. */
  p: number;
  props?: Props;
  /** A comment came between the indicator and whatever follows. */
  comment: boolean;
}

const MAP = 0;
const SEQ = 1;

interface Frame {
  kind: typeof MAP | typeof SEQ;
  /** Column of the keys (map) or of the `-` (sequence). */
  indent: number;
  start: number;
  node: ObjectNode | ArrayNode;
  props?: Props;
  /** Raw end of the last value's extent (yaml's `range[2]`): value, trailing comments included. */
  lastExt: number;
  /** The last value is a scalar, alias or flow collection, to which indented comments attach. */
  lastHasEnd: boolean;
  /** End of the comment lines after the last item that `yaml` keeps in this collection, or -1. */
  trail: number;
  trailMax: number;
  await?: Await;
  /** Alias expansions inside, and the height of the subtree (for the reference's bounds). */
  weight: number;
  height: number;
}

interface Anchor {
  node?: Node;
  weight: number;
  height: number;
}

interface Value {
  node: Node;
  /** Raw extent end: the value with its same-line comment. */
  ext: number;
  hasEnd: boolean;
  /** Start of the next line to read. */
  next: number;
  weight: number;
  height: number;
}

class FastYaml {
  private readonly len: number;
  private readonly frames: Frame[] = [];
  private readonly docs: Node[] = [];
  private root: Node | undefined;
  private rootDone = false;
  /** The document began with `---` (an empty one is then a null scalar, not nothing). */
  private marked = false;
  private anchors = new Map<string, Anchor>();
  private expansions = 0;
  /** Start of the line being read. */
  private lineStart = 0;

  /** Nodes copied by alias expansions (the reference path bounds them). */
  private aliasNodes = 0;

  constructor(
    private readonly text: string,
    private readonly tags: Record<string, string>,
    private readonly tagAccepts: TagCheck,
  ) {
    this.len = text.length;
  }

  parse(): Node[] {
    const t = this.text;
    const len = this.len;
    let pos = 0;
    while (pos < len) {
      let i = pos;
      while (t.charCodeAt(i) === SP) i++;
      let eol = t.indexOf('\n', i);
      if (eol < 0) eol = len;
      const indent = i - pos;
      this.lineStart = pos;
      if (i === eol) {
        pos = eol + 1;
        continue;
      }
      const c = t.charCodeAt(i);
      if (c === HASH) {
        this.comment(indent, eol);
        pos = eol + 1;
        continue;
      }
      if (indent === 0) {
        if ((c === DASH || c === DOT) && t.charCodeAt(i + 1) === c && t.charCodeAt(i + 2) === c) {
          const after = t.charCodeAt(i + 3);
          if (i + 3 === eol) {
            if (c === DOT) decline();
            this.endDocument();
            this.marked = true;
            pos = eol + 1;
            continue;
          }
          if (after === SP) decline();
        }
        if (c === 37 /* % */) decline();
      }
      pos = this.content(i, indent, eol);
    }
    this.endDocument();
    return this.docs;
  }

  // ---- lines ---------------------------------------------------------------------------------

  private top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  private comment(indent: number, eol: number): void {
    const top = this.top();
    if (!top) return;
    if (top.await) {
      top.await.comment = true;
      return;
    }
    if (top.trail < 0 && top.lastHasEnd && indent > top.indent) {
      top.lastExt = eol;
      return;
    }
    top.trail = eol;
    if (indent > top.trailMax) top.trailMax = indent;
  }

  private isDash(i: number, eol: number): boolean {
    return this.text.charCodeAt(i) === DASH && (i + 1 === eol || this.text.charCodeAt(i + 1) === SP);
  }

  /** A line with content at `i`; returns the start of the next line to read. */
  private content(i: number, indent: number, eol: number): number {
    const dash = this.isDash(i, eol);
    let top = this.top();
    if (top?.await) {
      if (indent > top.indent || (indent === top.indent && top.kind === MAP && dash)) return this.nested(top, i, indent, eol, dash);
      this.emptyValue(top);
    }
    while (top && (indent < top.indent || (indent === top.indent && top.kind === SEQ && !dash))) {
      this.close();
      top = this.top();
    }
    if (!top) return this.rootLine(i, indent, eol, dash);
    if (indent > top.indent) decline();
    if (top.kind === SEQ) return this.seqItem(top, i, eol);
    if (dash) decline();
    const key = this.key(i, eol);
    if (!key) decline();
    return this.entry(top, key, eol);
  }

  private rootLine(i: number, indent: number, eol: number, dash: boolean): number {
    if (this.rootDone) decline();
    if (dash) return this.seqItem(this.push(SEQ, indent, i, undefined), i, eol);
    const key = this.key(i, eol);
    if (key) return this.entry(this.push(MAP, indent, i, undefined), key, eol);
    const c = this.text.charCodeAt(i);
    // A document that is a flow collection (JSON written as YAML); other root scalars are rare.
    if (c !== LBRACKET && c !== LBRACE) decline();
    const v = this.flowCollection(i, -1);
    const rest = this.lineRest(v.end, this.lineEnd(v.end));
    this.setRoot(v.node);
    return rest.next;
  }

  private lineEnd(i: number): number {
    const e = this.text.indexOf('\n', i);
    return e < 0 ? this.len : e;
  }

  private push(kind: typeof MAP | typeof SEQ, indent: number, start: number, props: Props | undefined): Frame {
    if (this.frames.length >= MAX_DEPTH) decline();
    const node: ObjectNode | ArrayNode = kind === MAP ? { type: 'object', entries: [], range: { start, end: start } } : { type: 'array', items: [], range: { start, end: start }, flow: false };
    const f: Frame = { kind, indent, start, node, props, lastExt: start, lastHasEnd: false, trail: -1, trailMax: -1, weight: 0, height: 0 };
    if (props?.anchor !== undefined) this.anchors.set(props.anchor, { weight: 0, height: 0 });
    this.frames.push(f);
    return f;
  }

  /** Closes the innermost collection and hands it to its parent. */
  private close(): void {
    const f = this.frames.pop()!;
    if (f.await) this.emptyValue(f);
    f.node.range.end = trimEnd(this.text, f.start, f.lastExt);
    let ext = f.lastExt;
    const parent = this.top();
    if (f.trail >= 0) {
      // `yaml` hands comment lines after the last item up to the parent unless one is indented
      // at least as far as the collection; kept ones extend the collection's extent.
      if (f.indent === 0 || f.trailMax < f.indent) {
        if (parent) {
          parent.trail = f.trail;
          parent.trailMax = f.trailMax;
        }
      } else ext = f.trail;
    }
    const node = this.withProps(f.node, f.props, f.weight, f.height + 1);
    this.place(parent, node, ext, false, f.weight, f.height + 1);
  }

  private place(parent: Frame | undefined, node: Node, ext: number, hasEnd: boolean, weight: number, height: number): void {
    if (!parent) {
      this.setRoot(node);
      return;
    }
    if (parent.kind === MAP) {
      const entries = (parent.node as ObjectNode).entries;
      entries[entries.length - 1].value = node;
    } else (parent.node as ArrayNode).items.push(node);
    parent.lastExt = ext;
    parent.lastHasEnd = hasEnd;
    parent.weight += weight;
    if (height > parent.height) parent.height = height;
  }

  private setRoot(node: Node): void {
    if (this.rootDone) decline();
    this.root = node;
    this.rootDone = true;
  }

  private endDocument(): void {
    while (this.frames.length > 0) this.close();
    if (this.root) this.docs.push(this.root);
    else if (this.marked) decline();
    this.marked = false;
    this.root = undefined;
    this.rootDone = false;
    this.anchors = new Map();
  }

  /** A key whose value never came: `yaml`'s empty scalar, unless comments or properties make it subtle. */
  private emptyValue(f: Frame): void {
    const aw = f.await!;
    if (f.kind === SEQ || aw.props || aw.comment) decline();
    f.await = undefined;
    const node: ScalarNode = { type: 'scalar', value: null, style: 'yaml-plain', range: { start: aw.p, end: aw.p } };
    this.place(f, node, aw.p, false, 0, 0);
  }

  /** The value of an awaiting item starts on this line: a nested block collection. */
  private nested(top: Frame, i: number, indent: number, eol: number, dash: boolean): number {
    const aw = top.await!;
    top.await = undefined;
    if (dash) return this.seqItem(this.push(SEQ, indent, i, aw.props), i, eol);
    const key = this.key(i, eol);
    if (!key) decline();
    return this.entry(this.push(MAP, indent, i, aw.props), key, eol);
  }

  // ---- block collections --------------------------------------------------------------------

  private seqItem(f: Frame, i: number, eol: number): number {
    f.trail = -1;
    f.trailMax = -1;
    let j = i + 1;
    while (this.text.charCodeAt(j) === SP) j++;
    if (j === eol || this.text.charCodeAt(j) === HASH) {
      f.await = { p: j, comment: j !== eol };
      return eol + 1;
    }
    if (this.isDash(j, eol)) decline();
    const key = this.key(j, eol);
    if (key) return this.entry(this.push(MAP, j - this.lineStart, j, undefined), key, eol);
    return this.inlineValue(f, j, eol);
  }

  private entry(f: Frame, key: { key: string; start: number; end: number; style: ScalarStyle; colon: number }, eol: number): number {
    f.trail = -1;
    f.trailMax = -1;
    (f.node as ObjectNode).entries.push({ key: key.key, keyRange: { start: key.start, end: key.end }, keyStyle: key.style, value: undefined as unknown as Node });
    let j = key.colon + 1;
    while (this.text.charCodeAt(j) === SP) j++;
    if (j === eol || this.text.charCodeAt(j) === HASH) {
      f.await = { p: j, comment: j !== eol };
      return eol + 1;
    }
    return this.inlineValue(f, j, eol);
  }

  /** A plain or quoted implicit key at `i` followed by `:`, or undefined when the line is no key. */
  private key(i: number, eol: number): { key: string; start: number; end: number; style: ScalarStyle; colon: number } | undefined {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === SQ || c === DQ) {
      const q = quotedOnLine(this.text, i, eol);
      let j = q.end;
      while (t.charCodeAt(j) === SP) j++;
      if (t.charCodeAt(j) !== COLON) return undefined;
      if (j + 1 !== eol && t.charCodeAt(j + 1) !== SP) decline();
      return { key: q.value, start: i, end: q.end, style: c === SQ ? 'yaml-single' : 'yaml-double', colon: j };
    }
    if (isIndicator(c)) return undefined;
    for (let j = i; j < eol; j++) {
      const ch = t.charCodeAt(j);
      if (ch === COLON) {
        if (j + 1 === eol || t.charCodeAt(j + 1) === SP) {
          if (j - i > 1000) decline();
          const end = trimEnd(t, i, j);
          return { key: String(resolvePlain(t.slice(i, end))), start: i, end, style: 'yaml-plain', colon: j };
        }
      } else if (ch === SP && t.charCodeAt(j + 1) === HASH) return undefined;
    }
    return undefined;
  }

  /** Properties and a value on the line of its key or `-`. */
  private inlineValue(f: Frame, j: number, eol: number): number {
    const t = this.text;
    let props: Props | undefined;
    for (;;) {
      const c = t.charCodeAt(j);
      if (c !== BANG && c !== AMP) break;
      let k = j + 1;
      while (k < eol && t.charCodeAt(k) !== SP) k++;
      const word = t.slice(j, k);
      props ??= {};
      if (c === BANG) {
        if (props.tag !== undefined || !Object.prototype.hasOwnProperty.call(this.tags, word)) decline();
        props.tag = word;
      } else {
        if (props.anchor !== undefined || word.length === 1 || /[,[\]{}]/.test(word)) decline();
        props.anchor = word.slice(1);
      }
      j = k;
      while (t.charCodeAt(j) === SP) j++;
    }
    if (props) {
      if (props.tag !== undefined && props.anchor !== undefined) decline();
      if (j === eol) {
        f.await = { p: j, props, comment: false };
        return eol + 1;
      }
      if (t.charCodeAt(j) === HASH) decline();
    }
    const c = t.charCodeAt(j);
    let v: Value;
    switch (c) {
      case STAR:
        if (props) decline();
        v = this.alias(j, eol);
        break;
      case PIPE:
      case GT:
        v = this.blockScalar(j, eol, f.indent);
        break;
      case LBRACKET:
      case LBRACE: {
        const fc = this.flowCollection(j, f.indent);
        const rest = this.lineRest(fc.end, this.lineEnd(fc.end));
        v = { node: fc.node, ext: rest.ext, hasEnd: true, next: rest.next, weight: 0, height: fc.height };
        break;
      }
      case SQ:
      case DQ: {
        const q = quotedOnLine(this.text, j, eol);
        const rest = this.lineRest(q.end, eol);
        v = { node: this.scalar(q.value, c === SQ ? 'yaml-single' : 'yaml-double', j, q.end), ext: rest.ext, hasEnd: true, next: rest.next, weight: 0, height: 0 };
        break;
      }
      default:
        if (isIndicator(c) && !(c === DASH && t.charCodeAt(j + 1) !== SP && j + 1 !== eol)) decline();
        v = this.plain(j, eol, f.indent, props?.tag !== undefined);
    }
    const node = this.withProps(v.node, props, v.weight, v.height);
    this.place(f, node, v.ext, v.hasEnd, v.weight, v.height);
    return v.next;
  }

  /** What may follow a value on its line: spaces and a comment. */
  private lineRest(i: number, eol: number): { ext: number; next: number } {
    const t = this.text;
    let j = i;
    while (t.charCodeAt(j) === SP) j++;
    if (j === eol) return { ext: i, next: eol + 1 };
    if (t.charCodeAt(j) === HASH && j > i) return { ext: eol, next: eol + 1 };
    decline();
  }

  private withProps(node: Node, props: Props | undefined, weight: number, height: number): Node {
    if (!props) return node;
    let out = node;
    if (props.tag !== undefined) {
      // A tag CloudFormation would refuse is an error of the reference path.
      if (!this.tagAccepts(props.tag, node)) decline();
      const range = node.range;
      const tagRange = tagRangeBefore(this.text, range.start, props.tag) ?? range;
      if (node.type === 'scalar') node.tagRange = tagRange;
      out = { type: 'object', entries: [{ key: this.tags[props.tag], keyRange: tagRange, value: node }], range: { start: tagRange.start, end: range.end }, tagRange };
    }
    if (props.anchor !== undefined) this.anchors.set(props.anchor, { node: out, weight, height });
    return out;
  }

  // ---- scalars ------------------------------------------------------------------------------

  private scalar(value: ScalarNode['value'], style: ScalarStyle, start: number, end: number): ScalarNode {
    return { type: 'scalar', value, style, range: { start, end } };
  }

  /** A plain scalar in block context, possibly continued on more-indented lines. */
  private plain(i: number, eol: number, parentIndent: number, tagged: boolean): Value {
    const t = this.text;
    let end = i;
    let comment = false;
    for (let j = i; j < eol; j++) {
      const ch = t.charCodeAt(j);
      if (ch === SP) {
        if (t.charCodeAt(j + 1) === HASH) {
          comment = true;
          break;
        }
      } else if (ch === COLON && (j + 1 === eol || t.charCodeAt(j + 1) === SP)) decline();
      else end = j + 1;
    }
    let next = eol + 1;
    let multi = false;
    if (!comment) {
      // Continuation lines: more indented than the collection, not blank, not a comment.
      for (;;) {
        if (next >= this.len) break;
        let k = next;
        while (t.charCodeAt(k) === SP) k++;
        const lineEol = this.lineEnd(k);
        const ind = k - next;
        if (k === lineEol) {
          // A blank line: folding across it is left to the reference path.
          let m = lineEol + 1;
          while (m < this.len) {
            let n = m;
            while (t.charCodeAt(n) === SP) n++;
            const e2 = this.lineEnd(n);
            if (n !== e2) {
              if (n - m > parentIndent && t.charCodeAt(n) !== HASH) decline();
              break;
            }
            m = e2 + 1;
          }
          break;
        }
        if (ind <= parentIndent || t.charCodeAt(k) === HASH) break;
        const c = t.charCodeAt(k);
        if (isIndicator(c)) decline();
        let lineEndContent = k;
        for (let j = k; j < lineEol; j++) {
          const ch = t.charCodeAt(j);
          if (ch === SP) {
            if (t.charCodeAt(j + 1) === HASH) decline();
          } else if (ch === COLON && (j + 1 === lineEol || t.charCodeAt(j + 1) === SP)) decline();
          else lineEndContent = j + 1;
        }
        end = lineEndContent;
        multi = true;
        next = lineEol + 1;
      }
    }
    const src = t.slice(i, end);
    const str = multi ? unfoldLines(src) : src;
    const value = tagged ? str : resolvePlain(str);
    const node = this.scalar(value, 'yaml-plain', i, end);
    if (typeof value === 'number') node.raw = src;
    return { node, ext: comment ? eol : end, hasEnd: true, next, weight: 0, height: 0 };
  }

  /** `|` and `>` (clip or strip), content more indented than the collection. */
  private blockScalar(i: number, eol: number, parentIndent: number): Value {
    const t = this.text;
    const folded = t.charCodeAt(i) === GT;
    let h = i + 1;
    let strip = false;
    if (t.charCodeAt(h) === DASH) {
      strip = true;
      h++;
    }
    while (t.charCodeAt(h) === SP) h++;
    if (h !== eol) decline();
    // Content: the lines indented at least as far as the first non-blank one.
    let pos = eol + 1;
    const first = pos;
    let contentIndent = -1;
    let maxLeadingBlank = 0;
    let lastEnd = -1;
    let next = pos;
    while (pos < this.len) {
      let k = pos;
      while (t.charCodeAt(k) === SP) k++;
      const lineEol = this.lineEnd(k);
      const ind = k - pos;
      if (k === lineEol) {
        if (contentIndent < 0) maxLeadingBlank = Math.max(maxLeadingBlank, ind);
        else if (ind > contentIndent) decline();
        pos = lineEol + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (ind <= parentIndent) break;
        contentIndent = ind;
      } else if (ind < contentIndent) break;
      lastEnd = lineEol;
      pos = lineEol + 1;
      next = pos;
    }
    if (contentIndent < 0 || maxLeadingBlank > contentIndent) decline();
    const lines = t.slice(first, lastEnd).split('\n');
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    for (const line of lines) {
      let n = 0;
      while (line.charCodeAt(n) === SP) n++;
      const content = line.slice(n);
      const indent = line.slice(0, n);
      if (!folded) {
        value += sep + indent.slice(contentIndent) + content;
        sep = '\n';
      } else if (n > contentIndent) {
        if (sep === ' ') sep = '\n';
        else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
        value += sep + indent.slice(contentIndent) + content;
        sep = '\n';
        prevMoreIndented = true;
      } else if (content === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + content;
        sep = ' ';
        prevMoreIndented = false;
      }
    }
    if (!strip) value += '\n';
    const end = trimEnd(t, i, lastEnd);
    return { node: this.scalar(value, 'yaml-block', i, end), ext: end, hasEnd: false, next, weight: 0, height: 0 };
  }

  private alias(i: number, eol: number): Value {
    const t = this.text;
    let k = i + 1;
    while (k < eol && t.charCodeAt(k) !== SP) k++;
    const name = t.slice(i + 1, k);
    if (name === '' || name.endsWith(':') || /[,[\]{}]/.test(name)) decline();
    const target = this.anchors.get(name);
    if (!target?.node) decline();
    this.expansions += 1 + target.weight;
    if (this.expansions > MAX_EXPANSIONS || target.height + 1 + this.frames.length > MAX_DEPTH) decline();
    const rest = this.lineRest(k, eol);
    this.aliasNodes += countNodes(target.node);
    if (this.aliasNodes > MAX_ALIAS_NODES) decline();
    return { node: structuredClone(target.node), ext: rest.ext, hasEnd: true, next: rest.next, weight: 1 + target.weight, height: target.height + 1 };
  }

  // ---- flow collections ---------------------------------------------------------------------

  /** A flow collection at `i`; continuation lines must be indented more than `parentIndent`. */
  private flowCollection(i: number, parentIndent: number): { node: Node; end: number; height: number } {
    const flow = new FlowReader(this, this.text, this.tags, parentIndent);
    const r = flow.collection(i, this.frames.length);
    return { node: r.node, end: r.end, height: r.height };
  }

  /** For the flow reader: a tagged node, wrapped the way block nodes are. */
  wrapTag(node: Node, tag: string): Node {
    return this.withProps(node, { tag }, 0, 0);
  }
}

/** Reads `[...]` and `{...}` (no comments, no anchors or aliases, single-line scalars). */
class FlowReader {
  constructor(
    private readonly owner: FastYaml,
    private readonly text: string,
    private readonly tags: Record<string, string>,
    private readonly parentIndent: number,
  ) {}

  /** Skips spaces and line breaks; continuation lines must be indented enough. */
  private ws(i: number): number {
    const t = this.text;
    let j = i;
    for (;;) {
      const c = t.charCodeAt(j);
      if (c === SP) j++;
      else if (c === LF) {
        j++;
        let k = j;
        while (t.charCodeAt(k) === SP) k++;
        if (this.parentIndent >= 0 && k - j <= this.parentIndent && t.charCodeAt(k) !== LF) decline();
        j = k;
      } else if (c === HASH) decline();
      else return j;
    }
  }

  collection(i: number, depth: number): { node: Node; end: number; height: number } {
    if (depth > MAX_DEPTH) decline();
    const t = this.text;
    const map = t.charCodeAt(i) === LBRACE;
    const close = map ? RBRACE : RBRACKET;
    let j = this.ws(i + 1);
    let height = 0;
    if (map) {
      const entries: Entry[] = [];
      if (t.charCodeAt(j) !== RBRACE) {
        for (;;) {
          const key = this.key(j);
          j = this.ws(key.next);
          const v = this.node(j, depth + 1);
          if (v.height > height) height = v.height;
          entries.push({ key: key.key, keyRange: { start: key.start, end: key.end }, keyStyle: key.style, value: v.node });
          j = this.ws(v.end);
          const c = t.charCodeAt(j);
          if (c === COMMA) {
            j = this.ws(j + 1);
            if (t.charCodeAt(j) === RBRACE) decline();
            continue;
          }
          if (c === RBRACE) break;
          decline();
        }
      }
      return { node: { type: 'object', entries, range: { start: i, end: j + 1 } }, end: j + 1, height: height + 1 };
    }
    const items: Node[] = [];
    if (t.charCodeAt(j) !== RBRACKET) {
      for (;;) {
        const v = this.node(j, depth + 1);
        if (v.height > height) height = v.height;
        items.push(v.node);
        j = this.ws(v.end);
        const c = t.charCodeAt(j);
        if (c === COMMA) {
          j = this.ws(j + 1);
          if (t.charCodeAt(j) === close) decline();
          continue;
        }
        if (c === close) break;
        decline();
      }
    }
    return { node: { type: 'array', items, range: { start: i, end: j + 1 }, flow: true }, end: j + 1, height: height + 1 };
  }

  private key(i: number): { key: string; start: number; end: number; style: ScalarStyle; next: number } {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === SQ || c === DQ) {
      const q = this.quoted(i);
      let j = q.end;
      while (t.charCodeAt(j) === SP) j++;
      if (t.charCodeAt(j) !== COLON) decline();
      return { key: q.value, start: i, end: q.end, style: c === SQ ? 'yaml-single' : 'yaml-double', next: j + 1 };
    }
    if (isIndicator(c) && !(c === DASH && t.charCodeAt(i + 1) !== SP && t.charCodeAt(i + 1) !== LF && !isFlowIndicator(t.charCodeAt(i + 1)))) decline();
    const p = this.plain(i, true);
    if (t.charCodeAt(p.stop) !== COLON) decline();
    return { key: String(resolvePlain(t.slice(i, p.end))), start: i, end: p.end, style: 'yaml-plain', next: p.stop + 1 };
  }

  private node(i: number, depth: number): { node: Node; end: number; height: number } {
    const t = this.text;
    let c = t.charCodeAt(i);
    let tag: string | undefined;
    let j = i;
    if (c === BANG) {
      let k = j + 1;
      while (k < t.length && !isFlowIndicator(t.charCodeAt(k)) && t.charCodeAt(k) !== SP && t.charCodeAt(k) !== LF) k++;
      tag = t.slice(j, k);
      if (!Object.prototype.hasOwnProperty.call(this.tags, tag) || t.charCodeAt(k) !== SP) decline();
      j = this.ws(k);
      c = t.charCodeAt(j);
    }
    let out: { node: Node; end: number; height: number };
    if (c === LBRACKET || c === LBRACE) out = this.collection(j, depth);
    else if (c === SQ || c === DQ) {
      const q = this.quoted(j);
      out = { node: { type: 'scalar', value: q.value, style: c === SQ ? 'yaml-single' : 'yaml-double', range: { start: j, end: q.end } }, end: q.end, height: 0 };
      const after = t.charCodeAt(this.ws(q.end));
      if (after === COLON) decline();
    } else {
      if (isIndicator(c) && !(c === DASH && t.charCodeAt(j + 1) !== SP && t.charCodeAt(j + 1) !== LF && !isFlowIndicator(t.charCodeAt(j + 1)))) decline();
      const p = this.plain(j, false);
      const src = t.slice(j, p.end);
      const value = tag !== undefined ? src : resolvePlain(src);
      const node: ScalarNode = { type: 'scalar', value, style: 'yaml-plain', range: { start: j, end: p.end } };
      if (typeof value === 'number') node.raw = src;
      out = { node, end: p.end, height: 0 };
    }
    if (tag !== undefined) out.node = this.owner.wrapTag(out.node, tag);
    return out;
  }

  /** A plain scalar in flow context on one line: its end (spaces trimmed) and where it stopped. */
  private plain(i: number, isKey: boolean): { end: number; stop: number } {
    const t = this.text;
    let end = i;
    let j = i;
    for (; j < t.length; j++) {
      const ch = t.charCodeAt(j);
      if (ch === COLON) {
        const n = t.charCodeAt(j + 1);
        if (n === SP || n === LF || isFlowIndicator(n) || j + 1 === t.length) break;
        end = j + 1;
      } else if (isFlowIndicator(ch)) break;
      else if (ch === SP) {
        if (t.charCodeAt(j + 1) === HASH) decline();
      } else if (ch === LF) {
        // A plain scalar continued on the next line is left to the reference path.
        const n = t.charCodeAt(this.ws(j));
        if (isKey || !(n === COMMA || n === RBRACKET || n === RBRACE)) decline();
        break;
      } else end = j + 1;
    }
    if (end === i) decline();
    if (!isKey && t.charCodeAt(j) === COLON) decline();
    return { end, stop: t.charCodeAt(j) === COLON ? j : this.ws(j) };
  }

  private quoted(i: number): { value: string; end: number } {
    const eol = this.text.indexOf('\n', i);
    return quotedOnLine(this.text, i, eol < 0 ? this.text.length : eol);
  }
}

/** A quoted scalar that closes on its line. */
function quotedOnLine(t: string, i: number, eol: number): { value: string; end: number } {
  if (t.charCodeAt(i) === SQ) {
    let j = i + 1;
    let escaped = false;
    for (;;) {
      const q = t.indexOf("'", j);
      if (q < 0 || q >= eol) decline();
      if (t.charCodeAt(q + 1) === SQ) {
        escaped = true;
        j = q + 2;
        continue;
      }
      const raw = t.slice(i + 1, q);
      return { value: escaped ? raw.replace(/''/g, "'") : raw, end: q + 1 };
    }
  }
  let res = '';
  let from = i + 1;
  for (let j = i + 1; j < eol; j++) {
    const ch = t.charCodeAt(j);
    if (ch === DQ) return { value: res + t.slice(from, j), end: j + 1 };
    if (ch !== BACKSLASH) continue;
    res += t.slice(from, j);
    const e = t[j + 1];
    if (j + 1 >= eol) decline();
    const cc = ESCAPES[e];
    if (cc !== undefined) {
      res += cc;
      j += 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = t.substr(j + 2, n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex) || j + 2 + n > eol) decline();
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) decline();
      res += String.fromCodePoint(code);
      j += 1 + n;
    } else decline();
    from = j + 1;
  }
  decline();
}


/**
 * The documents of `text` as located trees, or undefined when the text is outside the fast path's
 * subset (the caller then uses the reference path).
 */
export function parseYamlFast(text: string, tags: Record<string, string>, tagAccepts: TagCheck): Node[] | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  try {
    return new FastYaml(text, tags, tagAccepts).parse();
  } catch (e) {
    if (e === DECLINE) return undefined;
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
