import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonStringContent, jsonStringOffsets, parseJson } from '../src/parsers/json.js';
import { parseYaml, yamlScalarOffsets } from '../src/parsers/yaml.js';
import { OffsetMap, parseEmbeddedJson, scalarOffsets } from '../src/parsers/embedded.js';
import { SourceFile } from '../src/parsers/source.js';
import { get, type Node, type ScalarNode } from '../src/parsers/tree.js';

/** What `parseEmbeddedJson` gave before it had a reader of its own: a full offset map and `parseJson`. */
function reference(file: SourceFile, node: ScalarNode): ReturnType<typeof parseJson> {
  const value = node.value as string;
  let mapped = node.style === 'json-string' ? jsonStringOffsets(file.text, node.range.start) : yamlScalarOffsets(file.text, node);
  if (!mapped || mapped.value !== value) {
    mapped = { value, map: [...new Array<number>(value.length).fill(node.range.start), node.range.end] };
  }
  return parseJson(mapped.value, mapped.map, [layer(node)], true);
}

/** Stand-ins for the encoder of each layer, compared by name. */
const yamlSingle = (s: string) => s;
const identity = (s: string) => s;
const layer = (node: ScalarNode) => (node.style === 'json-string' || node.style === 'yaml-double' ? jsonStringContent : node.style === 'yaml-single' ? yamlSingle : identity);

/** Trees compared as data (encoders by name: each layer's function is the same one). */
const plain = (r: unknown) => JSON.parse(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'function' ? `fn:${(v as { name: string }).name}` : v)));

function inJsonString(inner: string): { file: SourceFile; node: ScalarNode } {
  const text = `{"policy": ${JSON.stringify(inner)}}`;
  const file = new SourceFile('f.tf.json', text);
  return { file, node: get(parseJson(text).root, 'policy') as ScalarNode };
}

const CASES = [
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}',
  '{\n  "Statement": {\n    "Effect": "Allow",\n    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},\n    "Condition": {"StringLike": {"x:sub": "repo:a/*"}}\n  }\n}',
  '{"a": [1, -2.5e+3, 0, 1E9, true, false, null, "\\u00e9\\n\\t\\"\\\\\\/"], "b": {}, "c": []}',
  '{"a": "x", "a": "y"}',
  '"{\\"Statement\\": []}"',
  '  {"a" : 1 }  ',
  '{"a": 1,}',
  '{"a": 1} // comment',
  '{"a": 01}',
  '{"a": 1.}',
  '{"a": -}',
  '{"a": tru}',
  '{"a": "\\x"}',
  '{"a": "\\u12"}',
  '{"a": "tab\there"}',
  '{"a" 1}',
  '{"a": [1 2]}',
  '[' + '['.repeat(300) + ']'.repeat(300) + ']',
  '',
  '   ',
  '{"é": "😀 ü"}',
];

describe('policies in JSON strings', () => {
  it('reads each case as parseJson does over the full offset map', () => {
    for (const inner of CASES) {
      const { file, node } = inJsonString(inner);
      expect(plain(parseEmbeddedJson(file, node)), inner).toEqual(plain(reference(file, node)));
    }
  });

  it('reads YAML strings (plain, quoted, block) as before', () => {
    const texts = [
      'P: |\n  {"Statement": [\n    {"Effect": "Allow", "Action": "s3:*"}\n  ]}\nQ: 1\n',
      'P: |-\n    {"a": "b"}\n',
      "P: '{\"Action\": \"it''s\"}'\n",
      'P: "{\\"Action\\": \\"s3:*\\", \\"u\\": \\"\\u00e9\\"}"\n',
      'P: {"a": 1}\n',
      'P: >\n  {"a":\n  1}\n',
    ];
    for (const text of texts) {
      const file = new SourceFile('f.yaml', text);
      const node = get(parseYaml(text).documents[0], 'P') as Node;
      if (node.type !== 'scalar' || typeof node.value !== 'string') continue;
      expect(plain(parseEmbeddedJson(file, node)), text).toEqual(plain(reference(file, node)));
    }
  });

  it('agrees with parseJson on any JSON, and on JSON with a character changed', () => {
    const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v, null, 1) ?? 'null');
    const mutated = fc.tuple(json, fc.nat(), fc.constantFrom('', ',', '"', '\\', '}', ']', ' ', '\n', '\t', '0', '-', '.', 'e', '\u0001', '/'))
      .map(([s, i, c]) => s.slice(0, i % (s.length + 1)) + c + s.slice((i % (s.length + 1)) + 1));
    fc.assert(
      fc.property(fc.oneof(json, mutated), (inner) => {
        const { file, node } = inJsonString(inner);
        expect(plain(parseEmbeddedJson(file, node))).toEqual(plain(reference(file, node)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the full offset map of a string, escapes included', () => {
    const text = 'x = "a\\"b\\u0041\\\\c"';
    const node: ScalarNode = { type: 'scalar', value: 'a"bA\\c', style: 'json-string', range: { start: 4, end: 19 } };
    expect(scalarOffsets(new SourceFile('f', text), node)).toEqual({ value: 'a"bA\\c', map: [5, 6, 8, 9, 15, 17, 18] });
  });
});

describe('offsets of a JSON string', () => {
  /** The full map as parsers/json.ts makes it, or the fallback (every unit at the start). */
  function referenceOffsets(text: string, node: ScalarNode) {
    const value = node.value as string;
    const m = jsonStringOffsets(text, node.range.start);
    if (m && m.value === value) return m;
    return { value, map: [...new Array<number>(value.length).fill(node.range.start), node.range.end] };
  }

  it('maps any literal, valid JSON or not, as jsonStringOffsets does', () => {
    const literal = fc.array(fc.constantFrom('a', 'b', '"', '\\', 'u', '0', 'F', 'n', 'x', '/', '\n', '\u0001', 'é'), { maxLength: 24 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(literal, fc.boolean(), (body, decodedValue) => {
        const text = `x = "${body}`;
        const decoded = jsonStringOffsets(text, 4)?.value;
        const value = decodedValue && decoded !== undefined ? decoded : body;
        const node: ScalarNode = { type: 'scalar', value, style: 'json-string', range: { start: 4, end: text.length } };
        expect(scalarOffsets(new SourceFile('f', text), node)).toEqual(referenceOffsets(text, node));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('OffsetMap', () => {
  it('answers lookups in any order', () => {
    const full = [3, 4, 5, 9, 10, 20, 20, 21];
    const m = OffsetMap.fromArray('abcdefg', full);
    expect(m.toArray()).toEqual(full);
    for (const k of [7, 0, 5, 2, 6, 1, 3, 4, -1, 9]) expect(m.at(k)).toBe(full[Math.max(0, Math.min(k, 7))]);
  });
});
