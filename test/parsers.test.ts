import { describe, expect, it } from 'vitest';
import { parseYaml, yamlScalarOffsets } from '../src/parsers/yaml.js';
import { jsonStringOffsets, parseJson } from '../src/parsers/json.js';
import { parseEmbeddedJson } from '../src/parsers/embedded.js';
import { SourceFile } from '../src/parsers/source.js';
import { get, type Node, type ScalarNode } from '../src/parsers/tree.js';

const slice = (text: string, n: Node | undefined) => (n ? text.slice(n.range.start, n.range.end) : undefined);

describe('SourceFile', () => {
  it('maps offsets to 1-based lines and UTF-16 columns for LF, CRLF and CR', () => {
    const f = new SourceFile('f', 'ab\r\ncd\ref\nü😀x');
    expect(f.position(0)).toEqual({ line: 1, column: 1 });
    expect(f.position(4)).toEqual({ line: 2, column: 1 });
    expect(f.position(7)).toEqual({ line: 3, column: 1 });
    expect(f.position(13)).toEqual({ line: 4, column: 4 }); // ü (1 unit) + 😀 (2 units)
    expect(f.lineText(2)).toBe('cd');
    expect(f.offset(3, 2)).toBe(8);
  });
});

describe('YAML with CloudFormation tags', () => {
  const text = `Resources:
  R:
    Properties:
      A: !Ref Param
      B: !GetAtt Oidc.Arn
      C: !Sub
        - "repo:\${Org}/*"
        - { Org: acme }
      D: !If [Cond, x, !Ref AWS::NoValue]
      E: 012345678901
`;
  const { documents, error } = parseYaml(text);
  const props = get(get(get(documents[0], 'Resources'), 'R'), 'Properties');

  it('maps every short-form tag to its long form, the tag range becoming the key range', () => {
    expect(error).toBeUndefined();
    const a = get(props, 'A')!;
    expect(a.type === 'object' && a.entries[0].key).toBe('Ref');
    expect(a.type === 'object' && text.slice(a.entries[0].keyRange.start, a.entries[0].keyRange.end)).toBe('!Ref');
    expect(slice(text, get(a, 'Ref'))).toBe('Param');
    expect(slice(text, get(get(props, 'B'), 'Fn::GetAtt'))).toBe('Oidc.Arn');
    const sub = get(get(props, 'C'), 'Fn::Sub');
    expect(sub?.type).toBe('array');
    expect(slice(text, sub?.type === 'array' ? sub.items[0] : undefined)).toBe('"repo:${Org}/*"');
    const ifNode = get(get(props, 'D'), 'Fn::If');
    expect(ifNode?.type === 'array' && get(ifNode.items[2], 'Ref')).toMatchObject({ value: 'AWS::NoValue' });
  });

  it('keeps the digits of numbers that look like account ids', () => {
    expect(get(props, 'E')).toMatchObject({ value: 12345678901, raw: '012345678901' });
  });

  it('reports a syntax error at its position', () => {
    const bad = 'Resources:\n  R:\n    Type: AWS::IAM::Role\n   Properties: [\n';
    const r = parseYaml(bad);
    expect(r.error).toBeDefined();
    expect(new SourceFile('f', bad).position(r.error!.offset).line).toBeGreaterThanOrEqual(4);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const r = parseYaml(lines.join('\n'));
    expect(r.error?.message).toMatch(/alias/);
  });
});

describe('strings that hold JSON', () => {
  it('maps each decoded character of a JSON string to its offset, escapes included', () => {
    const text = 'x = "a\\"b\\u0041\\\\c"';
    const m = jsonStringOffsets(text, 4)!;
    expect(m.value).toBe('a"bA\\c');
    expect(m.map).toEqual([5, 6, 8, 9, 15, 17, 18]);
  });

  it('maps a YAML block scalar line by line', () => {
    const text = 'P: |\n  {"a":\n    "b"}\nQ: 1\n';
    const node = get(parseYaml(text).documents[0], 'P') as ScalarNode;
    const m = yamlScalarOffsets(text, node)!;
    expect(m.value).toBe('{"a":\n  "b"}\n');
    expect(text[m.map[0]]).toBe('{');
    expect(text[m.map[6]]).toBe(' ');
    expect(m.map[8]).toBe(text.indexOf('"b"'));
  });

  it('parses a policy in a JSON string with ranges in the outer file', () => {
    const text = '{"policy": "{\\"Action\\": \\"s3:GetObjet\\"}"}';
    const outer = parseJson(text).root!;
    const file = new SourceFile('f.json', text);
    const inner = parseEmbeddedJson(file, get(outer, 'policy') as ScalarNode).root!;
    expect(slice(text, get(inner, 'Action'))).toBe('\\"s3:GetObjet\\"');
  });

  it('parses a policy in a single-quoted YAML string', () => {
    const text = "P: '{\"Action\": \"it''s\"}'\n";
    const file = new SourceFile('f.yaml', text);
    const inner = parseEmbeddedJson(file, get(parseYaml(text).documents[0], 'P') as ScalarNode).root!;
    expect(slice(text, get(inner, 'Action'))).toBe(`"it''s"`);
  });
});

describe('JSON', () => {
  it('reports the first syntax error with its offset', () => {
    const r = parseJson('{\n  "a": 1,\n  "b" 2\n}');
    expect(r.error).toEqual({ message: "':' expected", offset: 18, length: 1 });
  });

  it('keeps duplicate keys (the last one wins in lookups)', () => {
    const root = parseJson('{"k": 1, "k": 2}').root!;
    expect(root.type === 'object' && root.entries.length).toBe(2);
    expect(get(root, 'k')).toMatchObject({ value: 2 });
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const r = parseJson('['.repeat(100_000) + ']'.repeat(100_000));
    expect(r.error?.message).toMatch(/nesting deeper than/);
  });

  it('accepts comments and trailing commas (JSONC)', () => {
    expect(parseJson('{\n // c\n "a": [1,],\n}').error).toBeUndefined();
  });
});
