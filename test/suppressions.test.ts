import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Linter } from '../src/linter.js';
import { run, type CliIO } from '../src/cli/main.js';

const ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

const yamlTrust = (before: string, sub = 'repo:*') => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployRole:
    Type: AWS::IAM::Role
${before}    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: ${ARN}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: "${sub}"
`;

const ids = (path: string, text: string, linter = new Linter()) => linter.lintText(path, text).diagnostics.map((d) => `${d.ruleId}@${d.range.start.line}`);

describe('inline suppressions', () => {
  it('disable-next-line with ids and a reason, in YAML', () => {
    const text = yamlTrust('').replace(
      '                token.actions.githubusercontent.com:sub',
      '                # trustlint-disable-next-line wildcard-subject, missing-subject -- legacy, see JIRA-1\n                token.actions.githubusercontent.com:sub',
    );
    expect(ids('t.yaml', yamlTrust(''))).toEqual(['wildcard-subject@17']);
    expect(ids('t.yaml', text)).toEqual([]);
  });

  it('only the named rules are suppressed', () => {
    const text = yamlTrust('').replace(
      '                token.actions.githubusercontent.com:sub',
      '                # trustlint-disable-next-line unknown-action\n                token.actions.githubusercontent.com:sub',
    );
    expect(ids('t.yaml', text)).toEqual(['wildcard-subject@18']);
  });

  it('disable … enable ranges, and // comments in JSONC', () => {
    const policy = (sub: string) => `{"Effect": "Allow", "Principal": {"Federated": "${ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "${sub}"}}}`;
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    // trustlint-disable wildcard-subject -- the docs site is built by every repository
    ${policy('repo:*')},
    // trustlint-enable wildcard-subject
    ${policy('*')}
  ]
}
`;
    expect(ids('p.json', text)).toEqual(['wildcard-subject@7']);
  });

  it('a directive inside a string is not a directive', () => {
    const text = yamlTrust('').replace('Type: AWS::IAM::Role', 'Type: AWS::IAM::Role\n    Description: "see # trustlint-disable"');
    expect(ids('t.yaml', text)).toEqual(['wildcard-subject@18']);
  });
});

describe('resource ignores', () => {
  it('Metadata.trustlint.ignore on a CloudFormation resource', () => {
    const text = yamlTrust('    Metadata:\n      trustlint:\n        ignore: [wildcard-subject]\n');
    expect(ids('t.yaml', text)).toEqual([]);
    const other = yamlTrust('    Metadata:\n      trustlint:\n        ignore: [missing-audience]\n');
    expect(ids('t.yaml', other)).toEqual(['wildcard-subject@20']);
  });

  it('a "//" note on a Terraform JSON resource', () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } } }] });
    const tf = (note?: string) => JSON.stringify({ resource: { aws_iam_role: { docs: { ...(note ? { '//': note } : {}), assume_role_policy: policy } } } }, null, 2);
    expect(ids('main.tf.json', tf())).toEqual(['wildcard-subject@5']);
    expect(ids('main.tf.json', tf('trustlint-disable wildcard-subject -- docs are public'))).toEqual([]);
  });
});

describe('unused suppressions', () => {
  const linter = new Linter({ config: { rules: {}, reportUnusedSuppressions: true } });
  it('reports a comment and a Metadata ignore that suppress nothing, at the directive', () => {
    const text = yamlTrust('    Metadata:\n      trustlint:\n        ignore: [missing-audience]\n', 'repo:octo-org/octo-repo:*').replace(
      '              StringLike:',
      '              # trustlint-disable-next-line wildcard-subject\n              StringLike:',
    );
    const found = linter.lintText('t.yaml', text).diagnostics;
    expect(found.map((d) => [d.ruleId, d.range.start.line, d.range.start.column, d.severity])).toEqual([
      ['unused-suppression', 7, 17, 'warning'],
      ['unused-suppression', 19, 15, 'warning'],
    ]);
    expect(found[1].message).toBe('This suppression (`wildcard-subject`) suppresses nothing: remove it, so that it cannot hide a future finding.');
  });

  it('is silent without the option, and for suppressions in use', () => {
    const text = yamlTrust('    Metadata:\n      trustlint:\n        ignore: [wildcard-subject]\n');
    expect(ids('t.yaml', text, linter)).toEqual([]);
    expect(ids('t.yaml', text.replace('[wildcard-subject]', '[missing-audience]'), new Linter())).toEqual(['wildcard-subject@20']);
  });
});

describe('baselines', () => {
  async function cli(argv: string[], cwd: string) {
    let out = '';
    let err = '';
    const io: CliIO = { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} };
    return { code: await run(argv, io), out, err };
  }

  it('records findings, then reports only new ones, surviving unrelated edits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlint-baseline-'));
    writeFileSync(join(dir, 'legacy.yaml'), yamlTrust(''));
    const w = await cli(['--write-baseline', 'baseline.json', '.'], dir);
    expect(w.code).toBe(0);
    expect(w.err).toContain('wrote 1 finding to the baseline baseline.json');
    const b = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    expect(b.findings.map((f: { ruleId: string; file: string }) => [f.ruleId, f.file])).toEqual([['wildcard-subject', 'legacy.yaml']]);

    // Unrelated lines move the finding: still baselined.
    writeFileSync(join(dir, 'legacy.yaml'), '# moved\n# down\n' + yamlTrust(''));
    expect((await cli(['--baseline', 'baseline.json', '.'], dir)).code).toBe(0);

    // A new finding is reported.
    writeFileSync(join(dir, 'new.yaml'), yamlTrust('', '*'));
    const r = await cli(['--baseline', 'baseline.json', '--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).diagnostics.map((d: { file: string }) => d.file)).toEqual(['new.yaml']);

    // Fixed findings make the baseline stale.
    writeFileSync(join(dir, 'legacy.yaml'), yamlTrust('', 'repo:octo-org/octo-repo:*'));
    const s = await cli(['--baseline', 'baseline.json', 'legacy.yaml'], dir);
    expect(s.err).toContain('1 baseline finding is fixed; refresh the baseline with --write-baseline baseline.json');
  });

  it('rejects a file that is not a baseline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlint-baseline-'));
    writeFileSync(join(dir, 'b.json'), '{"hello": 1}');
    const r = await cli(['--baseline', 'b.json', '.'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('b.json is not a trustlint baseline');
  });
});
