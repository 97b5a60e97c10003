/**
 * Terraform HCL (`*.tf`) with the tree-sitter grammar shipped in `@tree-sitter-grammars/tree-sitter-hcl`
 * (`tree-sitter-terraform.wasm`), run by `web-tree-sitter`. Both are WebAssembly loaded from the
 * installed packages; nothing is downloaded and no install script is needed.
 *
 * Loading is asynchronous, parsing is not: `loadHcl()` once (the CLI and `Linter.lintFile` do it
 * before the first `.tf` file; nothing is loaded otherwise), then `parseHcl()` runs synchronously in
 * the engine's single parse. The tree-sitter tree becomes a small syntax tree of our own (bodies,
 * blocks, attributes, expressions), with 0-based UTF-16 offsets into the file, and is freed at once.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Node as TsNode, Parser as TsParser } from 'web-tree-sitter';
import type { Range } from './source.js';
import type { ParseFailure } from './json.js';
import { TemplateTextBuilder, type TemplateText } from './template.js';

export const HCL_GRAMMAR = '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm';

let parser: TsParser | undefined;
let loading: Promise<void> | undefined;

/** Loads web-tree-sitter and the Terraform grammar (once; later calls return the same promise). */
export function loadHcl(): Promise<void> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = await readFile(require.resolve(HCL_GRAMMAR));
    const language = await Language.load(new Uint8Array(wasm));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    loading = undefined;
    throw new Error(`trustlint could not load the HCL grammar (${HCL_GRAMMAR}): ${e instanceof Error ? e.message : String(e)}`);
  });
  return loading;
}

export function hclLoaded(): boolean {
  return parser !== undefined;
}

export class HclNotLoadedError extends Error {
  constructor() {
    super('HCL support is not loaded: call `await linter.prepare()` (or lint the file with `lintFile`) before linting a .tf file with `lintText`.');
  }
}

export function isHclPath(path: string): boolean {
  return /\.tf$/i.test(path);
}

// ---------------------------------------------------------------------------------------------
// The syntax tree

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
  range: Range;
}

export interface HclAttribute {
  name: string;
  nameRange: Range;
  expr: HclExpr;
  range: Range;
}

export interface HclLabel {
  value: string;
  range: Range;
}

export interface HclBlock {
  type: string;
  typeRange: Range;
  labels: HclLabel[];
  body: HclBody;
  range: Range;
}

interface ExprBase {
  range: Range;
  /** The expression as written. */
  text: string;
  /** Written in parentheses (an object key in parentheses is an expression, not a name). */
  paren?: boolean;
}

/** A quoted string or heredoc; a literal when its template has no regions. */
export interface HclString extends ExprBase {
  kind: 'string';
  template: TemplateText;
  heredoc: boolean;
}

export interface HclNumber extends ExprBase {
  kind: 'number';
  value: number;
}

export interface HclBool extends ExprBase {
  kind: 'bool';
  value: boolean;
}

export interface HclNull extends ExprBase {
  kind: 'null';
}

export interface HclObjectItem {
  /** The key's name when it is written as a bare identifier (`Version = ...`). */
  name?: string;
  key: HclExpr;
  value: HclExpr;
}

export interface HclObject extends ExprBase {
  kind: 'object';
  items: HclObjectItem[];
}

export interface HclTuple extends ExprBase {
  kind: 'tuple';
  items: HclExpr[];
}

/** A traversal: `var.org`, `data.aws_iam_policy_document.trust[0].json` (an index part is `[0]`). */
export interface HclRef extends ExprBase {
  kind: 'ref';
  parts: string[];
}

export interface HclCall extends ExprBase {
  kind: 'call';
  name: string;
  args: HclExpr[];
}

/** Anything else: `for`, conditionals, operators, splats, traversals of calls. */
export interface HclOther extends ExprBase {
  kind: 'other';
}

export type HclExpr = HclString | HclNumber | HclBool | HclNull | HclObject | HclTuple | HclRef | HclCall | HclOther;

export interface HclParseResult {
  body?: HclBody;
  error?: ParseFailure;
}

/** Guards the recursion against a hostile file (thousands of nested brackets). */
const MAX_DEPTH = 400;

/** Parses a `.tf` file. Throws HclNotLoadedError when `loadHcl()` has not completed. */
export function parseHcl(text: string): HclParseResult {
  if (!parser) throw new HclNotLoadedError();
  const tree = parser.parse(text);
  if (!tree) return { error: { message: 'the file could not be parsed', offset: 0, length: 1 } };
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      const error = firstError(root);
      if (error) return { error };
    }
    const body = root.namedChildren.find((c) => c?.type === 'body');
    return { body: body ? new Converter(text).body(body) : { attributes: [], blocks: [], range: { start: 0, end: text.length } } };
  } finally {
    tree.delete();
  }
}

function kids(n: TsNode): TsNode[] {
  return n.children.filter((c): c is TsNode => !!c && c.type !== 'comment');
}

/**
 * The first syntax error: a token tree-sitter had to invent (MISSING), or the innermost ERROR node
 * (an outer ERROR often starts far before the problem: at the enclosing call or block).
 */
function firstError(n: TsNode): ParseFailure | undefined {
  if (n.isMissing) return { message: `'${n.type}' expected`, offset: n.startIndex, length: 1 };
  for (const c of n.children) {
    if (c && (c.hasError || c.isMissing || c.isError)) {
      const e = firstError(c);
      if (e) return e;
    }
  }
  if (!n.isError) return undefined;
  const text = n.text.split(/\r?\n/)[0].trim();
  const shown = text.length > 30 ? `${text.slice(0, 29)}…` : text;
  return { message: shown ? `unexpected '${shown}'` : 'unexpected input', offset: n.startIndex, length: Math.max(1, Math.min(text.length || 1, n.endIndex - n.startIndex)) };
}

const range = (n: TsNode): Range => ({ start: n.startIndex, end: n.endIndex });

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

class Converter {
  constructor(private readonly src: string) {}

  body(n: TsNode, depth = 0): HclBody {
    const out: HclBody = { attributes: [], blocks: [], range: range(n) };
    for (const c of kids(n)) {
      if (c.type === 'attribute') {
        const [id, , e] = kids(c);
        if (!id || !e) continue;
        out.attributes.push({ name: id.text, nameRange: range(id), expr: this.expr(e, depth + 1), range: range(c) });
      } else if (c.type === 'block') {
        const parts = kids(c);
        const type = parts[0];
        const labels: HclLabel[] = [];
        let inner: TsNode | undefined;
        for (const p of parts.slice(1)) {
          if (p.type === 'string_lit') labels.push({ value: this.quoted(p).text, range: range(p) });
          else if (p.type === 'identifier') labels.push({ value: p.text, range: range(p) });
          else if (p.type === 'body') inner = p;
        }
        const body = inner && depth < MAX_DEPTH ? this.body(inner, depth + 1) : { attributes: [], blocks: [], range: range(c) };
        out.blocks.push({ type: type.text, typeRange: range(type), labels, body, range: range(c) });
      }
    }
    return out;
  }

  private other(n: TsNode): HclOther {
    return { kind: 'other', range: range(n), text: this.src.slice(n.startIndex, n.endIndex) };
  }

  /** An `expression` node (or a node standing for one). */
  expr(n: TsNode, depth: number): HclExpr {
    if (depth > MAX_DEPTH) return this.other(n);
    if (n.type !== 'expression') return this.term(n, depth);
    const parts = kids(n);
    if (parts.length === 1) return this.term(parts[0], depth);
    if (parts.length === 3 && parts[0].type === '(' && parts[2].type === ')') {
      const inner = this.expr(parts[1], depth + 1);
      return { ...inner, paren: true };
    }
    // A traversal: variable_expr followed by attribute accesses and indexes.
    if (parts[0].type === 'variable_expr' && parts.slice(1).every((p) => p.type === 'get_attr' || p.type === 'index')) {
      const names = [parts[0].text];
      for (const p of parts.slice(1)) {
        if (p.type === 'get_attr') names.push(kids(p).find((k) => k.type === 'identifier')?.text ?? '');
        else {
          const idx = kids(p)[0];
          names.push(idx?.type === 'legacy_index' ? `[${idx.text.slice(1)}]` : `[${idx ? kids(idx)[1]?.text ?? '' : ''}]`);
        }
      }
      return { kind: 'ref', parts: names, range: range(n), text: n.text };
    }
    return this.other(n);
  }

  private term(n: TsNode, depth: number): HclExpr {
    const text = this.src.slice(n.startIndex, n.endIndex);
    switch (n.type) {
      case 'literal_value':
      case 'collection_value':
      case 'template_expr':
        return this.term(kids(n)[0] ?? n, depth);
      case 'string_lit':
      case 'quoted_template':
        return { kind: 'string', template: this.quoted(n), heredoc: false, range: range(n), text };
      case 'heredoc_template':
        return { kind: 'string', template: this.heredoc(n), heredoc: true, range: range(n), text };
      case 'numeric_lit':
        return { kind: 'number', value: Number(text), range: range(n), text };
      case 'bool_lit':
        return { kind: 'bool', value: text === 'true', range: range(n), text };
      case 'null_lit':
        return { kind: 'null', range: range(n), text };
      case 'variable_expr':
        return { kind: 'ref', parts: [text], range: range(n), text };
      case 'tuple':
        return { kind: 'tuple', items: kids(n).filter((k) => k.type === 'expression').map((k) => this.expr(k, depth + 1)), range: range(n), text };
      case 'object': {
        const items: HclObjectItem[] = [];
        for (const el of kids(n)) {
          if (el.type !== 'object_elem') continue;
          const k = el.childForFieldName('key');
          const v = el.childForFieldName('val');
          if (!k || !v) continue;
          const key = this.expr(k, depth + 1);
          const item: HclObjectItem = { key, value: this.expr(v, depth + 1) };
          // A bare identifier names the key; anything else (`(var.k)`, `a.b`) is an expression.
          const kk = kids(k);
          if (kk.length === 1 && kk[0].type === 'variable_expr') item.name = kk[0].text;
          items.push(item);
        }
        return { kind: 'object', items, range: range(n), text };
      }
      case 'function_call': {
        const parts = kids(n);
        const args = parts.find((p) => p.type === 'function_arguments');
        const expanded = args ? kids(args).some((a) => a.type === 'ellipsis') : false;
        if (expanded) return this.other(n);
        return {
          kind: 'call',
          name: parts[0].text,
          args: args ? kids(args).filter((a) => a.type === 'expression').map((a) => this.expr(a, depth + 1)) : [],
          range: range(n),
          text,
        };
      }
      default:
        return this.other(n);
    }
  }

  /** The regions of a template node: interpolations, and the markers of `%{ if }` / `%{ for }` directives. */
  private regions(n: TsNode, out: Array<{ node: TsNode; kind: 'interpolation' | 'directive'; expr?: HclExpr }>): void {
    for (const c of kids(n)) {
      switch (c.type) {
        case 'template_interpolation': {
          const e = kids(c).find((k) => k.type === 'expression');
          out.push({ node: c, kind: 'interpolation', expr: e ? this.expr(e, 1) : undefined });
          break;
        }
        case 'template_directive':
        case 'template_if':
        case 'template_for':
          this.regions(c, out);
          break;
        case 'template_if_intro':
        case 'template_else_intro':
        case 'template_if_end':
        case 'template_for_start':
        case 'template_for_end':
          out.push({ node: c, kind: 'directive' });
          break;
      }
    }
  }

  /** A quoted string: escapes decoded, each unit mapped to the file. */
  quoted(n: TsNode): TemplateText {
    const start = n.startIndex + 1;
    const end = Math.max(start, n.endIndex - 1);
    const regions: Array<{ node: TsNode; kind: 'interpolation' | 'directive'; expr?: HclExpr }> = [];
    this.regions(n, regions);
    return this.decode(start, end, regions, true);
  }

  /** A heredoc: the lines between the two markers, with no escapes but `$${` and `%%{`. */
  private heredoc(n: TsNode): TemplateText {
    const ids = kids(n).filter((k) => k.type === 'heredoc_identifier');
    const open = ids[0];
    const close = ids[ids.length - 1];
    let start = open ? open.endIndex : n.startIndex;
    while (start < this.src.length && this.src[start] !== '\n') start++;
    start = Math.min(this.src.length, start + 1);
    let end = close && close !== open ? close.startIndex : n.endIndex;
    while (end > start && (this.src[end - 1] === ' ' || this.src[end - 1] === '\t')) end--;
    const regions: Array<{ node: TsNode; kind: 'interpolation' | 'directive'; expr?: HclExpr }> = [];
    this.regions(n, regions);
    return this.decode(start, end, regions, false);
  }

  private decode(start: number, end: number, regions: Array<{ node: TsNode; kind: 'interpolation' | 'directive'; expr?: HclExpr }>, escapes: boolean): TemplateText {
    const src = this.src;
    const b = new TemplateTextBuilder();
    regions.sort((a, c) => a.node.startIndex - c.node.startIndex);
    let r = 0;
    let i = start;
    while (i < end) {
      const reg = regions[r];
      if (reg && i >= reg.node.startIndex) {
        b.region(reg.kind, src.slice(reg.node.startIndex, reg.node.endIndex), reg.node.startIndex, reg.expr);
        i = Math.max(i, reg.node.endIndex);
        r++;
        continue;
      }
      const c = src[i];
      if ((c === '$' || c === '%') && src[i + 1] === c && src[i + 2] === '{') {
        b.literal(c, i);
        b.literal('{', i + 2);
        i += 3;
        continue;
      }
      if (escapes && c === '\\' && i + 1 < end) {
        const e = src[i + 1];
        if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const hex = src.slice(i + 2, i + 2 + len);
          if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === len) {
            const cp = parseInt(hex, 16);
            b.literal(cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd', i);
            i += 2 + len;
            continue;
          }
        }
        b.literal(ESCAPES[e] ?? e, i);
        i += 2;
        continue;
      }
      b.literal(c, i);
      i++;
    }
    return b.build(end);
  }
}

/** The text of a literal string (no interpolations or directives), or undefined. */
export function literalString(e: HclExpr | undefined): string | undefined {
  return e?.kind === 'string' && e.template.regions.length === 0 ? e.template.text : undefined;
}
