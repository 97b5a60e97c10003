/**
 * Issue 9, safety: a linted file is data. Nothing in it is executed or fetched (YAML tags beyond the
 * CloudFormation table are plain data, `$ref` is a key like any other); config files are YAML/JSON,
 * never code; `--fix` writes atomically, in the file's own encoding, and never through a symlink
 * out of the linted tree; `explain` never prints or keeps a token's signature; control characters
 * from a file never reach the terminal.
 */
import dns from 'node:dns';
import net from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeJwt, explain } from '../../src/explain/index.js';
import { encodeText, Linter, summarize } from '../../src/linter.js';
import { format } from '../../src/formatters/index.js';
import { parseYaml } from '../../src/parsers/yaml.js';
import { github, jwt, NOW, SIGNATURE, explainCli } from '../explain/helpers.js';
import { cli, findingsOf, HOSTILE, tempDir, TRUST_CFN, TRUST_JSON, type JsonReport } from './hostile.js';

const json = (out: string) => JSON.parse(out) as JsonReport;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('nothing in a linted file is executed or resolved over the network', () => {
  it('lints files with URLs, $ref, includes and code-like tags with every network entry point closed', async () => {
    const calls: string[] = [];
    const refuse = (what: string) => {
      calls.push(what);
      throw new Error(`network access during linting: ${what}`);
    };
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (u) => refuse(`fetch ${String(u)}`));
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => refuse('net.Socket.connect'));
    vi.spyOn(dns, 'lookup').mockImplementation(() => refuse('dns.lookup'));
    vi.spyOn(dns.promises, 'lookup').mockImplementation(async () => refuse('dns.promises.lookup'));

    const dir = tempDir();
    for (const h of HOSTILE) if (/tag|ref|string/.test(h.name)) writeFileSync(join(dir, h.name), h.bytes());
    writeFileSync(
      join(dir, 'includes.yaml'),
      `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://templates.example.com/trust.yaml
  Included:
    Fn::Transform:
      Name: AWS::Include
      Parameters:
        Location: s3://bucket/trust.yaml
  Code:
    Type: AWS::IAM::Role
    Properties:
      Description: !!js/function "function () { globalThis.__trustlintPwned = true; }"
      Path: !!js/regexp /x/
      RoleName: !!python/object/apply:os.system ["touch pwned"]
      AssumeRolePolicyDocument:
        $ref: https://policies.example.com/trust.json
`,
    );
    writeFileSync(join(dir, 'ref.json'), JSON.stringify({ $schema: 'https://json-schema.example.com/policy', $ref: 'http://169.254.169.254/latest/meta-data/', ...JSON.parse(TRUST_JSON) }));
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(calls).toEqual([]);
    expect((globalThis as Record<string, unknown>).__trustlintPwned).toBeUndefined();
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    // The $ref is a key IAM does not know: reported, not followed.
    expect(findingsOf(json(r.out), 'ref.json').some((f) => f.includes('`$ref` is not a policy element'))).toBe(true);
  });

  it('YAML tags outside the CloudFormation table read as the plain data they tag', () => {
    const r = parseYaml('a: !!js/function "function () { return 1 }"\nb: !!js/undefined\nc: !Bogus {x: 1}\nd: !!binary aGVsbG8=\ne: !!python/object/apply:os.system ["id"]\n');
    expect(r.error).toBeUndefined();
    const values = r.documents[0].type === 'object' ? r.documents[0].entries.map((e) => [e.key, e.value.type, e.value.type === 'scalar' ? e.value.value : undefined]) : [];
    expect(values).toEqual([
      ['a', 'scalar', 'function () { return 1 }'],
      ['b', 'scalar', ''],
      ['c', 'object', undefined],
      ['d', 'scalar', 'aGVsbG8='], // the text as written, not a Buffer
      ['e', 'array', undefined],
    ]);
  });

  it('`__proto__` and `constructor` keys are data: reported, never merged into objects', () => {
    const text = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "Version": "2012-10-17", "Statement": []}';
    const d = new Linter().lintText('proto.json', text).diagnostics;
    expect(d.map((x) => x.ruleId)).toContain('policy-syntax');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const y = new Linter().lintText('proto.yaml', '__proto__: {polluted: true}\n<<: {polluted: true}\nStatement: []\n').diagnostics;
    expect(y.map((x) => x.ruleId)).toContain('policy-syntax');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('config files are data, never code', () => {
  const payload = (marker: string) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { rules: { 'missing-audience': 'off' } };\n`;

  it.each(['trustlint.config.js', 'trustlint.config.cjs', 'trustlint.config.mjs', 'trustlint.config.ts'])('%s next to the files is never loaded', async (name) => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    writeFileSync(join(dir, name), payload(marker));
    writeFileSync(join(dir, 'trust.json'), TRUST_JSON);
    const r = await cli(['--format', 'json', 'trust.json'], dir);
    expect(r.code).toBe(1);
    expect(findingsOf(json(r.out), 'trust.json').map((f) => f.split(' ')[0])).toEqual(['missing-audience', 'missing-subject']);
    expect(existsSync(marker)).toBe(false);
  });

  it('a JavaScript file passed with --config is read as YAML, refused (exit 2), and not run', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    writeFileSync(join(dir, 'trustlint.config.js'), payload(marker));
    writeFileSync(join(dir, 'trust.json'), TRUST_JSON);
    const r = await cli(['--config', 'trustlint.config.js', 'trust.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^trustlint: Invalid config trustlint\.config\.js:\d+:\d+: /);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(marker)).toBe(false);
  });

  it('a YAML config with code-like tags is data, refused for its shape', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'trustlint.config.yaml'), 'rules: !!js/function "function () { return {} }"\n');
    writeFileSync(join(dir, 'trust.json'), TRUST_JSON);
    const r = await cli(['trust.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe('trustlint: Invalid config trustlint.config.yaml:1:22: `rules` must map rule ids to a severity or [severity, options]\n');
  });
});

describe('--fix writes atomically and never through a symlink out of the tree', () => {
  const BAD = TRUST_JSON;

  it('a directory symlink leading out of the tree: refused (exit 2), the file outside untouched', async () => {
    const outside = tempDir();
    const dir = tempDir();
    writeFileSync(join(outside, 'trust.json'), BAD);
    symlinkSync(outside, join(dir, 'linked'));
    const r = await cli(['--fix', '--unsafe-fixes', 'linked/trust.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('linked/trust.json: a symbolic link on its path leads outside the linted tree; not written');
    expect(readFileSync(join(outside, 'trust.json'), 'utf8')).toBe(BAD);
  });

  it('a symlink to a file inside the tree is fixed in its target, the link kept', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'trust.json'), BAD);
    symlinkSync(join(dir, 'real', 'trust.json'), join(dir, 'link.json'));
    const r = await cli(['--fix', '--unsafe-fixes', 'link.json'], dir);
    expect(r.err).toBe('');
    expect(readFileSync(join(dir, 'real', 'trust.json'), 'utf8')).toContain('"StringEquals"');
    expect(readFileSync(join(dir, 'link.json'), 'utf8')).toContain('"StringEquals"');
  });

  it('replaces the file by a rename (a new inode), leaves no temporary file, and keeps UTF-16 and CRLF', async () => {
    const dir = tempDir();
    const file = join(dir, 'trust.json');
    writeFileSync(file, encodeText(BAD.replace(/\n/g, '\r\n'), 'utf-16le'));
    const before = statSync(file).ino;
    const r = await cli(['--fix', '--unsafe-fixes', '--format', 'json', 'trust.json'], dir);
    expect(r.err).toBe('');
    expect(statSync(file).ino).not.toBe(before);
    expect(readdirSync(dir)).toEqual(['trust.json']);
    const bytes = readFileSync(file);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const text = new TextDecoder('utf-16le').decode(bytes);
    expect(text).toContain('"StringEquals"');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(findingsOf(json(r.out), 'trust.json').some((f) => f.startsWith('missing-audience'))).toBe(false);
  });
});

describe('explain never prints or keeps a token signature', () => {
  it('neither the decoded token, the explanation, the output nor the directory holds it', async () => {
    const token = jwt(github());
    const decoded = decodeJwt(token);
    expect(JSON.stringify(decoded)).not.toContain(SIGNATURE);
    const doc = new Linter().lintText('t.json', TRUST_JSON);
    expect(doc.diagnostics.length).toBeGreaterThan(0);
    const { extractDocuments } = await import('../../src/extract/index.js');
    const { parseText } = await import('../../src/engine/parse.js');
    const { SourceFile } = await import('../../src/parsers/source.js');
    const file = new SourceFile('t.json', TRUST_JSON);
    const documents = extractDocuments(file, parseText('t.json', TRUST_JSON).roots, {}).documents;
    const e = explain({ document: documents[0], providers: [], token: decoded, now: new Date(NOW) });
    expect(JSON.stringify(e)).not.toContain(SIGNATURE);

    const dir = tempDir();
    writeFileSync(join(dir, 'trust.json'), TRUST_JSON);
    for (const fmt of ['text', 'json']) {
      const r = await explainCli(['--policy', 'trust.json', '--token', token, '--now', NOW, '--format', fmt], dir);
      expect(r.code).toBeLessThan(2);
      expect(r.out + r.err).not.toContain(SIGNATURE);
      expect(r.out + r.err).not.toContain(token.split('.')[1]);
    }
    expect(readdirSync(dir)).toEqual(['trust.json']);
  });
});

describe('control characters from a file never reach the terminal', () => {
  const KEY = 'Evil\u001b[31mKey\u0007\u001b]0;pwned\u0007';
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', [KEY]: 'x' }] }, null, 2);
  // eslint-disable-next-line no-control-regex
  const yaml = TRUST_CFN.replace('Action:', `"${KEY.replace(/\u001b/g, '\\e').replace(/\u0007/g, '\\a')}": x\n            Action:`);

  async function outputs(name: string, text: string) {
    const linter = new Linter();
    const results = summarize([linter.lintText(name, text)]);
    expect(results.results[0].diagnostics.length).toBeGreaterThan(0);
    const rules = linter.describeRules();
    return {
      stylish: await format('stylish', results, rules, { color: false }),
      coloured: await format('stylish', results, rules, { color: true }),
      github: await format('github', results, rules),
      json: await format('json', results, rules),
      sarif: await format('sarif', results, rules, { toolVersion: '0' }),
    };
  }

  it.each([
    ['a JSON key', 'evil.json', policy],
    ['a YAML key (escapes in a double-quoted key)', 'evil.yaml', yaml],
    ['a file name', `evil\u001b[2J\u0007.json`, policy],
  ])('%s with ESC [31m and BEL: escaped in stylish and github, JSON-escaped in json and sarif', async (_, name, text) => {
    const out = await outputs(name, text);
    for (const s of [out.stylish, out.github, out.json, out.sarif]) {
      // eslint-disable-next-line no-control-regex
      expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    expect(out.coloured).not.toContain('\u0007');
    // eslint-disable-next-line no-control-regex
    expect(out.coloured.replace(/\u001b\[\d+m(?!Key)/g, '')).not.toContain('\u001b');
    expect(out.stylish).toContain('\\x1B[31m');
    expect(out.stylish).toContain('\\x07');
    expect(out.github).toContain('\\x1B[31m');
    expect(out.json).toContain('\\u001b[31m');
    expect(JSON.parse(out.sarif)).toBeTruthy();
  });
});
