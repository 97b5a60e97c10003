/**
 * Template text: a string whose value is partly literal and partly `${...}` interpolations and
 * `%{...}` directives (HCL quoted strings and heredocs, files rendered by Terraform's `templatefile()`).
 * The literal parts are decoded (escapes, `$${`, `%%{`) and every decoded UTF-16 unit keeps its offset
 * in the outer file; interpolations and directives are kept as regions, copied as written.
 *
 * Policy JSON written as a template is parsed by putting a placeholder of the same length in each
 * region (inside a JSON string: filler characters; elsewhere: a number, or blanks for a directive), so
 * that every position still maps to the file; the regions are then known as what they are: values the
 * file does not determine.
 */
import { parseJson, type ParseFailure } from './json.js';
import type { Range } from './source.js';
import type { Encoder, Node, ScalarNode } from './tree.js';
import type { HclExpr } from './hcl.js';

export interface TemplateRegion {
  kind: 'interpolation' | 'directive';
  /** Indices in the decoded text (the region's source is copied there unchanged). */
  start: number;
  end: number;
  /** Where the region is written in the outer file. */
  range: Range;
  /** The region as written: `${var.org}`, `%{ for s in subjects ~}`. */
  source: string;
  /** For an interpolation, the expression inside it. */
  expr?: HclExpr;
}

export interface TemplateText {
  /** The decoded text, regions included as written. */
  text: string;
  /** Outer-file offset of each UTF-16 unit of `text`, plus one final entry (where the text ends). */
  map: number[];
  regions: TemplateRegion[];
}

const WS = /[ \t\r\n]/;

/** Builds a TemplateText unit by unit, applying `~` strip markers as Terraform does. */
export class TemplateTextBuilder {
  private text = '';
  private readonly map: number[] = [];
  private readonly regions: TemplateRegion[] = [];
  /** Decoded text before this index belongs to a region (strip markers never eat into one). */
  private floor = 0;
  private stripNext = false;

  /** One decoded UTF-16 unit (or several, all mapped to `offset`). */
  literal(units: string, offset: number): void {
    for (let k = 0; k < units.length; k++) {
      if (this.stripNext && WS.test(units[k])) continue;
      this.stripNext = false;
      this.text += units[k];
      this.map.push(offset);
    }
  }

  region(kind: TemplateRegion['kind'], source: string, offset: number, expr?: HclExpr): void {
    this.regionAt(kind, source, Array.from(source, (_, k) => offset + k), offset + source.length, expr);
  }

  /** A region whose units sit at the given outer offsets (through the escapes of a string). */
  regionAt(kind: TemplateRegion['kind'], source: string, offsets: readonly number[], end: number, expr?: HclExpr): void {
    const inner = source.slice(2, -1);
    if (inner.startsWith('~')) {
      while (this.text.length > this.floor && WS.test(this.text[this.text.length - 1])) {
        this.text = this.text.slice(0, -1);
        this.map.pop();
      }
    }
    const start = this.text.length;
    for (let k = 0; k < source.length; k++) {
      this.text += source[k];
      this.map.push(offsets[k]);
    }
    const region: TemplateRegion = { kind, start, end: this.text.length, range: { start: offsets[0], end }, source };
    if (expr) region.expr = expr;
    this.regions.push(region);
    this.floor = this.text.length;
    this.stripNext = /~\s*$/.test(inner);
  }

  build(endOffset: number): TemplateText {
    return { text: this.text, map: [...this.map, endOffset], regions: this.regions };
  }
}

/**
 * Index of the `}` that closes a `${` / `%{` whose inside starts at `from`: nested braces and the
 * quoted strings of the expression are skipped. -1 when it is not closed.
 */
export function closingBrace(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** A template variable (`${org}`) or anything else, from the text inside `${...}` of a template file. */
function templateExpr(source: string, offset: number): HclExpr {
  const inner = source.slice(2, -1).replace(/^\s*~?|~?\s*$/g, '').trim();
  const range = { start: offset, end: offset + source.length };
  if (/^[A-Za-z_][\w-]*$/.test(inner)) return { kind: 'ref', parts: [inner], range, text: inner };
  return { kind: 'other', range, text: inner };
}

/**
 * A whole file rendered by `templatefile()` (`*.json.tpl`, `*.tftpl`, `*.json.tmpl`): `${...}` and
 * `%{...}` are regions, `$${` and `%%{` stand for `${` and `%{`. Offsets are the file's own.
 */
export function scanTemplateFile(text: string): TemplateText {
  return scanTemplateUnits(text);
}

/**
 * A Terraform template: `${...}` and `%{...}` are regions, `$${` and `%%{` literal. `map`: the outer
 * offset of each unit of `text` and one past its end, when the text was decoded from a string (a
 * `.tf.json` policy); without it, offsets are the text's own.
 */
export function scanTemplateUnits(text: string, map?: readonly number[]): TemplateText {
  const at = (k: number) => (map ? map[k] : k);
  const b = new TemplateTextBuilder();
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      b.literal(text[i], at(i));
      b.literal('{', at(i + 2));
      i += 3;
      continue;
    }
    if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      const end = closingBrace(text, i + 2);
      if (end >= 0) {
        const source = text.slice(i, end + 1);
        const offsets = map ? map.slice(i, end + 1) : Array.from(source, (_, k) => i + k);
        const expr = text[i] === '$' ? templateExpr(source, at(i)) : undefined;
        b.regionAt(text[i] === '$' ? 'interpolation' : 'directive', source, offsets, at(end) + 1, expr);
        i = end + 1;
        continue;
      }
    }
    b.literal(text[i], at(i));
    i++;
  }
  return b.build(map ? (map[text.length] ?? at(text.length - 1) + 1) : text.length);
}

/** What a region of a parsed template became in the JSON tree. */
export interface TemplatedJson {
  root?: Node;
  error?: ParseFailure;
  template: TemplateText;
  /** The text that was parsed: the decoded text with a placeholder in each region. */
  parsed: string;
  /** Outer offset → index in `parsed` (the map is one-to-one). */
  innerOf: Map<number, number>;
  /** Items added for a directive in a list: they stand for the items it may add or remove. */
  synthetic: WeakSet<Node>;
  /** Objects with a directive among their members: nothing about their keys is known. */
  opaque: WeakSet<Node>;
  /**
   * Some region stands outside JSON strings (`"Action": ${jsonencode(x)}`, a `%{ for }` loop): what it
   * renders may complete the JSON. When every region is inside a string, a JSON error is the text's own.
   */
  regionsOutsideStrings: boolean;
}

/**
 * Parses policy JSON written as a template. `strict`: plain JSON as IAM reads it (the text has no
 * regions); a template is read leniently, since a `%{ for }` loop may leave a trailing comma.
 */
export function parseTemplatedJson(tpl: TemplateText, encoders: Encoder[], strict: boolean): TemplatedJson {
  const { text, regions } = tpl;
  let out = '';
  let inString = false;
  let r = 0;
  const outside: TemplateRegion[] = [];
  for (let i = 0; i < text.length; ) {
    const reg = regions[r];
    if (reg && i === reg.start) {
      const len = reg.end - reg.start;
      // A letter of its own per region (private use), so that two placeholders never read as equal keys.
      if (inString) out += String.fromCharCode(0xe000 + (r % 0x1900)).repeat(len);
      else {
        outside.push(reg);
        out += reg.kind === 'interpolation' ? '0' + ' '.repeat(len - 1) : ' '.repeat(len);
      }
      i = reg.end;
      r++;
      continue;
    }
    const c = text[i];
    if (inString) {
      if (c === '\\' && !(reg && i + 1 === reg.start) && i + 1 < text.length) {
        out += c + text[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    out += c;
    i++;
  }
  const innerOf = new Map<number, number>();
  tpl.map.forEach((o, i) => {
    if (!innerOf.has(o)) innerOf.set(o, i);
  });
  const result: TemplatedJson = { template: tpl, parsed: out, innerOf, synthetic: new WeakSet(), opaque: new WeakSet(), regionsOutsideStrings: outside.length > 0 };
  const parsed = parseJson(out, tpl.map, encoders, strict);
  if (parsed.error) {
    result.error = parsed.error;
    return result;
  }
  result.root = parsed.root;
  if (parsed.root) {
    for (const reg of outside) if (reg.kind === 'directive') markDirective(parsed.root, reg, result);
  }
  return result;
}

/** The innermost list or object around a directive learns that its members are not all known. */
function markDirective(root: Node, reg: TemplateRegion, t: TemplatedJson): void {
  const pos = reg.range.start;
  const inside = (n: Node) => n.range.start <= pos && pos < n.range.end;
  let node: Node | undefined = inside(root) ? root : undefined;
  while (node) {
    const children: Node[] = node.type === 'array' ? node.items : node.type === 'object' ? node.entries.map((e) => e.value) : [];
    const next: Node | undefined = children.find(inside);
    if (!next || next.type === 'scalar') break;
    node = next;
  }
  if (!node) return;
  if (node.type === 'array') {
    const item: ScalarNode = { type: 'scalar', value: reg.source, style: 'json-literal', range: reg.range };
    node.items.push(item);
    t.synthetic.add(item);
  } else if (node.type === 'object') {
    t.opaque.add(node);
  }
}
