/**
 * The rule needs project settings (provider allow-lists), so its cases run through a configured
 * Linter rather than `ruleCases` (which lints with the defaults) — in every format all the same.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as runCli } from '../../src/cli/main.js';
import { Linter } from '../../src/linter.js';
import type { ProviderSettings } from '../../src/engine/config.js';
import { FORMATS, locate, located, wrap, type Expected, type Policy } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'untrusted-subject-owner';

const SETTINGS: ProviderSettings = {
  github: { owners: ['octo-org', 'Octo-Labs'] },
  gitlab: { groups: ['mygroup'] },
  terraform: { organizations: ['my-org-name'] },
  eks: { clusters: ['EXAMPLED539D4633E53DE1B71EXAMPLE', `https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`] },
};

function linterWith(providers: ProviderSettings, rules: Record<string, { severity: 'error' | 'warning' | 'info' | 'off' }> = {}) {
  return new Linter({ config: { rules, providers } });
}
const configured = linterWith(SETTINGS);

function run(linter: Linter, policy: Policy, format: (typeof FORMATS)[number]) {
  const w = wrap(policy, format);
  return { w, diags: linter.lintText(w.path, w.text).diagnostics.filter((d) => d.ruleId === RULE) };
}

function github(sub: string | string[], operator = 'StringLike', extra: Record<string, unknown> = {}) {
  return trust({
    Sid: 'GitHubDeploy',
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...extra }, [operator]: { 'token.actions.githubusercontent.com:sub': sub } },
  });
}

function oidc(host: string, aud: string, sub: string | string[], operator = 'StringLike') {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:aud`]: aud }, [operator]: { [`${host}:sub`]: sub } },
  });
}

function eks(issuer: string) {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com', [`${issuer}:sub`]: 'system:serviceaccount:payments:api' } },
  });
}

const valid: Array<{ name: string; policy: Policy }> = [
  ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
  { name: 'allowed owners, compared case-insensitively, immutable form', policy: github(['repo:octo-org/octo-repo:*', 'repo:OCTO-ORG/app:ref:refs/heads/main', 'repo:octo-labs@72338/tool@1234:*']) },
  { name: 'wildcard owners are wildcard-subject\u2019s concern', policy: github(['repo:*', 'repo:octo*/x:*', '*']) },
  { name: 'negated operators do not trust anyone', policy: github('repo:evil-org/*', 'StringNotLike', { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:ref:refs/heads/main' }) },
  { name: 'customised subject with an owner id: no name to compare', policy: github('repository_owner_id:72338:*') },
  { name: 'GitLab group and subgroup', policy: oidc('gitlab.com', 'https://gitlab.com', ['project_path:mygroup/myproject:*', 'project_path:MyGroup/sub/p:ref_type:branch:ref:main']) },
  { name: 'HCP Terraform organization', policy: oidc('app.terraform.io', 'aws.workload.identity', 'organization:My-Org-Name:project:*:workspace:*:run_phase:*') },
  { name: 'EKS cluster listed by id', policy: eks(EKS_ISSUER) },
  { name: 'EKS cluster listed by issuer URL', policy: eks('oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF') },
];

const invalid: Array<{ name: string; policy: Policy; errors: Expected[] }> = [
  {
    name: 'GitHub: an owner not in the list',
    policy: github('repo:evil-org/octo-repo:ref:refs/heads/main'),
    errors: [
      {
        ruleId: RULE,
        on: 'repo:evil-org/octo-repo:ref:refs/heads/main',
        severity: 'error',
        message:
          "`repo:evil-org/octo-repo:ref:refs/heads/main` in `token.actions.githubusercontent.com:sub` of the statement 'GitHubDeploy' trusts repositories of `evil-org`, which is not in providers.github.owners (`octo-org`, `Octo-Labs`): whoever controls `evil-org` can run a pipeline that assumes this role. Name a repository of an allowed owner, or, if `evil-org` is yours, add it to providers.github.owners in the configuration (trustlint.config.yaml, or settings.trustlint for ESLint).",
      },
    ],
  },
  {
    name: 'GitHub: two foreign owners in one list (ForAnyValue:StringLike), immutable form',
    policy: github(['repo:octo-org/app:*', 'repo:octo-org-tools/app:*', 'repo:evil@999/app@1:*'], 'ForAnyValue:StringLike'),
    errors: [
      { ruleId: RULE, on: 'repo:octo-org-tools/app:*', message: /repositories of `octo-org-tools`/ },
      { ruleId: RULE, on: 'repo:evil@999/app@1:*', message: /repositories of `evil`/ },
    ],
  },
  {
    name: 'GitHub: the repository key and a customised subject, StringEqualsIfExists',
    policy: trust({
      Effect: 'Allow',
      Principal: { Federated: GITHUB_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repository_owner:evil-org:context:ref:refs/heads/main' },
        StringEqualsIfExists: { 'Token.Actions.GitHubUserContent.com:Repository': 'other-org/app' },
      },
    }),
    errors: [
      { ruleId: RULE, on: 'repository_owner:evil-org:context:ref:refs/heads/main', message: /^`repository_owner:evil-org:context:ref:refs\/heads\/main` in `token\.actions\.githubusercontent\.com:sub` of the statement #1 trusts repositories of `evil-org`/ },
      { ruleId: RULE, on: 'other-org/app', message: /^`other-org\/app` in `Token\.Actions\.GitHubUserContent\.com:Repository` of the statement #1 trusts repositories of `other-org`/ },
    ],
  },
  {
    name: 'GitLab: a group not in the list',
    policy: oidc('gitlab.com', 'https://gitlab.com', 'project_path:othergroup/myproject:ref_type:branch:ref:main', 'StringEquals'),
    errors: [
      {
        ruleId: RULE,
        on: 'project_path:othergroup/myproject:ref_type:branch:ref:main',
        message: /trusts projects of the GitLab group `othergroup`, which is not in providers\.gitlab\.groups \(`mygroup`\).*Name a project of an allowed owner/,
      },
    ],
  },
  {
    name: 'HCP Terraform: an organization not in the list',
    policy: oidc('app.terraform.io', 'aws.workload.identity', 'organization:other-org:project:*:workspace:*:run_phase:*'),
    errors: [{ ruleId: RULE, on: 'organization:other-org:project:*:workspace:*:run_phase:*', message: /workspaces of the HCP Terraform organization `other-org`, which is not in providers\.terraform\.organizations \(`my-org-name`\)/ }],
  },
  {
    name: 'EKS: a cluster not in the list',
    policy: eks('oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000'),
    errors: [
      {
        ruleId: RULE,
        on: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000`,
        message:
          'The statement #1 trusts the EKS cluster `FFFF0000FFFF0000FFFF0000FFFF0000` (issuer `oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000`), which is not in providers.eks.clusters (`EXAMPLED539D4633E53DE1B71EXAMPLE`, `https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`): service accounts of that cluster can assume this role. Trust one of your clusters, or, if this cluster is yours, add `FFFF0000FFFF0000FFFF0000FFFF0000` to providers.eks.clusters in the configuration (trustlint.config.yaml, or settings.trustlint for ESLint).',
      },
    ],
  },
  {
    name: 'GitHub and EKS in one statement, one finding each',
    policy: trust({
      Effect: 'Allow',
      Principal: { Federated: [GITHUB_ARN, `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000`] },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000:sub': 'system:serviceaccount:a:b' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:evil-org/*' },
      },
    }),
    errors: [
      { ruleId: RULE, on: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FFFF0000FFFF0000FFFF0000FFFF0000` },
      { ruleId: RULE, on: 'repo:evil-org/*' },
    ],
  },
];

const order = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;

describe(`${RULE}: invalid`, () => {
  for (const c of invalid) {
    for (const format of FORMATS) {
      it(`${c.name} [${format}]`, () => {
        const { w, diags } = run(configured, c.policy, format);
        const expected = c.errors.map((e) => ({ ruleId: e.ruleId, ...locate(w, e.on, e.nth) })).sort(order);
        expect(diags.map(located).sort(order)).toEqual(expected);
        for (const e of c.errors) {
          const at = locate(w, e.on, e.nth);
          const d = diags.find((x) => x.range.start.line === at.line && x.range.start.column === at.column);
          expect(d?.severity).toBe(e.severity ?? 'error');
          if (e.message) expect(d?.message ?? '').toMatch(e.message);
          expect(d?.fix).toBeUndefined();
          expect(d?.suggestions).toBeUndefined();
        }
      });
    }
  }
});

describe(`${RULE}: valid`, () => {
  for (const c of valid) {
    for (const format of FORMATS) {
      it(`${c.name} [${format}]`, () => {
        expect(run(configured, c.policy, format).diags.map(located)).toEqual([]);
      });
    }
  }
});

describe(`${RULE}: configuration`, () => {
  it('is silent when no list is configured', () => {
    for (const c of invalid) {
      for (const format of FORMATS) expect(run(new Linter(), c.policy, format).diags, `${c.name} [${format}]`).toEqual([]);
    }
  });

  it('checks only the providers whose list is configured', () => {
    const onlyGitLab = linterWith({ gitlab: { groups: ['mygroup'] } });
    expect(run(onlyGitLab, github('repo:evil-org/app:*'), 'policy-json').diags).toEqual([]);
    expect(run(onlyGitLab, oidc('gitlab.com', 'https://gitlab.com', 'project_path:evil/app:*'), 'policy-json').diags).toHaveLength(1);
  });

  it('an empty list trusts no one', () => {
    const { diags } = run(linterWith({ github: { owners: [] } }), github('repo:octo-org/app:*'), 'policy-yaml');
    expect(diags.map((d) => d.message)).toEqual([expect.stringContaining('which is not in providers.github.owners (empty)')]);
  });

  it('a severity set by the user applies', () => {
    const { diags } = run(linterWith(SETTINGS, { [RULE]: { severity: 'warning' } }), github('repo:evil-org/app:*'), 'cfn-yaml');
    expect(diags.map((d) => d.severity)).toEqual(['warning']);
  });
});

describe(`${RULE}: values the file does not determine`, () => {
  it('skips owners that are placeholders, checks literal owners beside placeholders', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  GitHubOrg: { Type: String }
  Repo: { Type: String }
  ClusterId: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com }
              StringLike:
                token.actions.githubusercontent.com:sub:
                  - !Sub repo:\${GitHubOrg}/app:*
                  - !Sub repo:evil-org/\${Repo}:*
          - Effect: Allow
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/oidc.eks.\${AWS::Region}.amazonaws.com/id/\${ClusterId}" }
            Action: sts:AssumeRoleWithWebIdentity
`;
    const diags = configured.lintText('t.yaml', text).diagnostics.filter((d) => d.ruleId === RULE);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 21, column: 26, endLine: 21, endColumn: 49 }]);
    expect(diags[0].message).toMatch(/repositories of `evil-org`/);
  });

  it('resolves an EKS issuer with a templated region, and a Terraform subject key built from the provider URL', () => {
    const tf = {
      resource: {
        aws_iam_openid_connect_provider: { github: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
      },
      data: {
        aws_iam_policy_document: {
          trust: {
            statement: [
              {
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.github.arn}'] }],
                condition: [
                  { test: 'StringEquals', variable: '${aws_iam_openid_connect_provider.github.url}:aud', values: ['sts.amazonaws.com'] },
                  { test: 'StringLike', variable: '${aws_iam_openid_connect_provider.github.url}:sub', values: ['repo:evil-org/app:*', 'repo:${var.org}/app:*'] },
                ],
              },
            ],
          },
        },
      },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = configured.lintText('main.tf.json', text).diagnostics.filter((d) => d.ruleId === RULE);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, ...locate({ path: 'main.tf.json', text, encode: (v) => [JSON.stringify(v)] }, 'repo:evil-org/app:*') }]);
  });

  it('reports inside a policy written as a JSON string in CloudFormation', () => {
    const policy = JSON.stringify(github('repo:evil-org/app:ref:refs/heads/main'));
    const template = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } } };
    const w = { path: 't.json', text: JSON.stringify(template, null, 2), encode: (v: string) => [JSON.stringify(JSON.stringify(v)).slice(1, -1)] };
    const diags = configured.lintText(w.path, w.text).diagnostics.filter((d) => d.ruleId === RULE);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, ...locate(w, 'repo:evil-org/app:ref:refs/heads/main') }]);
  });

  it('EKS clusters can be listed as provider ARNs, and a cluster id that is a placeholder is skipped', () => {
    const byArn = linterWith({ eks: { clusters: [`arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS_ISSUER}`] } });
    expect(run(byArn, trust({ Effect: 'Allow', Principal: { Federated: EKS_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }), 'policy-json').diags).toEqual([]);
  });
});

describe(`${RULE}: fixture, through the CLI and its config file`, () => {
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  async function cli(args: string[]) {
    let out = '';
    const code = await runCli(['--format', 'json', ...args], { cwd, stdout: (s) => void (out += s), stderr: () => undefined, isTTY: false, env: {} });
    return { code, report: JSON.parse(out) as { diagnostics: Array<{ ruleId: string; message: string; range: { start: { line: number; column: number } } }> } };
  }

  it('reports the foreign owner and the foreign cluster with the fixture config', async () => {
    const { code, report } = await cli(['--config', 'fixtures/rules/untrusted-subject-owner/trustlint.config.yaml', 'fixtures/rules/untrusted-subject-owner']);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`)).toEqual([`${RULE} 25:21`, `${RULE} 36:31`]);
    expect(report.diagnostics[0].message).toContain('trusts repositories of `octo-org-tools`, which is not in providers.github.owners (`octo-org`)');
    expect(report.diagnostics[1].message).toContain('the EKS cluster `EXAMPLED539D4633E53DE1B71EXAMPLE`');
  });

  it('is silent on the same fixture without a config', async () => {
    const { report } = await cli(['fixtures/rules/untrusted-subject-owner']);
    expect(report.diagnostics.filter((d) => d.ruleId === RULE)).toEqual([]);
  });
});
