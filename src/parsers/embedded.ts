/**
 * JSON held in a string of another file (a Terraform `assume_role_policy`, a CloudFormation policy
 * given as a string, a `!Sub |` block). The inner tree's ranges are offsets in the outer file,
 * escapes accounted for, and its nodes carry the encoders that write a value back through each layer.
 */
import { jsonStringContent, jsonStringOffsets, parseJson, MAX_NESTING, type JsonParseResult } from './json.js';
import { yamlScalarOffsets } from './yaml.js';
import { parseJsonFast } from './json-fast.js';
import type { Encoder, ScalarNode } from './tree.js';
import type { SourceFile } from './source.js';
import { parseTemplatedJson, scanTemplateUnits, type TemplatedJson } from './template.js';

const yamlSingle: Encoder = (s) => s.replace(/'/g, "''");
const identity: Encoder = (s) => s;

function layerEncoder(node: ScalarNode): Encoder {
  switch (node.style) {
    case 'json-string':
    case 'yaml-double':
      return jsonStringContent;
    case 'yaml-single':
      return yamlSingle;
    default:
      return identity;
  }
}

/**
 * Outer-file offsets of the decoded units of a string, kept compact: runs of units written one
 * character each (the usual case) are one anchor, so only escapes cost an entry. Unit `k` of the
 * decoded text sits at `offsets[j] + (k - units[j])` for the last anchor `j` with `units[j] <= k`;
 * index `value.length` is where the string ends.
 */
export class OffsetMap {
  private readonly units: number[] = [];
  private readonly offsets: number[] = [];
  private cursor = 0;

  constructor(
    /** The decoded text. */
    readonly value: string,
  ) {}

  /** Unit `unit` and the ones after it (until the next anchor) are at `offset`, `offset + 1`, ... */
  anchor(unit: number, offset: number): void {
    const n = this.units.length;
    // Implied by the run before it: nothing to record.
    if (n > 0 && this.offsets[n - 1] + (unit - this.units[n - 1]) === offset) return;
    if (n > 0 && this.units[n - 1] === unit) {
      this.offsets[n - 1] = offset;
      return;
    }
    this.units.push(unit);
    this.offsets.push(offset);
  }

  /** The outer offset of unit `k`, clamped to `0..value.length` as the full map would be. */
  at(k: number): number {
    const { units, offsets } = this;
    const unit = k < 0 ? 0 : k > this.value.length ? this.value.length : k;
    let j = this.cursor;
    // Lookups mostly move forward: walk from the last one.
    while (j + 1 < units.length && units[j + 1] <= unit) j++;
    while (j > 0 && units[j] > unit) j--;
    this.cursor = j;
    return offsets[j] + (unit - units[j]);
  }

  /** Every unit's offset, plus the end (the shape `parseJson` takes). */
  toArray(): number[] {
    const out = new Array<number>(this.value.length + 1);
    for (let k = 0; k <= this.value.length; k++) out[k] = this.at(k);
    return out;
  }

  /** From a full map (one offset per unit, plus the end). */
  static fromArray(value: string, map: readonly number[]): OffsetMap {
    const m = new OffsetMap(value);
    for (let k = 0; k <= value.length; k++) m.anchor(k, map[k]);
    return m;
  }
}

/**
 * The offsets of a JSON string literal starting at `start` (its opening quote) in `text`, when it
 * decodes to `expected`; undefined otherwise. Decodes as `jsonStringOffsets` of parsers/json.ts does.
 */
function jsonStringMap(text: string, start: number, expected: string): OffsetMap | undefined {
  if (text.charCodeAt(start) !== 34) return undefined;
  // Escapes are found with `indexOf`, and the decoded text is compared with `JSON.parse`'s (which
  // decodes valid JSON as jsonStringOffsets does); anything else goes through jsonStringOffsets.
  const m = new OffsetMap(expected);
  m.anchor(0, start + 1);
  let k = 0;
  let i = start + 1;
  let close = text.indexOf('"', i);
  let escape = text.indexOf('\\', i);
  for (;;) {
    if (close < 0) return undefined;
    if (escape < 0 || escape > close) break;
    k += escape - i + 1;
    i = escape + (text.charCodeAt(escape + 1) === 117 ? 6 : 2);
    m.anchor(k, i);
    if (close < i) close = text.indexOf('"', i);
    escape = text.indexOf('\\', i);
  }
  k += close - i;
  if (k !== expected.length) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(text.slice(start, close + 1));
  } catch {
    // Not valid JSON (a bad escape, a raw control character): decoded unit by unit.
    const full = jsonStringOffsets(text, start);
    return full && full.value === expected ? OffsetMap.fromArray(expected, full.map) : undefined;
  }
  return decoded === expected ? m : undefined;
}

/** Decoded text of a string scalar and the outer-file offset of each of its UTF-16 units. */
export function scalarOffsetMap(file: SourceFile, node: ScalarNode): OffsetMap | undefined {
  if (typeof node.value !== 'string') return undefined;
  let mapped: OffsetMap | undefined;
  if (node.encoders && node.encoders.length > 0) {
    // A string inside a string: positions are mapped to where the inner literal starts.
    mapped = undefined;
  } else if (node.style === 'json-string') {
    mapped = jsonStringMap(file.text, node.range.start, node.value);
  } else {
    const y = yamlScalarOffsets(file.text, node);
    if (y && y.value === node.value) mapped = OffsetMap.fromArray(y.value, y.map);
  }
  if (mapped) return mapped;
  // Fallback: every position maps to the start of the string value, its end to the end.
  const map = new Array<number>(node.value.length).fill(node.range.start);
  map.push(node.range.end);
  return OffsetMap.fromArray(node.value, map);
}

/** Decoded text of a string scalar and the outer-file offset of each of its UTF-16 units. */
export function scalarOffsets(file: SourceFile, node: ScalarNode): { value: string; map: number[] } | undefined {
  const m = scalarOffsetMap(file, node);
  return m && { value: m.value, map: m.toArray() };
}

/**
 * JSON written as a Terraform template inside a string (`.tf.json`): parsed with its `${...}` regions
 * as placeholders, so that an interpolation holding quotes (`"${format(\"%s\", var.x)}"`) does not
 * break the JSON around it. Undefined when the string has no offsets to map.
 */
export function parseEmbeddedTemplate(file: SourceFile, node: ScalarNode): TemplatedJson | undefined {
  const offsets = scalarOffsetMap(file, node);
  if (!offsets) return undefined;
  const tpl = scanTemplateUnits(offsets.value, offsets.toArray());
  return parseTemplatedJson(tpl, [layerEncoder(node), ...(node.encoders ?? [])], false);
}

export function parseEmbeddedJson(file: SourceFile, node: ScalarNode, text?: string): JsonParseResult {
  const offsets = scalarOffsetMap(file, node);
  if (!offsets) return {};
  // The inner JSON's own quoting is written by the fixer; these are the outer layers, innermost first.
  const encoders = [layerEncoder(node), ...(node.encoders ?? [])];
  if (text === undefined) {
    // Plain JSON, as nearly every policy is, takes the fast path (parsers/json-fast.ts).
    const root = parseJsonFast(offsets.value, MAX_NESTING, (k) => offsets.at(k), encoders);
    if (root) return { root };
  }
  // Not plain JSON (or not only): the full parser finds the error and its position.
  return parseJson(text ?? offsets.value, offsets.toArray(), encoders, true);
}
