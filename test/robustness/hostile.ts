/**
 * The catalogue of hostile inputs (issue 9): each file's bytes, generated here (never checked in:
 * the deep and huge ones are large), and the located finding trustlint must report for it. The
 * catalogue tests lint each one alone; the end-to-end test lints them all in one directory, next
 * to good templates.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { SourceFile } from '../../src/parsers/source.js';

export function tempDir(prefix = 'trustlint-robust-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const ACCOUNT = '123456789012';
export const GITHUB_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** A raw trust policy with two findings (no audience, no subject condition) on its Federated value. */
export const TRUST_JSON = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "${GITHUB_ARN}" },
      "Action": "sts:AssumeRoleWithWebIdentity"
    }
  ]
}
`;

/** The same trust policy in a CloudFormation YAML template. */
export const TRUST_CFN = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: ${GITHUB_ARN}
            Action: sts:AssumeRoleWithWebIdentity
`;

/** Where TRUST_JSON's / TRUST_CFN's findings are (line, column) when read correctly. */
export const TRUST_JSON_AT = { line: 6, column: 35 };
export const TRUST_CFN_AT = { line: 11, column: 26 };

export interface Expect {
  ruleId: string;
  line: number;
  column: number;
  message: RegExp;
}

export interface Hostile {
  name: string;
  /** The issue's catalogue item it covers. */
  item: string;
  bytes(): Buffer;
  /** Exactly these findings (rule, start position, message). */
  expect: Expect[];
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const utf16le = (s: string) => Buffer.from(`\ufeff${s}`, 'utf16le');
const utf16be = (s: string) => utf16le(s).swap16();

/** Billion laughs: nine levels of nine aliases each. */
function aliasBomb(): string {
  const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push('Resources:', '  Bomb:', '    Type: AWS::IAM::Policy', '    Properties:', '      PolicyDocument:', '        Statement: *a8', '');
  return lines.join('\n');
}

/** One anchor of 20,000 items, aliased ten times: few aliases, but 200,000 nodes once expanded. */
function hugeAnchor(): string {
  const items = Array.from({ length: 20_000 }, (_, i) => `s3:GetObject${i}`).join(', ');
  return ['AWSTemplateFormatVersion: "2010-09-09"', `Actions: &actions [${items}]`, 'Statement:', ...Array.from({ length: 10 }, () => '  - Action: *actions'), ''].join('\n');
}

const DEEP = 100_000;

/** Lines of TRUST_CFN, with the line ending `eol`. */
const cfnWith = (eol: string) => TRUST_CFN.replace(/\n/g, eol);

const TWO_FINDINGS = (at: { line: number; column: number }): Expect[] => [
  { ruleId: 'missing-audience', ...at, message: /no condition on `token\.actions\.githubusercontent\.com:aud`/ },
  { ruleId: 'missing-subject', ...at, message: /no condition on .*:sub/ },
];

const parseError = (line: number, column: number, message: RegExp): Expect[] => [{ ruleId: 'parse-error', line, column, message }];

/** A template whose one statement is a CloudFormation tag misused as `snippet` (indented 10). */
const tagged = (snippet: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
${snippet}
`;

const LONG = 5_000_000;

export const HOSTILE: Hostile[] = [
  {
    name: 'truncated.json',
    item: 'truncated JSON',
    bytes: () => utf8('{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole'),
    expect: parseError(3, 48, /^JSON syntax error: unterminated string\./),
  },
  {
    name: 'malformed.json',
    item: 'malformed JSON',
    bytes: () => utf8('{\n  "Version": "2012-10-17"\n  "Statement": []\n}\n'),
    expect: parseError(3, 3, /^JSON syntax error: ',' expected\./),
  },
  {
    name: 'truncated.yaml',
    item: 'truncated YAML',
    bytes: () => utf8(TRUST_CFN.replace('Action: sts:AssumeRoleWithWebIdentity\n', 'Action: "sts:AssumeRoleWith')),
    expect: parseError(12, 21, /^YAML syntax error: Missing closing "quote\./),
  },
  {
    name: 'malformed.yaml',
    item: 'malformed YAML',
    bytes: () => utf8(TRUST_CFN.replace('            Action:', '           Action:')),
    expect: parseError(12, 1, /^YAML syntax error: Sequence item without - indicator\./),
  },
  {
    name: 'alias-bomb.yaml',
    item: 'YAML alias bomb (billion laughs)',
    bytes: () => utf8(aliasBomb()),
    expect: parseError(7, 10, /too many alias expansions \(possible alias bomb\)/),
  },
  {
    name: 'huge-anchor.yaml',
    item: 'huge YAML anchor aliased many times',
    bytes: () => utf8(hugeAnchor()),
    expect: parseError(8, 13, /aliases expand to more than 100000 nodes/),
  },
  {
    name: 'deep.json',
    item: 'JSON nested 100,000 levels',
    bytes: () => utf8(`{"Statement": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`),
    expect: parseError(1, 1014, /nesting deeper than 1000 levels/),
  },
  {
    name: 'deep-comment.json',
    item: 'JSON nested 100,000 levels behind a comment with a quote',
    bytes: () => utf8(`// "Statement": "\n${'['.repeat(DEEP)}`),
    expect: parseError(2, 1001, /nesting deeper than 1000 levels/),
  },
  {
    name: 'deep.yaml',
    item: 'YAML flow collections nested 100,000 levels',
    bytes: () => utf8(`Statement: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`),
    expect: parseError(1, 311, /^YAML syntax error: nesting deeper than 300 levels\./),
  },
  {
    name: 'deep-block.yaml',
    item: 'YAML block sequences nested 100,000 levels',
    bytes: () => utf8(`Statement:\n  ${'- '.repeat(DEEP)}x\n`),
    expect: parseError(2, 601, /^YAML syntax error: nesting deeper than 300 levels\./),
  },
  {
    name: 'binary.yaml',
    item: 'binary file (NUL bytes)',
    bytes: () => Buffer.concat([utf8('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  '), Buffer.from([0, 0x89, 0x50, 0x4e, 0x47, 0])]),
    expect: parseError(3, 3, /^File is binary \(it contains a NUL byte here\); it was not linted\.$/),
  },
  {
    name: 'latin1.yaml',
    item: 'invalid UTF-8 (a Latin-1 é)',
    bytes: () => Buffer.from(TRUST_CFN.replace('Resources:', 'Description: "caf\u00e9"\nResources:'), 'latin1'),
    expect: parseError(2, 18, /^File is not valid UTF-8: the byte 0xE9 here cannot be decoded; it was not linted\./),
  },
  {
    name: 'utf16-no-bom.json',
    item: 'UTF-16 without a byte order mark',
    bytes: () => Buffer.from(TRUST_JSON, 'utf16le'),
    expect: parseError(1, 1, /^File looks like UTF-16LE text without a byte order mark/),
  },
  { name: 'utf8-bom.json', item: 'UTF-8 with a byte order mark', bytes: () => utf8(`\ufeff${TRUST_JSON}`), expect: TWO_FINDINGS(TRUST_JSON_AT) },
  { name: 'utf16le.yaml', item: 'UTF-16 LE with a byte order mark', bytes: () => utf16le(TRUST_CFN), expect: TWO_FINDINGS(TRUST_CFN_AT) },
  { name: 'utf16be.json', item: 'UTF-16 BE with a byte order mark', bytes: () => utf16be(TRUST_JSON), expect: TWO_FINDINGS(TRUST_JSON_AT) },
  { name: 'crlf.yaml', item: 'CRLF line endings', bytes: () => utf8(cfnWith('\r\n')), expect: TWO_FINDINGS(TRUST_CFN_AT) },
  { name: 'cr.yaml', item: 'CR line endings', bytes: () => utf8(cfnWith('\r')), expect: TWO_FINDINGS(TRUST_CFN_AT) },
  { name: 'cr.json', item: 'CR line endings (JSON)', bytes: () => utf8(TRUST_JSON.replace(/\n/g, '\r')), expect: TWO_FINDINGS(TRUST_JSON_AT) },
  {
    name: 'tabs.json',
    item: 'tabs (one column each)',
    bytes: () => utf8(TRUST_JSON.replace(/^( +)/gm, (m) => '\t'.repeat(m.length / 2))),
    expect: TWO_FINDINGS({ line: 6, column: 32 }),
  },
  {
    name: 'tab-indent.yaml',
    item: 'tabs as YAML indentation',
    bytes: () => utf8(TRUST_CFN.replace('          - Effect', '\t  - Effect')),
    expect: parseError(9, 1, /^YAML syntax error: Tabs are not allowed as indentation/),
  },
  {
    name: 'long-line.json',
    item: 'a very long line (5 MB)',
    bytes: () =>
      utf8(`{"Version": "2012-10-17", "Statement": [{"Sid": "${'x'.repeat(LONG)}", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}`),
    expect: [{ ruleId: 'unknown-action', line: 1, column: 50 + LONG + 32, message: /`s3:GetObjekt` is not an action of `s3`/ }],
  },
  {
    name: 'lookalike.json',
    item: 'lookalike letters in `Federated` (Cyrillic е)',
    bytes: () => utf8(TRUST_JSON.replace('"Federated"', '"F\u0435derated"')),
    expect: [{ ruleId: 'policy-syntax', line: 6, column: 22, message: /^`F\u0435derated` in the `Principal` of the statement #1 is not a principal type: .* Did you mean `Federated`\?$/ }],
  },
  {
    name: 'double-encoded.tf.json',
    item: 'a policy as a string nested in a string (encoded twice)',
    bytes: () => utf8(`${JSON.stringify({ resource: { aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: JSON.stringify(TRUST_JSON) } } } }, null, 2)}\n`),
    expect: parseError(6, 32, /^The policy in assume_role_policy is encoded twice/),
  },
  {
    name: 'string-in-yaml.yaml',
    item: 'a policy as JSON text in a quoted YAML string',
    bytes: () => utf8(TRUST_CFN.replace(/( +)AssumeRolePolicyDocument:[\s\S]*$/, (_, indent: string) => `${indent}AssumeRolePolicyDocument: ${JSON.stringify(JSON.stringify(JSON.parse(TRUST_JSON)))}\n`)),
    expect: TWO_FINDINGS({ line: 6, column: 128 }),
  },
  {
    name: 'tag-on-key.yaml',
    item: 'CloudFormation tag in a wrong position: before a key',
    bytes: () => utf8(tagged(`            !Ref Principal:\n              Federated: ${GITHUB_ARN}\n            Action: sts:AssumeRoleWithWebIdentity`)),
    expect: parseError(10, 13, /^YAML syntax error: `!Ref` cannot stand before a key: CloudFormation rejects the template/),
  },
  {
    name: 'tag-on-mapping.yaml',
    item: 'CloudFormation tag in a wrong position: `!GetAtt` on a mapping',
    bytes: () => utf8(tagged(`            Principal:\n              Federated: !GetAtt { Resource: GithubOidc }\n            Action: sts:AssumeRoleWithWebIdentity`)),
    expect: parseError(11, 26, /`!GetAtt` takes `Resource\.Attribute`, or a list of a resource and an attribute, not a mapping/),
  },
  {
    name: 'tag-arity.yaml',
    item: 'CloudFormation tag in a wrong position: `!If` with two items',
    bytes: () => utf8(tagged(`            Principal:\n              Federated: !If [IsProd, ${GITHUB_ARN}]\n            Action: sts:AssumeRoleWithWebIdentity`)),
    expect: parseError(11, 26, /`!If` takes a list of 3 items, not a list of 2/),
  },
  {
    name: 'tag-empty.yaml',
    item: 'CloudFormation tag without a value',
    bytes: () => utf8(tagged(`            Principal:\n              Federated: !Ref\n            Action: sts:AssumeRoleWithWebIdentity`)),
    expect: parseError(11, 26, /`!Ref` takes the name of a parameter or resource, not nothing/),
  },
  {
    name: 'unknown-tags.yaml',
    item: 'unknown tags (`!Bogus`, `!!js/function`, `!!python/object`): data',
    bytes: () =>
      utf8(
        tagged(
          `            Principal:\n              Federated: !Bogus ${GITHUB_ARN}\n            Action: !!js/function sts:AssumeRoleWithWebIdentity\n            Sid: !!python/object:os.system DeployFromCi`,
        ),
      ),
    expect: TWO_FINDINGS({ line: 11, column: 33 }),
  },
  {
    name: 'ref-url.json',
    item: 'a JSON `$ref` to a URL: data, never fetched',
    bytes: () => utf8(TRUST_JSON.replace('{\n  "Version"', '{\n  "$ref": "https://policies.example.com/trust.json",\n  "Version"')),
    expect: [
      { ruleId: 'policy-syntax', line: 2, column: 3, message: /`\$ref`/ },
      ...TWO_FINDINGS({ line: 7, column: 35 }),
    ],
  },
  { name: 'empty.json', item: 'empty file (JSON)', bytes: () => Buffer.alloc(0), expect: [] },
  { name: 'empty.yaml', item: 'empty file (YAML)', bytes: () => Buffer.alloc(0), expect: [] },
  { name: 'blank.yaml', item: 'a file of blank lines', bytes: () => utf8('\n  \n\t\n'), expect: [] },
  { name: 'bom-only.json', item: 'a file that is only a byte order mark', bytes: () => utf8('\ufeff'), expect: [] },
];

/** `rule line:column` of a finding, for compact comparisons. */
export function at(d: Pick<Diagnostic, 'ruleId' | 'range'>): string {
  return `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`;
}

/** Checks findings against a catalogue entry; returns what does not match (empty when all do). */
export function mismatches(diagnostics: Diagnostic[], expect: Expect[]): string[] {
  const problems: string[] = [];
  if (diagnostics.length !== expect.length) problems.push(`expected ${expect.length} findings, got ${diagnostics.length}: ${diagnostics.map((d) => `${at(d)} ${d.message}`).join(' | ')}`);
  const rest = [...diagnostics];
  for (const e of expect) {
    const i = rest.findIndex(
      (d) =>
        d.ruleId === e.ruleId &&
        d.range.start.line === e.line &&
        d.range.start.column === e.column &&
        e.message.test(d.message),
    );
    if (i < 0) problems.push(`missing ${e.ruleId} at ${e.line}:${e.column} ${e.message}; got ${diagnostics.map((d) => `${at(d)} ${d.message}`).join(' | ')}`);
    else rest.splice(i, 1);
  }
  return problems;
}

/** The text a finding's range covers in `text`. */
export function covered(text: string, d: Pick<Diagnostic, 'range'>): string {
  const f = new SourceFile('f', text);
  return text.slice(f.offset(d.range.start.line, d.range.start.column), f.offset(d.range.end.line, d.range.end.column));
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The CLI in-process, in `cwd`, without colours. */
export async function cli(args: string[], cwd: string): Promise<CliRun> {
  const { run } = await import('../../src/cli/main.js');
  let out = '';
  let err = '';
  const code = await run(args, {
    cwd,
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
    env: {},
  });
  return { code, out, err };
}

export interface JsonDiagnostic {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  path: string;
  fingerprint: string;
}

export interface JsonReport {
  version: number;
  diagnostics: JsonDiagnostic[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

/** The findings of one file in a JSON report, as `rule line:col message`. */
export function findingsOf(report: JsonReport, file: string): string[] {
  return report.diagnostics.filter((d) => d.file === file).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column} ${d.message}`);
}
