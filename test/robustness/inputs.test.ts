/**
 * Issue 9, bad-input catalogue: every hostile input gets a clear, located finding (or is linted
 * correctly), never an exception, a stack trace or a hang. Files are generated in a temporary
 * directory and read from disk, as the CLI reads them (encodings and size checks included).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFile, encodeText, Linter } from '../../src/linter.js';
import { parseJson } from '../../src/parsers/json.js';
import { parseYaml } from '../../src/parsers/yaml.js';
import { SourceFile } from '../../src/parsers/source.js';
import { formatStylish } from '../../src/formatters/stylish.js';
import { summarize } from '../../src/linter.js';
import { at, covered, HOSTILE, mismatches, tempDir, TRUST_CFN, TRUST_JSON } from './hostile.js';

const dir = tempDir();
const linter = new Linter();

async function lintBytes(name: string, bytes: Buffer | string, explicit = true) {
  writeFileSync(join(dir, name), bytes);
  return linter.lintFile(join(dir, name), name, explicit);
}

/** The findings as `rule line:col-line:col message`, for comparing two readings of one policy. */
const shape = (ds: Array<{ ruleId: string; range: { start: { line: number; column: number }; end: { line: number; column: number } }; message: string }>) =>
  ds.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.message}`);

describe('the hostile catalogue: each file gets its located finding', () => {
  it.each(HOSTILE.map((h) => [h.name, h] as const))('%s', async (_, h) => {
    const started = Date.now();
    const r = await lintBytes(h.name, h.bytes());
    expect(mismatches(r.diagnostics, h.expect)).toEqual([]);
    // Located: a position inside the text that was read, and no stack trace in any message.
    for (const d of r.diagnostics) {
      expect(d.message).not.toMatch(/\n\s+at |Error:|Maximum call stack/);
      if (r.text !== undefined) {
        const f = new SourceFile(h.name, r.text);
        expect(d.offsets.end).toBeLessThanOrEqual(r.text.length);
        expect(f.position(d.offsets.start)).toEqual(d.range.start);
      }
    }
    // Bounded work: even the 100,000-level and alias-bomb files take well under the test timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('encodings', () => {
  const plainJson = shape(linter.lintText('p.json', TRUST_JSON).diagnostics);
  const plainCfn = shape(linter.lintText('p.yaml', TRUST_CFN).diagnostics);

  it('the reference policies have their two findings', () => {
    expect(plainJson).toHaveLength(2);
    expect(plainCfn).toHaveLength(2);
  });

  it.each([
    ['UTF-8 with BOM', 'utf-8-bom'],
    ['UTF-16 LE with BOM', 'utf-16le'],
    ['UTF-16 BE with BOM', 'utf-16be'],
  ] as const)('%s: the same findings at the same lines and columns as UTF-8', async (_, encoding) => {
    expect(shape((await lintBytes(`enc-${encoding}.json`, encodeText(TRUST_JSON, encoding))).diagnostics)).toEqual(plainJson);
    expect(shape((await lintBytes(`enc-${encoding}.yaml`, encodeText(TRUST_CFN, encoding))).diagnostics)).toEqual(plainCfn);
  });

  it('a UTF-16 file with a broken character is refused where it breaks', async () => {
    const broken = Buffer.concat([encodeText('{"Statement": [', 'utf-16le'), Buffer.from([0x00, 0xd8]), Buffer.from('x]}', 'utf16le')]);
    const r = await lintBytes('broken16.json', broken);
    expect(r.diagnostics.map(at)).toEqual(['parse-error 1:16']);
    expect(r.diagnostics[0].message).toMatch(/^File is not valid UTF-16LE/);
    const odd = await lintBytes('odd16.json', Buffer.concat([encodeText('{"Statement": []}', 'utf-16be'), Buffer.from([0x41])]));
    expect(odd.diagnostics[0].message).toMatch(/^File is not valid UTF-16BE/);
  });

  it('finds the first byte that is not UTF-8: overlong forms, surrogates, code points past U+10FFFF, truncated sequences', () => {
    const cases: Array<[number[], number]> = [
      [[0x61, 0xc0, 0x80], 1], // overlong NUL
      [[0x61, 0x62, 0xed, 0xa0, 0x80], 2], // UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
      [[0x61, 0xe2, 0x82], 1], // truncated at the end
      [[0xc3, 0xa9, 0x0a, 0x80], 3], // a lone continuation byte on line 2
      [[0xe2, 0x82, 0xac, 0xff], 3],
    ];
    for (const [bytes, bad] of cases) {
      const d = decodeFile(Buffer.from(bytes));
      expect(d.ok, bytes.join(',')).toBe(false);
      if (!d.ok) expect(d.message).toContain(`0x${bytes[bad].toString(16).toUpperCase()}`);
    }
    const e = decodeFile(Buffer.from([0xc3, 0xa9, 0x0a, 0x80]));
    expect(!e.ok && new SourceFile('f', e.text).position(e.offset)).toEqual({ line: 2, column: 1 });
    expect(decodeFile(Buffer.from('é😀\u{10FFFF}', 'utf8'))).toEqual({ ok: true, text: 'é😀\u{10FFFF}', encoding: 'utf-8' });
  });

  it('an undecodable or binary file is reported when it looks like a policy, skipped when not (as a syntax error is)', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect((await lintBytes('logo.json', png, false)).diagnostics).toEqual([]);
    expect((await lintBytes('logo2.json', png, true)).diagnostics).toEqual([]);
    const corrupt = Buffer.concat([png, Buffer.from('\n"Statement": []')]);
    expect((await lintBytes('corrupt.json', corrupt, true)).diagnostics.map(at)).toEqual(['parse-error 3:1']);
    const latin1 = Buffer.from('# caf\u00e9\nname: x\n', 'latin1');
    expect((await lintBytes('other.yaml', latin1, false)).diagnostics).toEqual([]);
    const relevant = Buffer.from(`# caf\u00e9\n${TRUST_CFN}`, 'latin1');
    expect((await lintBytes('template.yaml', relevant, false)).diagnostics.map(at)).toEqual(['parse-error 1:6']);
  });

  it('the stylish report of an undecodable file shows where the byte is', async () => {
    const r = await lintBytes('frame.yaml', Buffer.from(TRUST_CFN.replace('DeployRole', 'D\u00e9ployRole'), 'latin1'));
    const out = formatStylish(summarize([r]), { color: false });
    expect(out).toContain('3:4  error    File is not valid UTF-8: the byte 0xE9 here cannot be decoded');
    expect(out).toContain('> 3 |   D\ufffdployRole:');
    expect(out).toContain('    |    ^');
  });
});

describe('line endings, tabs and long lines keep columns exact', () => {
  it('CRLF, CR and LF give the same positions; each position covers the value it names', async () => {
    const lf = (await lintBytes('le-lf.yaml', TRUST_CFN)).diagnostics;
    for (const eol of ['\r\n', '\r']) {
      const text = TRUST_CFN.replace(/\n/g, eol);
      const r = await lintBytes(`le-${eol.length}.yaml`, text);
      expect(shape(r.diagnostics)).toEqual(shape(lf));
      for (const d of r.diagnostics) expect(covered(text, d)).toBe('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
    }
  });

  it('a tab is one column', async () => {
    const text = '{\n\t"Statement": [{"Effect": "Allow",\t"Action": "s3:GetObjekt", "Resource": "*"}]\n}\n';
    const r = await lintBytes('tab.json', text);
    const d = r.diagnostics.find((x) => x.ruleId === 'unknown-action')!;
    expect(at(d)).toBe('unknown-action 2:46');
    expect(covered(text, d)).toBe('"s3:GetObjekt"');
  });

  it('a 5 MB line: the finding at its exact column, and the stylish frame shows a window, not the line', async () => {
    const h = HOSTILE.find((x) => x.name === 'long-line.json')!;
    const r = await lintBytes(h.name, h.bytes());
    const out = formatStylish(summarize([r]), { color: false });
    expect(out.length).toBeLessThan(2000);
    expect(out).toContain('"Action": "s3:GetObjekt"');
    expect(out).toContain('1:5000082');
  });
});

describe('unusual Unicode in keys', () => {
  it('a Cyrillic е in `Federated`: a located finding on the key, never a crash', async () => {
    const text = TRUST_JSON.replace('"Federated"', '"F\u0435derated"');
    const r = await lintBytes('lookalike.json', text);
    expect(r.diagnostics.map(at)).toEqual(['policy-syntax 6:22']);
    expect(covered(text, r.diagnostics[0])).toBe('"F\u0435derated"');
  });

  it('a zero-width space in `Federated` is reported, and shown escaped in the terminal', async () => {
    const text = TRUST_JSON.replace('"Federated"', '"Fede\u200brated"');
    const r = await lintBytes('zwsp.json', text);
    expect(r.diagnostics.map(at)).toEqual(['policy-syntax 6:22']);
    const out = formatStylish(summarize([r]), { color: false });
    expect(out).toContain('`Fede\\u200Brated`');
    expect(out).not.toContain('\u200b');
  });

  it('lookalike condition keys and operators are reported at their position', () => {
    const policy = (cond: object) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: cond }] }, null, 2);
    const key = linter.lintText('k.json', policy({ StringEquals: { 'token.actions.githubusercontent.com:\u0430ud': 'sts.amazonaws.com' } })).diagnostics;
    expect(key.map((d) => d.ruleId)).toContain('unknown-condition-key');
    const op = linter.lintText('o.json', policy({ 'StringEqu\u0430ls': { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } })).diagnostics;
    expect(op.map((d) => d.ruleId)).toContain('unknown-condition-operator');
  });
});

describe('parser limits hold on their own', () => {
  it('JSON: 100,000 levels, inside a string that holds a policy too, are refused at the 1,001st level', () => {
    expect(parseJson('['.repeat(100_000)).error).toEqual({ message: 'nesting deeper than 1000 levels', offset: 1000, length: 1 });
    // A string ends at a line break for jsonc-parser: the brackets after it count (the `{` too).
    expect(parseJson(`{"a": "x\n${'['.repeat(100_000)}`).error?.offset).toBe(1008);
    expect(parseJson(`/* " */${'{"a":'.repeat(5000)}`).error?.message).toBe('nesting deeper than 1000 levels');
    const cfn = `Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: '{"Statement": ${'['.repeat(5000)}'\n`;
    const d = linter.lintText('embedded.yaml', cfn).diagnostics;
    expect(d.map(at)).toEqual(['parse-error 5:1037']);
    expect(d[0].message).toBe('The policy in PolicyDocument is not valid JSON: nesting deeper than 1000 levels.');
  });

  it('Terraform HCL: 100,000 levels never overflow the stack; an unclosed one is a syntax error', async () => {
    const hcl = new Linter();
    await hcl.prepare();
    const N = 100_000;
    const open = `resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode(${'['.repeat(N)}\n}\n`;
    expect(hcl.lintText('deep.tf', open).diagnostics.map((d) => d.ruleId)).toEqual(['parse-error']);
    const closed = `resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode(${'['.repeat(N)}${']'.repeat(N)})\n}\n`;
    expect(hcl.lintText('deep2.tf', closed).diagnostics).toEqual([]);
    const heredoc = `resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOF\n{"Statement": ${'['.repeat(N)}\nEOF\n}\n`;
    expect(hcl.lintText('deep3.tf', heredoc).diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual(['parse-error 3:1014 The policy in assume_role_policy is not valid JSON: nesting deeper than 1000 levels.']);
  });

  it('YAML: alias bombs and huge anchors are refused at the alias, within bounded time', () => {
    for (const name of ['alias-bomb.yaml', 'huge-anchor.yaml']) {
      const text = HOSTILE.find((h) => h.name === name)!.bytes().toString();
      const started = Date.now();
      const r = parseYaml(text);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(r.documents).toEqual([]);
      expect(text[r.error!.offset]).toBe('*');
    }
  });

  it('YAML: a lone CR ends a line, as in SourceFile; scalar values read CR as LF', () => {
    const r = parseYaml('a: 1\rb: |\r  x\r  y\r');
    expect(r.error).toBeUndefined();
    expect(r.documents[0]).toMatchObject({ entries: [{ key: 'a' }, { key: 'b', value: { value: 'x\ny\n' } }] });
  });

  it('YAML: CloudFormation tags are checked only where CloudFormation itself is sure to refuse them', () => {
    const ok = [
      'A: !Ref Param',
      'A: !Sub "x-${AWS::Region}"',
      'A: !Sub ["x-${N}", {N: 1}]',
      'A: !GetAtt R.Arn',
      'A: !GetAtt [R, Arn]',
      'A: !If [C, a, !Ref AWS::NoValue]',
      'A: !Select [0, !GetAZs ""]',
      'A: !GetAZs',
      'A: !FindInMap [M, a, b]',
      'A: !FindInMap [M, a, b, {DefaultValue: c}]',
      'A: !And [!Condition a, !Condition b]',
      'A: !Base64 {"Fn::Sub": x}',
      'A: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
      'A: !ImportValue {"Fn::Sub": "${S}-x"}',
    ];
    for (const line of ok) expect(parseYaml(line).error, line).toBeUndefined();
    const bad: Array<[string, RegExp]> = [
      ['A: !Ref {a: b}', /`!Ref` takes the name of a parameter or resource, not a mapping/],
      ['A: !Join x', /`!Join` takes a list of 2 items, not a single value/],
      ['A: !Not [a, b]', /`!Not` takes a list of 1 items, not a list of 2/],
      ['A: !Sub {a: b}', /`!Sub` takes a string, or a list of a string and a mapping of variables, not a mapping/],
      ['A: !Transform x', /`!Transform` takes a mapping/],
      ['!Sub A: b', /`!Sub` cannot stand before a key/],
    ];
    for (const [line, message] of bad) {
      const e = parseYaml(line).error;
      expect(e?.message, line).toMatch(message);
      expect(line.slice(e!.offset, e!.offset + e!.length), line).toMatch(/^![A-Za-z]+$/);
    }
  });
});

describe('found by fuzzing (npm run fuzz), kept as regressions', () => {
  it('an empty YAML key after indentation is reported at its `:`, not on the blank before it', () => {
    const text = TRUST_CFN.replace('        Statement:', '        : ( $\n        Statement:');
    const d = linter.lintText('empty-key.yaml', text).diagnostics.filter((x) => x.ruleId === 'policy-syntax');
    expect(d.map(at)).toEqual(['policy-syntax 8:9']);
    expect(covered(text, d[0])).toBe(':');
    const explicit = linter.lintText('explicit-key.yaml', 'Version: "2012-10-17"\n? \n: x\nStatement: []\n').diagnostics;
    expect(explicit.map(at)).toEqual(['policy-syntax 3:1']);
  });
});
