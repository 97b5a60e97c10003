import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS, lint, locate, located, ruleCases, wrap } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'invalid-subject-format';
const REFUSED = 'so STS refuses every token with "Not authorized to perform sts:AssumeRoleWithWebIdentity".';
const GH_SHAPE = 'Subjects look like `repo:<owner>/<repo>:ref:refs/heads/<branch>` (or `…:ref:refs/tags/<tag>`, `…:environment:<name>`, `…:pull_request`), ' + REFUSED;

function github(operator: string, sub: string | string[], issuer = 'token.actions.githubusercontent.com') {
  return trust({
    Sid: 'GitHubDeploy',
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com' }, [operator]: { [`${issuer}:sub`]: sub } },
  });
}

function eks(sub: string | string[], operator = 'StringEquals') {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: EKS_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' }, [operator]: { [`${EKS_ISSUER}:sub`]: sub } },
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
const gitlab = (sub: string | string[], operator = 'StringLike') => oidc('gitlab.com', 'https://gitlab.com', sub, operator);
const terraform = (sub: string | string[], operator = 'StringLike') => oidc('app.terraform.io', 'aws.workload.identity', sub, operator);

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    {
      name: 'every GitHub context, literally',
      policy: github('StringEquals', [
        'repo:octo-org/octo-repo:ref:refs/heads/main',
        'repo:octo-org/octo-repo:ref:refs/tags/v1.2.0',
        'repo:octo-org/octo-repo:environment:Production',
        'repo:octo-org/octo-repo:pull_request',
        'repo:octo-org@72338/octo-repo@123456:ref:refs/heads/main',
      ]),
    },
    {
      name: 'customised GitHub subject templates',
      policy: github('StringLike', [
        'repository_owner_id:72338:repository_id:123456:ref:refs/heads/main',
        'repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/deploy/.github/workflows/deploy.yml@refs/heads/main',
        'repository_owner:octo-org:context:*',
        'job_workflow_ref:octo-org/deploy/.github/workflows/deploy.yml@*',
      ]),
    },
    { name: 'GitHub patterns that can match', policy: github('StringLike', ['repo:octo-org/octo-repo:*', 'repo:octo-org/*', 'repo:octo-org/octo-repo:ref:refs/heads/release/*', 'repo:octo-org/octo-repo:ref:r*']) },
    { name: 'a lone * (wildcard-subject reports it)', policy: github('ForAnyValue:StringLike', '*') },
    { name: 'a * compared literally (string-equals-wildcard reports it)', policy: github('StringEquals', 'octo-org/*') },
    { name: 'negated operators are not checked', policy: github('StringNotLike', 'octo-org/legacy-repo') },
    { name: 'GitHub Enterprise issuer', policy: github('StringLikeIfExists', 'repo:octo-org/octo-repo:environment:*', 'token.actions.githubusercontent.com/octo-enterprise') },
    { name: 'EKS service accounts', policy: eks(['system:serviceaccount:kube-system:aws-node', 'system:serviceaccount:payments:payments-api.v2']) },
    { name: 'EKS pattern', policy: eks('system:serviceaccount:payments:*', 'StringLike') },
    { name: 'GitLab subgroups, tags and patterns', policy: gitlab(['project_path:mygroup/sub/myproject:ref_type:tag:ref:v*', 'project_path:mygroup/myproject:*']) },
    {
      name: 'HCP Terraform workspaces and Stacks',
      policy: terraform([
        'organization:my-org:project:Default Project:workspace:prod:run_phase:*',
        'organization:my-org:project:infra:stack:network:deployment:production:operation:apply',
      ]),
    },
    { name: 'a case-insensitive comparison', policy: github('StringEqualsIgnoreCase', 'REPO:Octo-Org/Octo-Repo:REF:refs/heads/main') },
    { name: 'generic OIDC issuers have no known subject format', policy: oidc('auth.example.com', 'deploy', 'octo-org/octo-repo') },
    { name: 'CircleCI subjects are not checked', policy: oidc('oidc.circleci.com/org/0f6a3c2e', '0f6a3c2e', 'org/0f6a3c2e/project/*') },
  ],
  invalid: [
    {
      name: 'GitHub: owner/repo without repo: (pattern, with a suggestion)',
      policy: github('StringLike', 'octo-org/octo-repo'),
      errors: [
        {
          ruleId: RULE,
          on: 'octo-org/octo-repo',
          severity: 'warning',
          message:
            "`octo-org/octo-repo` in `token.actions.githubusercontent.com:sub` of the statement 'GitHubDeploy' can never match a GitHub Actions subject: it lacks the `repo:` prefix that every subject starts with. " +
            GH_SHAPE +
            ' Did you mean `repo:octo-org/octo-repo:*`?',
        },
      ],
    },
    {
      name: 'GitHub: repository without a context under StringEquals',
      policy: github('StringEquals', 'repo:octo-org/octo-repo'),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:octo-org/octo-repo',
          message:
            "`repo:octo-org/octo-repo` in `token.actions.githubusercontent.com:sub` of the statement 'GitHubDeploy' can never match a GitHub Actions subject: it names the repository but no context, and the subject always goes on with `:ref:…`, `:environment:…` or `:pull_request`, so it is never just `repo:octo-org/octo-repo` (to allow every branch, use `StringLike` with `repo:octo-org/octo-repo:*`). " +
            GH_SHAPE,
        },
      ],
    },
    {
      name: 'GitHub: ref without ref: and ref without refs/heads (two findings, ForAnyValue:StringLike)',
      policy: github('ForAnyValue:StringLike', ['repo:octo-org/octo-repo:refs/heads/main', 'repo:octo-org/octo-repo:environment:prod', 'repo:octo-org/octo-repo:ref:main']),
      errors: [
        { ruleId: RULE, on: 'repo:octo-org/octo-repo:refs/heads/main', message: /the ref needs the `ref:` claim name before it \(`ref:refs\/heads\/main`\)\. .* Did you mean `repo:octo-org\/octo-repo:ref:refs\/heads\/main`\?$/ },
        { ruleId: RULE, on: 'repo:octo-org/octo-repo:ref:main', message: /the ref must be a full ref name, `refs\/heads\/<branch>` or `refs\/tags\/<tag>`, not `main`\./ },
      ],
    },
    {
      name: 'GitHub: a repository URL',
      policy: github('StringLike', 'https://github.com/octo-org/octo-repo'),
      errors: [{ ruleId: RULE, on: 'https://github.com/octo-org/octo-repo', message: /it is a URL.*Did you mean `repo:octo-org\/octo-repo:\*`\?$/ }],
    },
    {
      name: 'GitHub: an unknown context and a missing repository',
      policy: github('StringLike', ['repo:octo-org/octo-repo:branch:main', 'repo:octo-org:ref:refs/heads/main']),
      errors: [
        { ruleId: RULE, on: 'repo:octo-org/octo-repo:branch:main', message: /`branch` is not a subject context.*so STS refuses every token/ },
        { ruleId: RULE, on: 'repo:octo-org:ref:refs/heads/main', message: /names an owner but no repository.*so STS refuses every token/ },
      ],
    },
    {
      name: 'GitHub: a dead value beside one that matches (IAM accepts any of the values)',
      policy: github('StringLike', ['repo:octo-org/octo-repo', 'repo:octo-org/octo-repo:ref:refs/heads/main']),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:octo-org/octo-repo',
          message:
            "`repo:octo-org/octo-repo` in `token.actions.githubusercontent.com:sub` of the statement 'GitHubDeploy' can never match a GitHub Actions subject: it names the repository but no context, and the subject always goes on with `:ref:…`, `:environment:…` or `:pull_request`, so it is never just `repo:octo-org/octo-repo`. Subjects look like `repo:<owner>/<repo>:ref:refs/heads/<branch>` (or `…:ref:refs/tags/<tag>`, `…:environment:<name>`, `…:pull_request`). The other values of `token.actions.githubusercontent.com:sub` still let tokens in, but none through this one: the deploys it was written for are refused with \"Not authorized to perform sts:AssumeRoleWithWebIdentity\". Did you mean `repo:octo-org/octo-repo:*`?",
        },
      ],
    },
    {
      name: 'GitHub: a URL-encoded value after one that matches',
      policy: github('StringEquals', ['repo:octo-org/octo-repo:environment:prod', 'repo%3Aocto-org%2Focto-repo%3Aref%3Arefs%2Fheads%2Fmain']),
      errors: [
        {
          ruleId: RULE,
          on: 'repo%3Aocto-org%2Focto-repo%3Aref%3Arefs%2Fheads%2Fmain',
          message: /is URL-encoded: .*never match, and the deploys this value was written for are refused .* \(the other values of `token\.actions\.githubusercontent\.com:sub` still match\)\. Write `repo:octo-org\/octo-repo:ref:refs\/heads\/main`\.$/,
        },
      ],
    },
    {
      name: 'GitHub: URL-encoded subject',
      policy: github('StringEquals', 'repo%3Aocto-org%2Focto-repo%3Aref%3Arefs%2Fheads%2Fmain'),
      errors: [
        {
          ruleId: RULE,
          on: 'repo%3Aocto-org%2Focto-repo%3Aref%3Arefs%2Fheads%2Fmain',
          message:
            "`repo%3Aocto-org%2Focto-repo%3Aref%3Arefs%2Fheads%2Fmain` in `token.actions.githubusercontent.com:sub` of the statement 'GitHubDeploy' is URL-encoded: the token's subject holds plain `:` and `/`, so `%3A` and `%2F` never match and STS refuses every token with \"Not authorized to perform sts:AssumeRoleWithWebIdentity\". Write `repo:octo-org/octo-repo:ref:refs/heads/main`.",
        },
      ],
    },
    {
      name: 'GitHub Enterprise issuer: same format',
      policy: github('StringEquals', 'octo-org/octo-repo:ref:refs/heads/main', 'token.actions.githubusercontent.com/octo-enterprise'),
      errors: [{ ruleId: RULE, on: 'octo-org/octo-repo:ref:refs/heads/main', message: /lacks the `repo:` prefix.*Did you mean `repo:octo-org\/octo-repo:ref:refs\/heads\/main`\?$/ }],
    },
    {
      name: 'EKS: plural serviceaccounts',
      policy: eks('system:serviceaccounts:payments:api'),
      errors: [
        {
          ruleId: RULE,
          on: 'system:serviceaccounts:payments:api',
          message:
            '`system:serviceaccounts:payments:api` in `oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub` of the statement #1 can never match a Amazon EKS (IRSA) subject: `system:serviceaccounts:` (plural) names a Kubernetes group, not a service account. Subjects look like `system:serviceaccount:<namespace>:<service-account>`, ' +
            REFUSED +
            ' Did you mean `system:serviceaccount:payments:api`?',
        },
      ],
    },
    {
      name: 'EKS: missing system: prefix, missing account (two findings)',
      policy: eks(['serviceaccount:payments:api', 'system:serviceaccount:payments']),
      errors: [
        { ruleId: RULE, on: 'serviceaccount:payments:api', message: /lacks the `system:` prefix.*Did you mean `system:serviceaccount:payments:api`\?$/ },
        { ruleId: RULE, on: 'system:serviceaccount:payments', message: /names the namespace `payments` but no service account/ },
      ],
    },
    {
      name: 'GitLab: missing project_path: prefix, ref_type heads',
      policy: gitlab(['mygroup/myproject:ref_type:branch:ref:main', 'project_path:mygroup/myproject:ref_type:heads:ref:main'], 'StringEquals'),
      errors: [
        { ruleId: RULE, on: 'mygroup/myproject:ref_type:branch:ref:main', message: /lacks the `project_path:` prefix.*Did you mean `project_path:mygroup\/myproject:ref_type:branch:ref:main`\?$/ },
        { ruleId: RULE, on: 'project_path:mygroup/myproject:ref_type:heads:ref:main', message: /`ref_type` is `branch` or `tag`, not `heads`.*Did you mean `project_path:mygroup\/myproject:ref_type:branch:ref:main`\?$/ },
      ],
    },
    {
      name: 'GitLab: a project without a ref (pattern)',
      policy: gitlab('project_path:mygroup/myproject'),
      errors: [{ ruleId: RULE, on: 'project_path:mygroup/myproject', message: /names the project but no ref.*Did you mean `project_path:mygroup\/myproject:\*`\?$/ }],
    },
    {
      name: 'HCP Terraform: run_phase deploy, org: prefix',
      policy: terraform(['organization:my-org:project:infra:workspace:prod:run_phase:deploy', 'org:my-org:project:infra:workspace:prod:run_phase:apply']),
      errors: [
        { ruleId: RULE, on: 'organization:my-org:project:infra:workspace:prod:run_phase:deploy', message: /`run_phase` is `plan` or `apply`, not `deploy`\. Subjects look like `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan\|apply>`/ },
        { ruleId: RULE, on: 'org:my-org:project:infra:workspace:prod:run_phase:apply', message: /the claim is `organization:`, not `org:`/ },
      ],
    },
    {
      name: 'a subject key whose case differs',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'Token.Actions.GitHubUserContent.com:Sub': 'octo-org/octo-repo:ref:refs/heads/main' } },
      }),
      errors: [{ ruleId: RULE, on: 'octo-org/octo-repo:ref:refs/heads/main' }],
    },
  ],
});

describe('invalid-subject-format: suggestions', () => {
  it('offers the corrected value as an unsafe suggestion, in JSON', () => {
    const w = wrap(github('StringLike', 'repo:octo-org/octo-repo:refs/heads/main'), 'policy-json');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('"repo:octo-org/octo-repo:refs/heads/main"');
    expect(d.suggestions).toEqual([
      {
        title: 'Replace with `repo:octo-org/octo-repo:ref:refs/heads/main`',
        applicability: 'unsafe',
        edits: [{ start, end: start + '"repo:octo-org/octo-repo:refs/heads/main"'.length, text: '"repo:octo-org/octo-repo:ref:refs/heads/main"' }],
      },
    ]);
    expect(d.fix).toBeUndefined();
  });

  it('writes the suggestion for every format, and the suggested value is accepted', () => {
    for (const format of FORMATS) {
      const w = wrap(eks('system:serviceaccounts:payments:api'), format);
      const [d] = lint(w.path, w.text, [RULE]);
      const edit = d.suggestions![0].edits[0];
      const fixed = w.text.slice(0, edit.start) + edit.text + w.text.slice(edit.end);
      expect(lint(w.path, fixed, [RULE]), format).toEqual([]);
      const after = wrap(eks('system:serviceaccount:payments:api'), format);
      expect(fixed, format).toBe(after.text);
    }
  });

  it('decodes a URL-encoded subject in a policy inside a Terraform JSON string', () => {
    const w = wrap(github('StringLike', 'repo%3Aocto-org%2Focto-repo%3A*'), 'tf-string');
    const [d] = lint(w.path, w.text, [RULE]);
    const edit = d.suggestions![0].edits[0];
    expect(w.text.slice(edit.start, edit.end)).toBe('\\"repo%3Aocto-org%2Focto-repo%3A*\\"');
    expect(edit.text).toBe('\\"repo:octo-org/octo-repo:*\\"');
    expect(d.suggestions![0].applicability).toBe('unsafe');
  });

  it('offers nothing when no single correction is clear', () => {
    const w = wrap(github('StringEquals', 'repo:octo-org/octo-repo'), 'policy-yaml');
    const [d] = lint(w.path, w.text, [RULE]);
    expect(located(d)).toEqual({ ruleId: RULE, ...locate(w, 'repo:octo-org/octo-repo') });
    expect(d.suggestions).toBeUndefined();
  });
});

describe('invalid-subject-format: values the template does not determine', () => {
  it('checks a !Ref to a parameter default, skips !Sub with unknown parts and !If', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  GitHubOrg: { Type: String }
  Subject: { Type: String, Default: octo-org/octo-repo:ref:refs/heads/main }
Conditions:
  Prod: !Equals [!Ref "AWS::AccountId", "111122223333"]
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
                  - !Sub repo:\${GitHubOrg}/app
                  - !Ref Subject
                  - !If [Prod, octo-org/prod, octo-org/dev]
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 22, column: 26, endLine: 22, endColumn: 33 }]);
    expect(diags[0].message).toMatch(/^`octo-org\/octo-repo:ref:refs\/heads\/main` in `token\.actions\.githubusercontent\.com:sub`/);
    // Reported at the parameter reference; the value lives in the parameter's default, so no edit here.
    expect(diags[0].suggestions).toBeUndefined();
  });

  it('resolves a Terraform subject key built from the provider URL through the principal', () => {
    const tf = {
      resource: {
        aws_iam_openid_connect_provider: { eks: { url: `https://${EKS_ISSUER}`, client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: { app: { name: 'app', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
      },
      data: {
        aws_iam_policy_document: {
          trust: {
            statement: [
              {
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.eks.arn}'] }],
                condition: [
                  { test: 'StringEquals', variable: '${aws_iam_openid_connect_provider.eks.url}:aud', values: ['sts.amazonaws.com'] },
                  { test: 'StringEquals', variable: '${aws_iam_openid_connect_provider.eks.url}:sub', values: ['system:serviceaccount:payments', 'system:serviceaccount:${var.ns}'] },
                ],
              },
            ],
          },
        },
      },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, ...locate({ path: 'main.tf.json', text, encode: (v) => [JSON.stringify(v)] }, 'system:serviceaccount:payments') }]);
  });
});

/** Findings of this rule in a fixture, as `line:col-line:col text`. */
function fixtureFindings(file: string): string[] {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  return lint(file, text, [RULE]).map((d) => `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.severity} ${text.slice(d.offsets.start, d.offsets.end)}`);
}

describe('invalid-subject-format: fixture', () => {
  it('reports the two subjects of the Terraform data source that can never match', () => {
    expect(fixtureFindings('fixtures/rules/invalid-subject-format/github-oidc.tf.json')).toEqual([
      '46:19-46:43 warning "octo-org/release-tools"',
      '47:19-47:56 warning "repo:octo-org/octo-app:refs/tags/v*"',
    ]);
  });
});
