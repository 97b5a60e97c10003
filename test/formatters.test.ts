import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { docsUrl } from '../src/engine/diagnostic.js';
import type { Diagnostic, FileResult, LintResults, RuleDescription } from '../src/engine/diagnostic.js';
import { formatJson } from '../src/formatters/json.js';
import { formatStylish } from '../src/formatters/stylish.js';
import { formatSarif, pathToUri } from '../src/formatters/sarif.js';
import { formatGithub } from '../src/formatters/github.js';
import { FORMATS, escapeControl, format, isFormatName } from '../src/formatters/index.js';

// ---------------------------------------------------------------------------------------------
// Fixtures, built by hand. Positions were counted on the texts below (and are checked against them).

const YAML_FILE = 'templates/deploy-role.yaml';
const YAML = [
  'Resources:',
  '  DeployRole:',
  '    Type: AWS::IAM::Role',
  '    Properties:',
  '      AssumeRolePolicyDocument:',
  '        Version: "2012-10-17"',
  '        Statement:',
  '          - Effect: Allow',
  '            Principal:',
  '              Federated: !Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com',
  '            Action: sts:assumerolewithwebidentity',
  '            Condition:',
  '              StringLike:',
  '                token.actions.githubusercontent.com:sub: "repo:*"',
  '',
].join('\n');

const JSON_FILE = 'policies/trust policy.json';
const CRLF_JSON = [
  '{',
  '  "Version": "2012-10-17",',
  '  "Statement": [{',
  '    "Effect": "Allow",',
  '    "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },',
  '    "Action": "sts:AssumeRoleWithWebIdentity",',
  '    "Condition": { "StringEquals": { "gitlab.com:sub": "project_path:acme/*" } }',
  '  }]',
  '}',
  '',
].join('\r\n');

const NO_TEXT_FILE = 'infra/main.tf.json';

const STATEMENT = 'Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0]';

function diag(d: Omit<Diagnostic, 'docsUrl' | 'fingerprint'> & { fingerprint?: string }): Diagnostic {
  return { fingerprint: `fp-${d.ruleId}-${d.offsets.start}`, docsUrl: docsUrl(d.ruleId), ...d };
}

const wildcardSubject = diag({
  ruleId: 'wildcard-subject',
  severity: 'error',
  message: '`token.actions.githubusercontent.com:sub` is `repo:*`: any GitHub repository can assume this role.',
  file: YAML_FILE,
  range: { start: { line: 14, column: 58 }, end: { line: 14, column: 66 } },
  offsets: { start: 463, end: 471 },
  path: `${STATEMENT}.Condition.StringLike.token.actions.githubusercontent.com:sub`,
  suggestions: [
    {
      title: 'Restrict the subject to one repository',
      applicability: 'unsafe',
      edits: [{ start: 463, end: 471, text: '"repo:OWNER/REPO:*"' }],
    },
  ],
});

const missingAudience = diag({
  ruleId: 'missing-audience',
  severity: 'error',
  message: 'Statement 0 trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:aud`.',
  file: YAML_FILE,
  range: { start: { line: 12, column: 13 }, end: { line: 12, column: 22 } },
  offsets: { start: 369, end: 378 },
  path: `${STATEMENT}.Condition`,
});

const actionCase = diag({
  ruleId: 'action-case',
  severity: 'info',
  message: '`sts:assumerolewithwebidentity` is not in canonical case.',
  file: YAML_FILE,
  range: { start: { line: 11, column: 21 }, end: { line: 11, column: 50 } },
  offsets: { start: 327, end: 356 },
  path: `${STATEMENT}.Action`,
  fix: {
    title: 'Write `sts:AssumeRoleWithWebIdentity`',
    applicability: 'safe',
    edits: [{ start: 331, end: 356, text: 'AssumeRoleWithWebIdentity' }],
  },
});

const stringEqualsWildcard = diag({
  ruleId: 'string-equals-wildcard',
  severity: 'warning',
  message: '`project_path:acme/*` is compared literally by `StringEquals`: use `StringLike`.',
  file: JSON_FILE,
  range: { start: { line: 7, column: 56 }, end: { line: 7, column: 77 } },
  offsets: { start: 266, end: 287 },
  path: 'Statement[0].Condition.StringEquals.gitlab.com:sub',
  fix: { title: 'Use `StringLike`', applicability: 'unsafe', edits: [{ start: 231, end: 243, text: 'StringLike' }] },
});

const unknownAction = diag({
  ruleId: 'unknown-action',
  severity: 'error',
  message: '`s3:GetObjekt` is not an action of `s3`; did you mean `s3:GetObject`?',
  file: NO_TEXT_FILE,
  range: { start: { line: 5, column: 20 }, end: { line: 5, column: 35 } },
  offsets: { start: 120, end: 135 },
  path: 'resource.aws_iam_policy.read.policy.Statement[0].Action',
  suggestions: [
    { title: 'Replace with `s3:GetObject`', applicability: 'unsafe', edits: [{ start: 121, end: 134, text: 's3:GetObject' }] },
  ],
});

function results(files: FileResult[]): LintResults {
  const all = files.flatMap((f) => f.diagnostics);
  return {
    results: files,
    summary: {
      files: files.length,
      errors: all.filter((d) => d.severity === 'error').length,
      warnings: all.filter((d) => d.severity === 'warning').length,
      infos: all.filter((d) => d.severity === 'info').length,
    },
  };
}

// Files and findings deliberately out of order: every formatter sorts.
const RESULTS = results([
  { file: YAML_FILE, text: YAML, diagnostics: [wildcardSubject, missingAudience, actionCase] },
  { file: NO_TEXT_FILE, diagnostics: [unknownAction] },
  { file: JSON_FILE, text: CRLF_JSON, diagnostics: [stringEqualsWildcard] },
  { file: 'clean.yaml', text: 'Resources: {}\n', diagnostics: [] },
]);

function rule(id: string, extra: Partial<RuleDescription> = {}): RuleDescription {
  return {
    id,
    description: `Description of ${id}.`,
    defaultSeverity: 'error',
    securitySeverity: 5,
    fix: 'none',
    hasSuggestions: false,
    docsUrl: docsUrl(id),
    tags: [],
    ...extra,
  };
}

const RULES: RuleDescription[] = [
  rule('wildcard-subject', { securitySeverity: 9.1, hasSuggestions: true, tags: ['oidc', 'trust-policy'] }),
  rule('missing-audience', { securitySeverity: 8, helpMarkdown: '# missing-audience\n\nAdd an `aud` condition.' }),
  rule('action-case', { defaultSeverity: 'info', securitySeverity: 1, fix: 'safe' }),
  rule('string-equals-wildcard', { defaultSeverity: 'warning', securitySeverity: 5.55, fix: 'unsafe' }),
  rule('unknown-action', { hasSuggestions: true }),
  rule('cognito-missing-amr', { defaultSeverity: 'warning', securitySeverity: 6.5 }),
];

const EMPTY = results([{ file: 'clean.yaml', text: 'Resources: {}\n', diagnostics: [] }]);

describe('fixtures', () => {
  it('ranges and edits point at the values they name', () => {
    const at = (text: string, line: number, column: number): number => {
      const lines = text.split(/\r\n|\n/);
      const eol = text.includes('\r\n') ? 2 : 1;
      return lines.slice(0, line - 1).reduce((n, l) => n + l.length + eol, 0) + column - 1;
    };
    for (const [d, text] of [
      [wildcardSubject, YAML],
      [missingAudience, YAML],
      [actionCase, YAML],
      [stringEqualsWildcard, CRLF_JSON],
    ] as const) {
      expect(at(text, d.range.start.line, d.range.start.column)).toBe(d.offsets.start);
      expect(at(text, d.range.end.line, d.range.end.column)).toBe(d.offsets.end);
    }
    expect(YAML.slice(331, 356)).toBe('assumerolewithwebidentity');
    expect(CRLF_JSON.slice(231, 243)).toBe('StringEquals');
  });
});

// ---------------------------------------------------------------------------------------------

describe('json formatter', () => {
  it('writes the contract: flattened, sorted by file, line, column, rule id', () => {
    const out = formatJson(RESULTS);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.startsWith('{\n  "version": 1,\n  "diagnostics": [\n    {\n      "ruleId": "unknown-action",')).toBe(
      true,
    );
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(['version', 'diagnostics', 'summary']);
    expect(report.diagnostics.map((d: Diagnostic) => `${d.file}:${d.range.start.line}:${d.ruleId}`)).toEqual([
      'infra/main.tf.json:5:unknown-action',
      'policies/trust policy.json:7:string-equals-wildcard',
      'templates/deploy-role.yaml:11:action-case',
      'templates/deploy-role.yaml:12:missing-audience',
      'templates/deploy-role.yaml:14:wildcard-subject',
    ]);
    expect(report.summary).toEqual({ files: 4, errors: 3, warnings: 1, infos: 1 });
  });

  it('writes each diagnostic with its keys in contract order, without offsets', () => {
    const report = JSON.parse(formatJson(RESULTS));
    const [, jsonFinding, caseFinding, audienceFinding, subjectFinding] = report.diagnostics;
    expect(Object.keys(caseFinding)).toEqual([
      'ruleId',
      'severity',
      'message',
      'file',
      'range',
      'path',
      'fix',
      'fingerprint',
      'docsUrl',
    ]);
    expect(caseFinding).toEqual({
      ruleId: 'action-case',
      severity: 'info',
      message: '`sts:assumerolewithwebidentity` is not in canonical case.',
      file: 'templates/deploy-role.yaml',
      range: { start: { line: 11, column: 21 }, end: { line: 11, column: 50 } },
      path: 'Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0].Action',
      fix: {
        title: 'Write `sts:AssumeRoleWithWebIdentity`',
        applicability: 'safe',
        edits: [{ start: 331, end: 356, text: 'AssumeRoleWithWebIdentity' }],
      },
      fingerprint: 'fp-action-case-327',
      docsUrl: 'https://github.com/trustlint/trustlint/blob/main/docs/rules/action-case.md',
    });
    expect(Object.keys(audienceFinding)).toEqual([
      'ruleId',
      'severity',
      'message',
      'file',
      'range',
      'path',
      'fingerprint',
      'docsUrl',
    ]);
    expect(subjectFinding.suggestions).toEqual(wildcardSubject.suggestions);
    expect(jsonFinding.fix.applicability).toBe('unsafe');
    expect(report.diagnostics.some((d: object) => 'offsets' in d || 'related' in d)).toBe(false);
  });

  it('writes an empty list when nothing was found', () => {
    expect(formatJson(EMPTY)).toBe(
      '{\n  "version": 1,\n  "diagnostics": [],\n  "summary": {\n    "files": 1,\n    "errors": 0,\n    "warnings": 0,\n    "infos": 0\n  }\n}\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('stylish formatter', () => {
  it('prints findings per file with code frames, fixes and a summary', () => {
    expect(formatStylish(RESULTS, { color: false })).toBe(
      [
        'infra/main.tf.json',
        '  5:20  error    `s3:GetObjekt` is not an action of `s3`; did you mean `s3:GetObject`?  unknown-action',
        '  suggestion: Replace with `s3:GetObject`',
        '',
        'policies/trust policy.json',
        '  7:56  warning  `project_path:acme/*` is compared literally by `StringEquals`: use `StringLike`.  string-equals-wildcard',
        '    6 |     "Action": "sts:AssumeRoleWithWebIdentity",',
        '  > 7 |     "Condition": { "StringEquals": { "gitlab.com:sub": "project_path:acme/*" } }',
        '      |                                                        ^^^^^^^^^^^^^^^^^^^^^',
        '    8 |   }]',
        '  fix available: Use `StringLike` (unsafe)',
        '',
        'templates/deploy-role.yaml',
        '  11:21  info     `sts:assumerolewithwebidentity` is not in canonical case.  action-case',
        '    10 |               Federated: !Sub arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com',
        '  > 11 |             Action: sts:assumerolewithwebidentity',
        '       |                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '    12 |             Condition:',
        '  fix available: Write `sts:AssumeRoleWithWebIdentity` (safe)',
        '',
        '  12:13  error    Statement 0 trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:aud`.  missing-audience',
        '    11 |             Action: sts:assumerolewithwebidentity',
        '  > 12 |             Condition:',
        '       |             ^^^^^^^^^',
        '    13 |               StringLike:',
        '',
        '  14:58  error    `token.actions.githubusercontent.com:sub` is `repo:*`: any GitHub repository can assume this role.  wildcard-subject',
        '    13 |               StringLike:',
        '  > 14 |                 token.actions.githubusercontent.com:sub: "repo:*"',
        '       |                                                          ^^^^^^^^',
        '  suggestion: Restrict the subject to one repository',
        '',
        '✖ 5 problems (3 errors, 1 warning, 1 info)',
        '  1 info potentially fixable with --fix',
        '  1 warning potentially fixable with --unsafe-fixes',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing when there are no findings', () => {
    expect(formatStylish(EMPTY, { color: false })).toBe('');
    expect(formatStylish(EMPTY, { color: true })).toBe('');
    expect(formatStylish(results([]), { color: false })).toBe('');
  });

  it('colours only when asked, and colours nothing else', () => {
    const plain = formatStylish(RESULTS, { color: false });
    const coloured = formatStylish(RESULTS, { color: true });
    expect(plain).not.toContain('\x1b');
    expect(coloured).toContain('\x1b[31merror  \x1b[39m');
    expect(coloured).toContain('\x1b[33mwarning\x1b[39m');
    expect(coloured).toContain('\x1b[36minfo   \x1b[39m');
    expect(coloured).toContain('\x1b[2mwildcard-subject\x1b[22m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('is compact, like ESLint, when no finding has a frame or a fix', () => {
    const d = { ...missingAudience, file: 'a.yaml' };
    const out = formatStylish(
      results([{ file: 'a.yaml', diagnostics: [d, { ...d, range: { start: { line: 9, column: 1 }, end: { line: 9, column: 5 } } }] }]),
      { color: false },
    );
    expect(out).toBe(
      [
        'a.yaml',
        '  9:1    error    Statement 0 trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:aud`.  missing-audience',
        '  12:13  error    Statement 0 trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:aud`.  missing-audience',
        '',
        '✖ 2 problems (2 errors, 0 warnings, 0 infos)',
        '',
      ].join('\n'),
    );
  });

  it('expands tabs so the caret lines up, and underlines a multi-line range to the end of its first line', () => {
    const text = 'a:\n\tb:\t[x, y]\n\tc: 1\n';
    const d = diag({
      ruleId: 'policy-syntax',
      severity: 'warning',
      message: 'List spans lines.',
      file: 't.yaml',
      range: { start: { line: 2, column: 5 }, end: { line: 3, column: 3 } },
      offsets: { start: 7, end: 16 },
      path: 'a.b',
    });
    expect(formatStylish(results([{ file: 't.yaml', text, diagnostics: [d] }]), { color: false })).toBe(
      [
        't.yaml',
        '  2:5  warning  List spans lines.  policy-syntax',
        '    1 | a:',
        '  > 2 |     b:  [x, y]',
        '      |         ^^^^^^',
        '    3 |     c: 1',
        '',
        '✖ 1 problem (0 errors, 1 warning, 0 infos)',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters from files and messages, so no escape sequence reaches the terminal', () => {
    const text = 'Action: "s3:\x1b[2J\tGet\u202eObject"\n';
    const d = diag({
      ruleId: 'unknown-action',
      severity: 'error',
      message: 'Unknown action `s3:\x1b[2J\u009b31m\u202eObject`\nnext line\r',
      file: 'evil\x07.yaml',
      range: { start: { line: 1, column: 10 }, end: { line: 1, column: 28 } },
      offsets: { start: 9, end: 27 },
      path: 'Action',
    });
    const out = formatStylish(results([{ file: 'evil\x07.yaml', text, diagnostics: [d] }]), { color: false });
    expect(out).toBe(
      [
        'evil\\x07.yaml',
        '  1:10  error    Unknown action `s3:\\x1B[2J\\x9B31m\\u202EObject`\\x0Anext line\\x0D  unknown-action',
        '  > 1 | Action: "s3:\\x1B[2J Get\\u202EObject"',
        '      |          ^^^^^^^^^^^^^^^^^^^^^^^^^^',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 infos)',
        '',
      ].join('\n'),
    );
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
  });

  it('escapeControl keeps printable text, tabs and surrogate pairs', () => {
    expect(escapeControl('a\tb 🔑 é')).toBe('a\tb 🔑 é');
    expect(escapeControl('\x00\x1f\x7f\u0085\u2028\u2066\ud800x')).toBe('\\x00\\x1F\\x7F\\x85\\u2028\\u2066\\uD800x');
  });
});

// ---------------------------------------------------------------------------------------------

type SarifRegion = { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number; charOffset?: number; charLength?: number };
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion?: string;
        informationUri: string;
        rules: Array<{
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
          helpUri: string;
          defaultConfiguration: { level: string };
          properties: { 'security-severity'?: string; tags: string[]; precision: string; 'problem.severity': string };
        }>;
      };
    };
    invocations: Array<{ executionSuccessful: boolean }>;
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion } }>;
      partialFingerprints: Record<string, string>;
      fixes?: Array<{
        description: { text: string };
        artifactChanges: Array<{
          artifactLocation: { uri: string; uriBaseId: string };
          replacements: Array<{ deletedRegion: SarifRegion; insertedContent: { text: string } }>;
        }>;
      }>;
    }>;
  }>;
}

function sarif(r: LintResults = RESULTS, rules: RuleDescription[] = RULES): { text: string; log: SarifLog } {
  const text = formatSarif(r, rules, { toolVersion: '0.1.0' });
  return { text, log: JSON.parse(text) as SarifLog };
}

const schema: object = JSON.parse(readFileSync(new URL('./data/sarif-2.1.0.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

describe('sarif formatter', () => {
  it('is valid against the official SARIF 2.1.0 schema', () => {
    const { log } = sarif();
    expect(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
    const parseError = diag({
      ruleId: 'parse-error',
      severity: 'error',
      message: 'Unexpected end of input.',
      file: 'broken.json',
      range: { start: { line: 1, column: 2 }, end: { line: 1, column: 2 } },
      offsets: { start: 1, end: 1 },
      path: '',
      related: [{ message: 'The object opened here.', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } }],
    });
    expect(validateSarif(sarif(results([{ file: 'broken.json', text: '{', diagnostics: [parseError] }])).log)).toBe(true);
    expect(validateSarif(sarif(EMPTY, []).log)).toBe(true);
  });

  it('the schema check does reject a malformed log', () => {
    const { log } = sarif();
    const bad = structuredClone(log) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    bad.runs[0].results[0].level = 'fatal';
    expect(validateSarif(bad)).toBe(false);
  });

  it('writes the header and the driver as GitHub code scanning expects', () => {
    const { text, log } = sarif();
    expect(text.startsWith('{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n')).toBe(
      true,
    );
    expect(text.endsWith('}\n')).toBe(true);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    expect(driver.name).toBe('trustlint');
    expect(driver.version).toBe('0.1.0');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/trustlint/trustlint');
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(driver.rules.map((r) => r.id)).toEqual([
      'action-case',
      'cognito-missing-amr',
      'missing-audience',
      'string-equals-wildcard',
      'unknown-action',
      'wildcard-subject',
    ]);
  });

  it('describes every rule, with a string security-severity and a helpUri', () => {
    const { log } = sarif();
    const rules = log.runs[0].tool.driver.rules;
    for (const r of rules) {
      expect(typeof r.properties['security-severity']).toBe('string');
      expect(r.properties['security-severity']).toMatch(/^\d+\.\d$/);
      expect(r.helpUri).toBe(docsUrl(r.id));
      expect(r.properties.tags[0]).toBe('security');
      expect(r.help.markdown).not.toBe('');
    }
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('wildcard-subject')).toEqual({
      id: 'wildcard-subject',
      name: 'WildcardSubject',
      shortDescription: { text: 'Description of wildcard-subject.' },
      fullDescription: { text: 'Description of wildcard-subject.' },
      help: {
        text: 'Description of wildcard-subject.\n\nSee https://github.com/trustlint/trustlint/blob/main/docs/rules/wildcard-subject.md',
        markdown:
          'Description of wildcard-subject.\n\nSee the [`wildcard-subject` documentation](https://github.com/trustlint/trustlint/blob/main/docs/rules/wildcard-subject.md).',
      },
      helpUri: 'https://github.com/trustlint/trustlint/blob/main/docs/rules/wildcard-subject.md',
      defaultConfiguration: { level: 'error' },
      properties: {
        'security-severity': '9.1',
        tags: ['security', 'oidc', 'trust-policy'],
        precision: 'high',
        'problem.severity': 'error',
      },
    });
    expect(byId.get('missing-audience')?.help.markdown).toBe('# missing-audience\n\nAdd an `aud` condition.');
    expect(byId.get('missing-audience')?.properties['security-severity']).toBe('8.0');
    expect(byId.get('string-equals-wildcard')?.properties['security-severity']).toBe('5.6');
    expect(byId.get('string-equals-wildcard')?.defaultConfiguration.level).toBe('warning');
    expect(byId.get('action-case')?.defaultConfiguration.level).toBe('note');
    expect(byId.get('action-case')?.properties['problem.severity']).toBe('recommendation');
    expect(byId.get('cognito-missing-amr')?.properties['security-severity']).toBe('6.5');
  });

  it('writes results with relative locations, 1-based regions and fingerprints', () => {
    const { log } = sarif();
    const { results: res, tool } = log.runs[0];
    expect(res.map((r) => r.ruleId)).toEqual([
      'unknown-action',
      'string-equals-wildcard',
      'action-case',
      'missing-audience',
      'wildcard-subject',
    ]);
    for (const r of res) {
      expect(tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.partialFingerprints['trustlint/v1']).toMatch(/^fp-/);
    }
    const subject = res[4];
    expect(subject.level).toBe('error');
    expect(subject.message.text).toBe(wildcardSubject.message);
    expect(subject.partialFingerprints).toEqual({ 'trustlint/v1': 'fp-wildcard-subject-463' });
    expect(subject.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'templates/deploy-role.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 14, startColumn: 58, endLine: 14, endColumn: 66 },
        },
      },
    ]);
    expect(res[1].level).toBe('warning');
    expect(res[1].locations[0].physicalLocation.artifactLocation.uri).toBe('policies/trust%20policy.json');
    expect(res[2].level).toBe('note');
  });

  it('converts fix edits to regions (LF and CRLF text) and to character offsets without text', () => {
    const { log } = sarif();
    const [unknown, wildcardJson, caseFix, audience, subject] = log.runs[0].results;
    expect(caseFix.fixes).toEqual([
      {
        description: { text: 'Write `sts:AssumeRoleWithWebIdentity`' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'templates/deploy-role.yaml', uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: { startLine: 11, startColumn: 25, endLine: 11, endColumn: 50 },
                insertedContent: { text: 'AssumeRoleWithWebIdentity' },
              },
            ],
          },
        ],
        properties: { applicability: 'safe' },
      },
    ]);
    // CRLF: offsets 231..243 are `StringEquals` on line 7, columns 21..33.
    expect(wildcardJson.fixes?.[0].artifactChanges[0].replacements).toEqual([
      { deletedRegion: { startLine: 7, startColumn: 21, endLine: 7, endColumn: 33 }, insertedContent: { text: 'StringLike' } },
    ]);
    expect(wildcardJson.fixes?.[0].artifactChanges[0].artifactLocation.uri).toBe('policies/trust%20policy.json');
    // No text: character offsets.
    expect(unknown.fixes?.[0].artifactChanges[0].replacements).toEqual([
      { deletedRegion: { charOffset: 121, charLength: 13 }, insertedContent: { text: 's3:GetObject' } },
    ]);
    expect(subject.fixes?.[0].description.text).toBe('Restrict the subject to one repository');
    expect(subject.fixes?.[0].artifactChanges[0].replacements[0].deletedRegion).toEqual({
      startLine: 14,
      startColumn: 58,
      endLine: 14,
      endColumn: 66,
    });
    expect(audience.fixes).toBeUndefined();
  });

  it('maps a lone CR line ending and a multi-line edit', () => {
    const text = 'a: 1\rb: [\r  x\r]\r';
    const d = diag({
      ruleId: 'policy-syntax',
      severity: 'error',
      message: 'm',
      file: 'cr.yaml',
      range: { start: { line: 2, column: 4 }, end: { line: 4, column: 2 } },
      offsets: { start: 8, end: 15 },
      path: 'b',
      fix: { title: 't', applicability: 'safe', edits: [{ start: 8, end: 15, text: '[x]' }] },
    });
    const { log } = sarif(results([{ file: 'cr.yaml', text, diagnostics: [d] }]), []);
    expect(log.runs[0].results[0].fixes?.[0].artifactChanges[0].replacements[0].deletedRegion).toEqual({
      startLine: 2,
      startColumn: 4,
      endLine: 4,
      endColumn: 2,
    });
  });

  it('describes a finding of an undeclared rule (parse-error) without making it a security alert', () => {
    const parseError = diag({
      ruleId: 'parse-error',
      severity: 'error',
      message: 'Unexpected end of input.',
      file: 'broken.json',
      range: { start: { line: 1, column: 2 }, end: { line: 1, column: 2 } },
      offsets: { start: 1, end: 1 },
      path: '',
    });
    const { log } = sarif(results([{ file: 'broken.json', text: '{', diagnostics: [parseError] }]), [RULES[0]]);
    const { rules } = log.runs[0].tool.driver;
    expect(rules.map((r) => r.id)).toEqual(['wildcard-subject', 'parse-error']);
    expect(log.runs[0].results[0].ruleIndex).toBe(1);
    expect(rules[1].helpUri).toBe(docsUrl('parse-error'));
    expect(rules[1].properties['security-severity']).toBeUndefined();
  });

  it('is deterministic and leaks no absolute path', () => {
    const a = sarif().text;
    const shuffled = results([...RESULTS.results].reverse());
    const b = formatSarif(shuffled, [...RULES].reverse(), { toolVersion: '0.1.0' });
    expect(b).toBe(a);
    expect(a).not.toContain('file://');
    expect(a).not.toContain(process.cwd());
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('percent-encodes artifact URIs', () => {
    expect(pathToUri('templates/deploy-role.yaml')).toBe('templates/deploy-role.yaml');
    expect(pathToUri('a b/c#d?e%f.json')).toBe('a%20b/c%23d%3Fe%25f.json');
    expect(pathToUri('c:x/d:y@z.json')).toBe('c%3Ax/d:y@z.json');
    expect(pathToUri('rôle/ü.yaml')).toBe('r%C3%B4le/%C3%BC.yaml');
  });
});

// ---------------------------------------------------------------------------------------------

describe('github formatter', () => {
  it('writes one workflow command per finding', () => {
    expect(formatGithub(RESULTS)).toBe(
      [
        '::error file=infra/main.tf.json,line=5,col=20,endLine=5,endColumn=35,title=unknown-action::`s3:GetObjekt` is not an action of `s3`; did you mean `s3:GetObject`?',
        '::warning file=policies/trust policy.json,line=7,col=56,endLine=7,endColumn=77,title=string-equals-wildcard::`project_path:acme/*` is compared literally by `StringEquals`: use `StringLike`.',
        '::notice file=templates/deploy-role.yaml,line=11,col=21,endLine=11,endColumn=50,title=action-case::`sts:assumerolewithwebidentity` is not in canonical case.',
        '::error file=templates/deploy-role.yaml,line=12,col=13,endLine=12,endColumn=22,title=missing-audience::Statement 0 trusts GitHub Actions without a condition on `token.actions.githubusercontent.com:aud`.',
        '::error file=templates/deploy-role.yaml,line=14,col=58,endLine=14,endColumn=66,title=wildcard-subject::`token.actions.githubusercontent.com:sub` is `repo:*`: any GitHub repository can assume this role.',
        '',
      ].join('\n'),
    );
    expect(formatGithub(EMPTY)).toBe('');
  });

  it('escapes data and property values', () => {
    const d = diag({
      ruleId: 'wildcard-subject',
      severity: 'warning',
      message: '100% open:\r\nline two, with ::error:: inside \x1b[31m',
      file: 'dir:a,b/50%.yaml',
      range: { start: { line: 3, column: 1 }, end: { line: 4, column: 2 } },
      offsets: { start: 0, end: 0 },
      path: '',
    });
    expect(formatGithub(results([{ file: 'dir:a,b/50%.yaml', diagnostics: [d] }]))).toBe(
      '::warning file=dir%3Aa%2Cb/50%25.yaml,line=3,col=1,endLine=4,endColumn=2,title=wildcard-subject::' +
        '100%25 open:%0D%0Aline two, with ::error:: inside \\x1B[31m\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('format dispatcher', () => {
  it('lists the formats and dispatches to each', async () => {
    expect(FORMATS).toEqual(['stylish', 'json', 'sarif', 'github']);
    expect(isFormatName('sarif')).toBe(true);
    expect(isFormatName('xml')).toBe(false);
    expect(await format('json', RESULTS, RULES)).toBe(formatJson(RESULTS));
    expect(await format('stylish', RESULTS, RULES)).toBe(formatStylish(RESULTS, { color: false }));
    expect(await format('stylish', RESULTS, RULES, { color: true })).toBe(formatStylish(RESULTS, { color: true }));
    expect(await format('github', RESULTS, RULES)).toBe(formatGithub(RESULTS));
    expect(await format('sarif', RESULTS, RULES, { toolVersion: '0.1.0' })).toBe(sarif().text);
  });

  it('rejects an unknown format', async () => {
    await expect(format('xml' as never, RESULTS, RULES)).rejects.toThrow(/Unknown format "xml"/);
  });
});

describe('stylish: long lines', () => {
  it('shows a window around the offending range of a minified line, carets aligned', async () => {
    const { formatStylish } = await import('../src/formatters/stylish.js');
    const { SourceFile } = await import('../src/parsers/source.js');
    const text = '{"a":"' + 'x'.repeat(400) + '","b":"BAD","c":"' + 'y'.repeat(400) + '"}';
    const start = text.indexOf('"BAD"');
    const f = new SourceFile('plan.json', text);
    const out = formatStylish(
      {
        results: [
          {
            file: 'plan.json',
            text,
            diagnostics: [
              {
                ruleId: 'r',
                severity: 'error',
                message: 'm',
                file: 'plan.json',
                range: { start: f.position(start), end: f.position(start + 5) },
                offsets: { start, end: start + 5 },
                path: 'b',
                fingerprint: 'f',
                docsUrl: 'https://example.com',
              },
            ],
          },
        ],
        summary: { files: 1, errors: 1, warnings: 0, infos: 0 },
      },
      { color: false },
    );
    const lines = out.split('\n');
    const frame = lines.find((l) => l.startsWith('  > 1 |'))!;
    const carets = lines[lines.indexOf(frame) + 1];
    expect(frame.length).toBeLessThan(220);
    expect(frame).toMatch(/^ {2}> 1 \| …x+","b":"BAD","c":"y+…$/);
    expect(frame.indexOf('"BAD"')).toBe(carets.indexOf('^^^^^'));
  });
});
