import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'wildcard-subject';

function github(operator: string, sub: string | string[], extra: Record<string, unknown> = {}) {
  return trust({
    Sid: 'Deploy',
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      [operator]: { 'token.actions.githubusercontent.com:sub': sub },
      ...extra,
    },
  });
}

/** A GitHub trust whose StringEquals holds the audience and `pins`, and whose StringLike holds `sub`. */
function githubPinned(sub: string, pins: Record<string, unknown>) {
  return trust({
    Sid: 'Deploy',
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...pins },
      StringLike: { 'token.actions.githubusercontent.com:sub': sub },
    },
  });
}

function eks(sub: string) {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: EKS_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${EKS_ISSUER}:sub`]: sub } },
  });
}

function oidc(host: string, sub: string, aud = 'x') {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:aud`]: aud }, StringLike: { [`${host}:sub`]: sub } },
  });
}

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'a wildcard inside one repository (tags)', policy: github('StringLike', 'repo:octo-org/octo-repo:ref:refs/tags/v*') },
    { name: 'a repository-name prefix of one owner', policy: github('StringLike', 'repo:octo-org/deploy-*:environment:prod') },
    { name: 'the immutable owner@id/repo@id form', policy: github('StringLike', 'repo:octo-org@1234/octo-repo@5678:*') },
    { name: 'StringEquals treats * literally (another rule reports it)', policy: github('StringEquals', 'repo:*') },
    { name: 'StringNotLike excludes rather than admits', policy: github('StringNotLike', '*', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' } }) },
    { name: 'one EKS service account', policy: eks('system:serviceaccount:kube-system:aws-node') },
    { name: 'repo:* beside a condition that pins the repository', policy: githubPinned('repo:*', { 'token.actions.githubusercontent.com:repository': 'octo-org/octo-repo' }) },
    { name: 'repo:* beside a condition that pins the repository id', policy: githubPinned('repo:*', { 'token.actions.githubusercontent.com:repository_id': ['123456', '654321'] }) },
    { name: 'HCP Terraform: one project, any workspace', policy: oidc('app.terraform.io', 'organization:acme:project:infra:workspace:*:run_phase:*', 'aws.workload.identity') },
    { name: 'HCP Terraform: one workspace, any project (workspace names are unique in an organization)', policy: oidc('app.terraform.io', 'organization:acme:project:*:workspace:deploy:run_phase:*', 'aws.workload.identity') },
  ],
  invalid: [
    {
      name: 'repo:* lets any repository in',
      policy: github('StringLike', 'repo:*'),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:*',
          severity: 'error',
          message:
            "`token.actions.githubusercontent.com:sub` matches `repo:*` in the statement 'Deploy': any GitHub repository, of any owner can assume this role. Name the exact subject, e.g. `repo:<owner>/<repo>:ref:refs/heads/<branch>`.",
        },
      ],
    },
    { name: 'a lone *', policy: github('StringLike', '*'), errors: [{ ruleId: RULE, on: '*', severity: 'error' }] },
    {
      name: 'repo:* beside a pinned owner id: every repository of that owner (a warning)',
      policy: githubPinned('repo:*', { 'token.actions.githubusercontent.com:repository_owner_id': '72338' }),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:*',
          severity: 'warning',
          message:
            "`token.actions.githubusercontent.com:sub` matches `repo:*` in the statement 'Deploy': every repository of the owner that `token.actions.githubusercontent.com:repository_owner_id` names can assume this role, including ones created later. Limit it to the repositories, branches or environments that deploy, e.g. `repo:<owner>/<repo>:ref:refs/heads/<branch>`.",
        },
      ],
    },
    {
      name: 'repo:* beside a repository condition that is itself a pattern: still any repository',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*', 'token.actions.githubusercontent.com:repository': 'octo-org/*' },
        },
      }),
      errors: [{ ruleId: RULE, on: 'repo:*', severity: 'error' }],
    },
    { name: 'repo:*/* (any owner)', policy: github('StringLike', 'repo:*/octo-repo:*'), errors: [{ ruleId: RULE, on: 'repo:*/octo-repo:*', severity: 'error' }] },
    { name: 'an owner prefix matches other owners', policy: github('StringLike', 'repo:octo*'), errors: [{ ruleId: RULE, on: 'repo:octo*', severity: 'error' }] },
    {
      name: 'every value of a list is checked (two findings, ForAnyValue:StringLike)',
      policy: github('ForAnyValue:StringLike', ['repo:octo-org/octo-repo:ref:refs/heads/main', 'repo:*:ref:refs/heads/main', 'repo:octo-org/*']),
      errors: [
        { ruleId: RULE, on: 'repo:*:ref:refs/heads/main', severity: 'error' },
        { ruleId: RULE, on: 'repo:octo-org/*', severity: 'warning', message: /every repository of `octo-org`/ },
      ],
    },
    { name: 'repo:owner/*:* is a warning', policy: github('StringLikeIfExists', 'repo:octo-org/*:*'), errors: [{ ruleId: RULE, on: 'repo:octo-org/*:*', severity: 'warning' }] },
    { name: 'EKS: any namespace', policy: eks('system:serviceaccount:*'), errors: [{ ruleId: RULE, on: 'system:serviceaccount:*', severity: 'error' }] },
    { name: 'EKS: a wildcard before the namespace', policy: eks('system:*:ci'), errors: [{ ruleId: RULE, on: 'system:*:ci', severity: 'error' }] },
    {
      name: 'EKS: every account of one namespace',
      policy: eks('system:serviceaccount:payments:*'),
      errors: [
        {
          ruleId: RULE,
          on: 'system:serviceaccount:payments:*',
          severity: 'warning',
          message: /every service account in the namespace `payments` can assume this role, including ones created later\. Limit it to the service accounts that need the role, e\.g\. `system:serviceaccount:payments:<service-account>`\.$/,
        },
      ],
    },
    { name: 'GitLab: project_path:*', policy: oidc('gitlab.com', 'project_path:*', 'https://gitlab.com'), errors: [{ ruleId: RULE, on: 'project_path:*', severity: 'error' }] },
    { name: 'GitLab: a whole group', policy: oidc('gitlab.com', 'project_path:mygroup/*', 'https://gitlab.com'), errors: [{ ruleId: RULE, on: 'project_path:mygroup/*', severity: 'warning', message: /Limit it to the projects and branches that deploy, e\.g\. `project_path:mygroup\/<project>:ref_type:branch:ref:<branch>`\.$/ }] },
    {
      name: 'HCP Terraform: any organization',
      policy: oidc('app.terraform.io', 'organization:*:project:*:workspace:*:run_phase:*', 'aws.workload.identity'),
      errors: [{ ruleId: RULE, on: 'organization:*:project:*:workspace:*:run_phase:*', severity: 'error' }],
    },
    { name: 'HCP Terraform: every workspace of one organization', policy: oidc('app.terraform.io', 'organization:acme:*', 'aws.workload.identity'), errors: [{ ruleId: RULE, on: 'organization:acme:*', severity: 'warning' }] },
    {
      name: 'GitHub Enterprise issuer: any repository of the enterprise is a warning',
      policy: oidc('token.actions.githubusercontent.com/octo-enterprise', 'repo:*', 'sts.amazonaws.com'),
      errors: [{ ruleId: RULE, on: 'repo:*', severity: 'warning', message: /tenant-scoped issuer/ }],
    },
    { name: 'CircleCI: every project of the organization', policy: oidc('oidc.circleci.com/org/ab12cd34', '*', 'ab12cd34'), errors: [{ ruleId: RULE, on: '*', severity: 'warning' }] },
    { name: 'a generic OIDC issuer with sub *', policy: oidc('auth.example.com', '*'), errors: [{ ruleId: RULE, on: '*', severity: 'error' }] },
    {
      name: 'Cognito: a wildcard identity pool audience',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
      }),
      errors: [{ ruleId: RULE, on: 'us-east-1:*', severity: 'error', message: /any Cognito identity pool/ }],
    },
  ],
});

describe('wildcard-subject: values the template does not determine', () => {
  it('a !Sub with an unknown parameter is not a wildcard, a literal one beside it is', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  GitHubOrg: { Type: String }
  Repo: { Type: String, Default: "*" }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com }
              StringLike:
                token.actions.githubusercontent.com:sub:
                  - !Sub repo:\${GitHubOrg}/app:ref:refs/heads/main
                  - !Sub repo:octo-org/\${Repo}
                  - repo:*
`;
    expect(lint('t.yaml', text, [RULE]).map((d) => [located(d), d.severity])).toEqual([
      [{ ruleId: RULE, line: 19, column: 26, endLine: 19, endColumn: 47 }, 'warning'],
      [{ ruleId: RULE, line: 20, column: 21, endLine: 20, endColumn: 27 }, 'error'],
    ]);
  });

  it('a Terraform interpolation is not a wildcard, but `/*` after it is every repository of that owner', () => {
    const tf = (sub: string) => ({
      variable: { org: {}, repo: {} },
      resource: { aws_iam_role: { r: { assume_role_policy: JSON.stringify(github('StringLike', sub)) } } },
    });
    expect(lint('main.tf.json', JSON.stringify(tf('repo:${var.org}/${var.repo}:*'), null, 2), [RULE])).toEqual([]);
    const [d] = lint('main.tf.json', JSON.stringify(tf('repo:${var.org}/*'), null, 2), [RULE]);
    expect(d.severity).toBe('warning');
    expect(d.message).toBe(
      "`token.actions.githubusercontent.com:sub` matches `repo:${var.org}/*` in the statement 'Deploy': every repository of `${var.org}` can assume this role, including ones created later. Limit it to the repositories, branches or environments that deploy, e.g. `repo:${var.org}/<repo>:ref:refs/heads/<branch>`.",
    );
  });

  it("AWS's sample template: a parameter default of `*` for the repository is every repository of the organization", () => {
    const text = `Parameters:
  GitHubOrganization: { Type: String }
  RepositoryName: { Type: String, Default: "*" }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
            Condition:
              StringLike:
                token.actions.githubusercontent.com:sub: !Sub repo:\${GitHubOrganization}/\${RepositoryName}:ref:refs/heads/main
`;
    const found = lint('t.yaml', text, [RULE]);
    expect(found.map((d) => [located(d), d.severity])).toEqual([[{ ruleId: RULE, line: 16, column: 63, endLine: 16, endColumn: 127 }, 'warning']]);
    expect(found[0].message).toContain('every repository of `${GitHubOrganization}`');
  });

  it('a hole that could itself hold a wildcard is never read as one', () => {
    const text = `Parameters:
  Org: { Type: String, Default: "*" }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
            Condition: { StringLike: { token.actions.githubusercontent.com:sub: !Sub "repo:\${Org}/app:\${Undeclared}" } }
`;
    // Org's default is `*` (resolved: any owner); Undeclared is a hole without a wildcard of its own.
    expect(lint('t.yaml', text, [RULE]).map((d) => d.severity)).toEqual(['error']);
  });
});

describe('wildcard-subject: display-only suggestions', () => {
  it('shows a scoped subject that keeps the owner', () => {
    const w = { text: JSON.stringify(github('StringLike', 'repo:octo-org/*'), null, 2) };
    const [d] = lint('trust.json', w.text, [RULE]);
    const start = w.text.indexOf('"repo:octo-org/*"');
    expect(d.suggestions).toEqual([
      {
        title: 'Scope it, e.g. `repo:octo-org/<repo>:ref:refs/heads/<branch>`',
        applicability: 'display-only',
        edits: [{ start, end: start + '"repo:octo-org/*"'.length, text: '"repo:octo-org/<repo>:ref:refs/heads/<branch>"' }],
      },
    ]);
    expect(d.fix).toBeUndefined();
  });

  it('uses the provider format for an EKS namespace wildcard', () => {
    const text = JSON.stringify(eks('system:serviceaccount:payments:*'));
    const [d] = lint('trust.json', text, [RULE]);
    expect(d.suggestions?.[0].edits[0].text).toBe('"system:serviceaccount:payments:<service-account>"');
  });
});
