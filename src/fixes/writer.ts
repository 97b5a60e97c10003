/**
 * Writes a value into the file in the syntax of the place it goes: JSON string, YAML plain or quoted
 * scalar, and through every layer of a JSON string embedded in another file. Rules never quote by hand.
 */
import type { Edit } from '../engine/diagnostic.js';
import type { Node, ScalarStyle } from '../parsers/tree.js';
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
