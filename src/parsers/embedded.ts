/**
 * JSON held in a string of another file (a Terraform `assume_role_policy`, a CloudFormation policy
 * given as a string, a `!Sub |` block). The inner tree's ranges are offsets in the outer file,
 * escapes accounted for, and its nodes carry the encoders that write a value back through each layer.
 */
import { jsonStringContent, jsonStringOffsets, parseJson, type JsonParseResult } from './json.js';
import { yamlScalarOffsets } from './yaml.js';
import type { Encoder, ScalarNode } from './tree.js';
import type { SourceFile } from './source.js';

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

/** Decoded text of a string scalar and the outer-file offset of each of its UTF-16 units. */
export function scalarOffsets(file: SourceFile, node: ScalarNode): { value: string; map: number[] } | undefined {
  if (typeof node.value !== 'string') return undefined;
  let mapped: { value: string; map: number[] } | undefined;
  if (node.encoders && node.encoders.length > 0) {
    // A string inside a string: positions are mapped to where the inner literal starts.
    mapped = undefined;
  } else if (node.style === 'json-string') {
    mapped = jsonStringOffsets(file.text, node.range.start);
  } else {
    mapped = yamlScalarOffsets(file.text, node);
  }
  if (mapped && mapped.value === node.value) return mapped;
  // Fallback: every position maps to the start of the string value, its end to the end.
  const map = new Array<number>(node.value.length).fill(node.range.start);
  map.push(node.range.end);
  return { value: node.value, map };
}

export function parseEmbeddedJson(file: SourceFile, node: ScalarNode, text?: string): JsonParseResult {
  const offsets = scalarOffsets(file, node);
  if (!offsets) return {};
  // The inner JSON's own quoting is written by the fixer; these are the outer layers, innermost first.
  const encoders = [layerEncoder(node), ...(node.encoders ?? [])];
  return parseJson(text ?? offsets.value, offsets.map, encoders, true);
}
