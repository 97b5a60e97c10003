/**
 * The syntax-neutral located tree that every parser produces. JSON, YAML and JSON embedded in a
 * string all become the same three node kinds, each with its exact range in the *outer* file.
 */
import type { Range } from './source.js';

export type Node = ObjectNode | ArrayNode | ScalarNode;

/** How a scalar is written, so that a fix can write a replacement in the same style. */
export type ScalarStyle =
  | 'json-string'
  | 'json-literal'
  | 'yaml-plain'
  | 'yaml-single'
  | 'yaml-double'
  | 'yaml-block'
  | 'yaml-tagged';

/** Turns the text of a value into the characters that go into the file (escaping for each layer). */
export type Encoder = (text: string) => string;

interface NodeBase {
  range: Range;
  /** Set on nodes that come from JSON embedded in a string: each layer's escaping, innermost first. */
  encoders?: Encoder[];
}

export interface ObjectNode extends NodeBase {
  type: 'object';
  entries: Entry[];
  /** For a CloudFormation short-form tag (`!Ref x`), the tag's own range. */
  tagRange?: Range;
}

export interface Entry {
  key: string;
  keyRange: Range;
  /** How the key is written (for fixes that rename it). */
  keyStyle?: ScalarStyle;
  value: Node;
}

export interface ArrayNode extends NodeBase {
  type: 'array';
  items: Node[];
  flow?: boolean;
}

export interface ScalarNode extends NodeBase {
  type: 'scalar';
  value: string | number | boolean | null;
  style: ScalarStyle;
  /** Source text of a number, whose parsed value may have lost digits (`012345678901`). */
  raw?: string;
  /** For a scalar under a CloudFormation short-form tag, the tag's range. */
  tagRange?: Range;
}

/** The last entry with this key (JSON parsers and IAM keep the last of duplicated keys). */
export function getEntry(node: Node | undefined, key: string): Entry | undefined {
  if (!node || node.type !== 'object') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i].key === key) return node.entries[i];
  return undefined;
}

export function get(node: Node | undefined, key: string): Node | undefined {
  return getEntry(node, key)?.value;
}

/** The last entry whose key equals `key` ignoring case. */
export function getEntryIgnoreCase(node: Node | undefined, key: string): Entry | undefined {
  if (!node || node.type !== 'object') return undefined;
  const k = key.toLowerCase();
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i].key.toLowerCase() === k) return node.entries[i];
  return undefined;
}

export function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/** Does a key appear twice among these entries? Small objects are compared pair by pair, without allocating. */
export function repeatsKey(entries: readonly Entry[]): boolean {
  const n = entries.length;
  if (n <= 12) {
    for (let i = 1; i < n; i++) {
      const key = entries[i].key;
      for (let j = 0; j < i; j++) if (entries[j].key === key) return true;
    }
    return false;
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.key)) return true;
    seen.add(e.key);
  }
  return false;
}

/**
 * The entries of an object, last one winning for repeated keys, in source order of the winners:
 * the object's own list when no key repeats (the usual case), so do not change it.
 */
export function uniqueEntries(node: Node | undefined): readonly Entry[] {
  if (!node || node.type !== 'object') return [];
  if (!repeatsKey(node.entries)) return node.entries;
  const last = new Map<string, Entry>();
  for (const e of node.entries) last.set(e.key, e);
  return node.entries.filter((e) => last.get(e.key) === e);
}

/** A one-element list for a scalar or object, the items of an array. */
export function asList(node: Node | undefined): Node[] {
  if (!node) return [];
  return node.type === 'array' ? node.items : [node];
}
