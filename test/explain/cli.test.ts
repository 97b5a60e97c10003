/**
 * The `trustlint explain` command: options, exit codes, the text and JSON forms, the UNDETERMINED
 * outcome, and docs/explain.md, whose sessions must show the command's actual output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/explain/index.js';
import { explainCli, github, githubPullRequest, jwt, NOW, ROOT, tempTree } from './helpers.js';

const CFN = 'fixtures/explain/github-roles.cfn#DeployRole';
const json = (out: string) => JSON.parse(out) as Explanation;

describe('options and exit codes', () => {
  it('-h prints the usage', async () => {
    const r = await explainCli(['-h']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: trustlint explain --policy FILE\[#SELECTOR\] --token JWT\|FILE\|-/);
    expect(r.out).toContain('Exit status: 0 ALLOWED, 1 DENIED or UNDETERMINED');
  });

  it.each([
    [['--token', 'x.jwt'], '--policy FILE[#SELECTOR] is required'],
    [['--policy', CFN], '--token JWT|FILE|- is required'],
    [['--policy', CFN, '--token', 'x.jwt', '--format', 'sarif'], "--format takes text or json, not 'sarif'"],
    [['--policy', CFN, '--token', 'x.jwt', '--now', 'yesterday'], "--now takes an ISO-8601 time such as 2025-06-01T12:00:00Z, not 'yesterday'"],
    [['--policy', CFN, '--tokn', 'x.jwt'], "Unknown option '--tokn'"],
    [['--policy', CFN, '--token', 'x.jwt', 'extra'], "Unexpected argument 'extra'"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await explainCli(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });

  it('exits 0 when allowed and 1 when denied; the text starts with the verdict', async () => {
    const ok = await explainCli(['--policy', CFN, '--token', jwt(github()), '--now', NOW]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ALLOWED: statement 0 \(MainBranchDeploys\) allows sts:AssumeRoleWithWebIdentity for this token\.\n/);
    const denied = await explainCli(['--policy', CFN, '--token', jwt(githubPullRequest()), '--now', NOW]);
    expect(denied.code).toBe(1);
    expect(denied.out.split('\n')[0]).toMatch(/^DENIED: /);
    expect(denied.out).toContain('  NO MATCH  StringLike token.actions.githubusercontent.com:sub  fixtures/explain/github-roles.cfn:32:17\n');
    expect(denied.out).toContain('              policy expects  "repo:octo-org/octo-repo:ref:refs/heads/main"\n');
    expect(denied.out).toContain('              token carries   "repo:octo-org/octo-repo:pull_request"\n');
  });

  it('uses the clock without --now', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const r = await explainCli(['--policy', CFN, '--token', jwt(github({ iat: exp - 300, nbf: exp - 900, exp })), '--format', 'json']);
    expect(r.code).toBe(0);
    const stale = await explainCli(['--policy', CFN, '--token', jwt(github()), '--format', 'json']);
    expect(json(stale.out).checks.find((c) => c.id === 'token-expiry')?.result).toBe('fail');
  });
});

describe('JSON', () => {
  it('has a stable top-level structure', async () => {
    const r = await explainCli(['--policy', CFN, '--token', jwt(githubPullRequest()), '--now', NOW, '--format', 'json', '--session-name', 'GitHubActions']);
    const e = json(r.out);
    expect(Object.keys(e)).toEqual(['version', 'verdict', 'summary', 'policy', 'request', 'token', 'checks', 'statements', 'deciding', 'unresolved', 'notes']);
    expect(e.version).toBe(1);
    expect(Object.keys(e.statements[0])).toEqual(['index', 'sid', 'effect', 'location', 'result', 'principal', 'action', 'conditions', 'notes']);
    expect(Object.keys(e.statements[0].conditions[1]).sort()).toEqual(['actual', 'expected', 'hints', 'key', 'location', 'message', 'operator', 'result', 'rule', 'unresolved']);
    expect(e.checks.map((c) => c.id)).toEqual(['token-signed', 'token-claims', 'token-issuer', 'token-expiry', 'token-not-before', 'role-arn', 'session-name', 'provider-audience']);
    expect(e.deciding).toEqual([
      {
        kind: 'condition',
        statement: 0,
        message: 'StringLike token.actions.githubusercontent.com:sub: the policy expects "repo:octo-org/octo-repo:ref:refs/heads/main", the token carries "repo:octo-org/octo-repo:pull_request"',
        location: { file: 'fixtures/explain/github-roles.cfn', line: 32, column: 17, endLine: 32, endColumn: 56 },
      },
    ]);
    expect(e.request.roleSessionName).toBe('GitHubActions');
    expect(e.token.claims).not.toHaveProperty('head_ref');
    expect(e.token.claims).toMatchObject({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:octo-org/octo-repo:pull_request', repository_id: '123456789' });
  });
});

describe('UNDETERMINED', () => {
  it('depends on the parameter without a default; exit 1; the unresolved value located', async () => {
    const r = await explainCli(['--policy', 'fixtures/explain/github-params.cfn', '--token', 'fixtures/explain/github-main-push.jwt', '--now', NOW, '--format', 'json']);
    expect(r.code).toBe(1);
    const e = json(r.out);
    expect(e.verdict).toBe('UNDETERMINED');
    expect(e.unresolved).toEqual([{ text: '${GitHubOrg}', location: { file: 'fixtures/explain/github-params.cfn', line: 29, column: 63, endLine: 29, endColumn: 118 } }]);
    expect(e.deciding).toEqual([expect.objectContaining({ kind: 'condition', location: expect.objectContaining({ line: 29, column: 17 }) })]);
    expect(e.statements[0].conditions[1].hints).toContain('It matches if ${GitHubOrg} is "octo-org": compare with the value the stack or workspace was deployed with.');
  });

  it('starts the text with UNDETERMINED and lists what is undecided', async () => {
    const r = await explainCli(['--policy', 'fixtures/explain/github-params.cfn', '--token', 'fixtures/explain/github-main-push.jwt', '--now', NOW]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe('UNDETERMINED: the answer depends on values the file does not determine: `${GitHubOrg}`.');
    expect(r.out).toContain('\nUndecided:\n  fixtures/explain/github-params.cfn:29:17  StringLike token.actions.githubusercontent.com:sub: ');
    expect(r.out).toContain('  UNKNOWN   StringLike token.actions.githubusercontent.com:sub  fixtures/explain/github-params.cfn:29:17\n');
  });

  it('a Deny that may apply makes a matching Allow undetermined; one that cannot apply does not', async () => {
    const GH = 'token.actions.githubusercontent.com';
    const template = [
      'Parameters:',
      '  Blocked:',
      '    Type: String',
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument:',
      '        Statement:',
      '          - Effect: Allow',
      `            Principal: {Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/${GH}"}`,
      '            Action: sts:AssumeRoleWithWebIdentity',
      `            Condition: {StringLike: {${GH}:sub: "repo:octo-org/*"}}`,
      '          - Effect: Deny',
      '            Principal: "*"',
      '            Action: "sts:*"',
      `            Condition: {StringLike: {${GH}:sub: !Sub "repo:\${Blocked}/*"}}`,
      '',
    ].join('\n');
    const dir = tempTree({ 'role.yaml': template });
    const maybe = await explainCli(['--policy', 'role.yaml', '--token', jwt(github()), '--now', NOW, '--format', 'json'], dir);
    expect(maybe.code).toBe(1);
    expect(json(maybe.out).verdict).toBe('UNDETERMINED');
    expect(json(maybe.out).statements.map((s) => s.result)).toEqual(['match', 'unknown']);
    const ruledOut = template.replace('repo:${Blocked}/*', 'repo:${Blocked}/legacy');
    const dir2 = tempTree({ 'role.yaml': ruledOut });
    const allowed = await explainCli(['--policy', 'role.yaml', '--token', jwt(github()), '--now', NOW, '--format', 'json'], dir2);
    expect(json(allowed.out).verdict).toBe('ALLOWED');
    expect(allowed.code).toBe(0);
  });

  it('is DENIED all the same when the known text rules the token out', async () => {
    const r = await explainCli(['--policy', 'fixtures/explain/github-params.cfn', '--token', jwt(github({ sub: 'repo:octo-org/other-repo:ref:refs/heads/main' })), '--now', NOW, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r.out).verdict).toBe('DENIED');
  });
});

describe('docs/explain.md', () => {
  const doc = readFileSync(new URL('../../docs/explain.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);

  it('has at least three sessions', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('session block %i shows the actual output and exit status', async (_, block) => {
    const lines = block.split('\n');
    let i = 0;
    let code = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (line === '') {
        i++;
        continue;
      }
      expect(line.startsWith('$ ')).toBe(true);
      let j = i + 1;
      while (j < lines.length && !lines[j].startsWith('$ ')) j++;
      const shown = lines.slice(i + 1, j).join('\n');
      if (line === '$ echo $?') {
        expect(shown.trim()).toBe(String(code));
      } else {
        expect(line.startsWith('$ trustlint explain ')).toBe(true);
        const r = await explainCli(line.slice('$ trustlint explain '.length).split(/\s+/), ROOT);
        code = r.code;
        expect(`${shown}\n`.replace(/\n+$/, '\n')).toBe((r.out + r.err).replace(/\n+$/, '\n'));
      }
      i = j;
    }
  });
});
