import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint, locate, located, ruleCases, wrap } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'missing-subject';
const oidcArn = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;

/** A web-identity statement for `issuer` with the given conditions. */
function oidc(issuer: string, condition?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return trust({
    Sid: 'Deploy',
    Effect: 'Allow',
    Principal: { Federated: oidcArn(issuer) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  });
}

const GH_AUD = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    {
      name: 'session tags the token sets (Buildkite organization and pipeline) scope the statement',
      policy: oidc('agent.buildkite.com', { StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'aws:RequestTag/organization_id': '0b0a6f4e-1f2a-4d2a-9c5e-1234567890ab', 'aws:RequestTag/pipeline_id': ['0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f'] } }),
    },
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    {
      name: 'subject under StringLikeIfExists and ForAnyValue:StringLike',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: {
          StringEquals: { ...GH_AUD, [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' },
          StringLikeIfExists: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' },
          'ForAnyValue:StringLike': { [`${EKS_ISSUER}:sub`]: ['system:serviceaccount:payments:api'] },
        },
      }),
    },
    {
      name: 'GitHub scoped by repository_owner_id instead of sub',
      policy: oidc('token.actions.githubusercontent.com', { StringEquals: { ...GH_AUD, 'token.actions.githubusercontent.com:repository_owner_id': '72338' } }),
    },
    {
      name: 'GitHub scoped by job_workflow_ref (a reusable workflow)',
      policy: oidc('token.actions.githubusercontent.com', {
        StringEquals: GH_AUD,
        StringLike: { 'token.actions.githubusercontent.com:job_workflow_ref': 'octo-org/deploy-workflows/.github/workflows/deploy.yml@refs/heads/main' },
      }),
    },
    {
      name: 'condition keys are case-insensitive',
      policy: oidc('token.actions.githubusercontent.com', { StringEquals: { ...GH_AUD, 'Token.Actions.GitHubUserContent.com:SUB': 'repo:octo-org/octo-repo:ref:refs/heads/main' } }),
    },
    {
      name: 'GitHub Enterprise issuer with a subject',
      policy: oidc('token.actions.githubusercontent.com/octo-enterprise', {
        StringEquals: { 'token.actions.githubusercontent.com/octo-enterprise:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com/octo-enterprise:sub': 'repo:octo-org/octo-repo:environment:production' },
      }),
    },
    {
      name: 'GitLab scoped by project_id',
      policy: oidc('gitlab.com', { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:project_id': '4242' } }),
    },
    {
      name: 'CircleCI scoped by project id',
      policy: oidc('oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b', {
        StringEquals: {
          'oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b:aud': '0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b',
          'oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b:oidc.circleci.com/project-id': '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
        },
      }),
    },
    {
      name: 'Deny statements are not checked',
      policy: trust({ Effect: 'Deny', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }),
    },
    {
      name: 'a statement that does not allow AssumeRoleWithWebIdentity',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:TagSession' }),
    },
    {
      name: 'bare providers: Google, Facebook, Cognito are other rules\u2019 concern',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: ['accounts.google.com', 'graph.facebook.com', 'cognito-identity.amazonaws.com'] },
        Action: 'sts:AssumeRoleWithWebIdentity',
      }),
    },
    {
      name: 'a SAML provider',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      }),
    },
  ],
  invalid: [
    {
      name: 'GitHub with only an audience condition',
      policy: oidc('token.actions.githubusercontent.com', { StringEquals: GH_AUD }),
      errors: [
        {
          ruleId: RULE,
          on: GITHUB_ARN,
          severity: 'error',
          message:
            "The statement 'Deploy' trusts GitHub Actions tokens from the shared issuer `token.actions.githubusercontent.com` but has no condition on `token.actions.githubusercontent.com:sub` (nor on its `repository`, `repository_id`, `repository_owner_id`, `job_workflow_ref`, `enterprise_id` claims): any repository on GitHub can assume this role. Add `\"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"repo:<owner>/<repo>:ref:refs/heads/<branch>\"}`.",
        },
      ],
    },
    {
      name: 'GitHub with no Condition at all',
      policy: oidc('token.actions.githubusercontent.com'),
      errors: [{ ruleId: RULE, on: GITHUB_ARN, severity: 'error' }],
    },
    {
      name: 'GitHub Enterprise issuer: a warning',
      policy: oidc('token.actions.githubusercontent.com/octo-enterprise', { StringEquals: { 'token.actions.githubusercontent.com/octo-enterprise:aud': 'sts.amazonaws.com' } }),
      errors: [
        {
          ruleId: RULE,
          on: oidcArn('token.actions.githubusercontent.com/octo-enterprise'),
          severity: 'warning',
          message:
            "The statement 'Deploy' trusts GitHub Actions tokens from `token.actions.githubusercontent.com/octo-enterprise` but has no condition on `token.actions.githubusercontent.com/octo-enterprise:sub` (nor on its `repository`, `repository_id`, `repository_owner_id`, `job_workflow_ref`, `enterprise_id` claims): every repository of the GitHub enterprise `octo-enterprise` can assume this role, including ones created later. Add `\"StringLike\": {\"token.actions.githubusercontent.com/octo-enterprise:sub\": \"repo:<owner>/<repo>:ref:refs/heads/<branch>\"}`.",
        },
      ],
    },
    {
      name: 'EKS without a subject: an error',
      policy: oidc(EKS_ISSUER, { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' } }),
      errors: [
        {
          ruleId: RULE,
          on: EKS_ARN,
          severity: 'error',
          message:
            "The statement 'Deploy' trusts Amazon EKS (IRSA) tokens from `oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE` but has no condition on `oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub`: any pod, with any service account in any namespace of the EKS cluster `EXAMPLED539D4633E53DE1B71EXAMPLE` can assume this role. Add `\"StringEquals\": {\"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub\": \"system:serviceaccount:<namespace>:<service-account>\"}`.",
        },
      ],
    },
    {
      name: 'GitLab.com without a subject',
      policy: oidc('gitlab.com', { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' } }),
      errors: [{ ruleId: RULE, on: oidcArn('gitlab.com'), severity: 'error', message: /any project on GitLab\.com can assume this role\. Add `"StringEquals": \{"gitlab\.com:sub": "project_path:<group>\/<project>:ref_type:branch:ref:<branch>"\}`/ }],
    },
    {
      name: 'HCP Terraform without a subject',
      policy: oidc('app.terraform.io', { StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' } }),
      errors: [{ ruleId: RULE, on: oidcArn('app.terraform.io'), severity: 'error', message: /any workspace of any organization on HCP Terraform/ }],
    },
    {
      name: 'CircleCI organization issuer: a warning',
      policy: oidc('oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b', {
        StringEquals: { 'oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b:aud': '0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b' },
      }),
      errors: [
        {
          ruleId: RULE,
          on: oidcArn('oidc.circleci.com/org/0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b'),
          severity: 'warning',
          message: /nor on its `oidc\.circleci\.com\/project-id` claim\): every project of the CircleCI organization `0f6a3c2e-9d1b-4a5e-8f7c-2b3d4e5f6a7b`/,
        },
      ],
    },
    {
      name: 'Bitbucket workspace issuer: a warning',
      policy: oidc('api.bitbucket.org/2.0/workspaces/octo-team/pipelines-config/identity/oidc', {
        StringEquals: { 'api.bitbucket.org/2.0/workspaces/octo-team/pipelines-config/identity/oidc:aud': 'ari:cloud:bitbucket::workspace/84c08677-e3c8-4b1c-9b1c-1c5f2f3e1a2b' },
      }),
      errors: [
        {
          ruleId: RULE,
          on: oidcArn('api.bitbucket.org/2.0/workspaces/octo-team/pipelines-config/identity/oidc'),
          severity: 'warning',
          message: /every repository and pipeline step of the Bitbucket workspace `octo-team`/,
        },
      ],
    },
    {
      name: 'a generic OIDC issuer with the audience every CI job asks for: a warning',
      policy: oidc('auth.example.com', { StringEquals: { 'auth.example.com:aud': 'sts.amazonaws.com' } }),
      errors: [{ ruleId: RULE, on: oidcArn('auth.example.com'), severity: 'warning', message: /every identity the issuer `auth\.example\.com` signs a token for/ }],
    },
    {
      name: 'a generic OIDC issuer with no audience condition: a warning',
      policy: oidc('auth.example.com', { StringLike: { 'auth.example.com:aud': 'deploy-*' } }),
      errors: [{ ruleId: RULE, on: oidcArn('auth.example.com'), severity: 'warning' }],
    },
    {
      name: "a generic OIDC issuer whose audience names client applications (AWS's documented pattern): info",
      policy: oidc('auth.example.com', { StringEquals: { 'auth.example.com:aud': ['mobile-app', 'web-app'] } }),
      errors: [
        {
          ruleId: RULE,
          on: oidcArn('auth.example.com'),
          severity: 'info',
          message:
            "The statement 'Deploy' trusts tokens from `auth.example.com` issued to `mobile-app` or `web-app` but has no condition on `auth.example.com:sub`: every user of that client can assume this role. That is how a login provider's app is trusted; if `auth.example.com` is a CI/CD system, whose jobs choose their own audience, add `\"StringEquals\": {\"auth.example.com:sub\": \"<subject issued by the provider>\"}`.",
        },
      ],
    },
    {
      name: 'a subject only under a negated operator or Null does not scope',
      policy: oidc('token.actions.githubusercontent.com', {
        StringEquals: GH_AUD,
        StringNotLike: { 'token.actions.githubusercontent.com:sub': 'repo:evil-org/*' },
        Null: { 'token.actions.githubusercontent.com:sub': 'false' },
      }),
      errors: [{ ruleId: RULE, on: GITHUB_ARN }],
    },
    {
      name: 'environment and actor do not tie a token to a repository',
      policy: oidc('token.actions.githubusercontent.com', {
        StringEquals: { ...GH_AUD, 'token.actions.githubusercontent.com:environment': 'production', 'token.actions.githubusercontent.com:actor': 'octocat' },
      }),
      errors: [{ ruleId: RULE, on: GITHUB_ARN }],
    },
    {
      name: 'a subject key of another issuer does not count',
      policy: oidc('token.actions.githubusercontent.com', { StringEquals: GH_AUD, StringLike: { 'gitlab.com:sub': 'project_path:mygroup/*' } }),
      errors: [{ ruleId: RULE, on: GITHUB_ARN }],
    },
    {
      name: 'two principals in one statement, neither with a subject (two findings), NotAction',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        NotAction: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { ...GH_AUD, [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' } },
      }),
      errors: [
        { ruleId: RULE, on: GITHUB_ARN, message: /^The statement #1 trusts GitHub Actions/ },
        { ruleId: RULE, on: EKS_ARN, severity: 'error' },
      ],
    },
    {
      name: 'one principal scoped, the other not',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        Action: 'sts:assumerolewithwebidentity',
        Condition: { StringEquals: { ...GH_AUD, [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com', [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:default:app' } },
      }),
      errors: [{ ruleId: RULE, on: GITHUB_ARN }],
    },
  ],
});

describe('missing-subject: values the file does not determine', () => {
  it('reports a !Sub principal with pseudo parameters, at the !Sub value', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
`;
    const [d, ...rest] = lint('t.yaml', text, [RULE]);
    expect(rest).toEqual([]);
    expect(located(d)).toEqual({ ruleId: RULE, line: 11, column: 31, endLine: 11, endColumn: 125 });
    expect(d.severity).toBe('error');
  });

  it('reports an EKS issuer built with !Sub and !GetAtt, keeping the severity of a cluster', () => {
    const text = `Resources:
  Oidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub https://oidc.eks.\${AWS::Region}.amazonaws.com/id/ABCDEF0123456789
      ClientIdList: [sts.amazonaws.com]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Federated: !GetAtt Oidc.Arn }
            Action: sts:AssumeRoleWithWebIdentity
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map((d) => [located(d), d.severity])).toEqual([[{ ruleId: RULE, line: 13, column: 45, endLine: 13, endColumn: 53 }, 'error']]);
    expect(diags[0].message).toMatch(/EKS cluster `ABCDEF0123456789`/);
  });

  it('says nothing when the principal, the issuer or the conditions cannot be seen', () => {
    const text = `Parameters:
  ProviderArn: { Type: String }
  IssuerHost: { Type: String }
Conditions:
  Prod: !Equals [!Ref "AWS::AccountId", "111122223333"]
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref ProviderArn }
            Action: sts:AssumeRoleWithWebIdentity
          - Effect: Allow
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/\${IssuerHost}" }
            Action: sts:AssumeRoleWithWebIdentity
          - Effect: Allow
            Principal: { Federated: "${GITHUB_ARN}" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition: !If [Prod, { StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/*" } }, !Ref "AWS::NoValue"]
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('a Terraform condition key built from the provider URL counts as the subject key', () => {
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
                  { test: 'StringLike', variable: '${aws_iam_openid_connect_provider.github.url}:sub', values: ['repo:octo-org/octo-repo:*'] },
                ],
              },
            ],
          },
        },
      },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
  });

  it('a condition key that is wholly a Terraform expression might be the subject key', () => {
    const tf = {
      variable: { issuer: {} },
      resource: { aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
      data: {
        aws_iam_policy_document: {
          trust: {
            statement: [
              {
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: [GITHUB_ARN] }],
                condition: [
                  { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
                  { test: 'StringLike', variable: '${var.issuer}${var.sub_suffix}', values: ['repo:octo-org/octo-repo:*'] },
                ],
              },
            ],
          },
        },
      },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
  });

  it('reports a Terraform principal that references the OIDC provider resource when no subject is checked', () => {
    const tf = {
      resource: {
        aws_iam_openid_connect_provider: { github: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: {
          deploy: {
            name: 'deploy',
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${aws_iam_openid_connect_provider.github.arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: { StringEquals: GH_AUD },
                },
              ],
            }),
          },
        },
      },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, ...locate({ path: 'main.tf.json', text, encode: (v) => [JSON.stringify(JSON.stringify(v)).slice(1, -1)] }, '${aws_iam_openid_connect_provider.github.arn}') }]);
    expect(diags[0].message).toMatch(/any repository on GitHub can assume this role/);
  });

  it('reports inside a policy written as a JSON string in CloudFormation', () => {
    const policy = JSON.stringify(oidc('token.actions.githubusercontent.com', { StringEquals: GH_AUD }));
    const template = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } } };
    const w = { path: 't.json', text: JSON.stringify(template, null, 2), encode: (v: string) => [JSON.stringify(JSON.stringify(v)).slice(1, -1)] };
    expect(lint(w.path, w.text, [RULE]).map(located)).toEqual([{ ruleId: RULE, ...locate(w, GITHUB_ARN) }]);
  });

  it('a user-chosen severity overrides the per-finding severity', async () => {
    const { Linter } = await import('../../src/linter.js');
    const w = wrap(oidc('auth.example.com', { StringEquals: { 'auth.example.com:aud': 'x' } }), 'policy-json');
    const linter = new Linter({ config: { rules: { [RULE]: { severity: 'error' } } } });
    expect(linter.lintText(w.path, w.text).diagnostics.filter((d) => d.ruleId === RULE).map((d) => d.severity)).toEqual(['error']);
  });
});

/** Findings of this rule in a fixture, as `line:col-line:col text`. */
function fixtureFindings(file: string): string[] {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  return lint(file, text, [RULE]).map((d) => `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.severity} ${text.slice(d.offsets.start, d.offsets.end)}`);
}

describe('missing-subject: fixture', () => {
  it('reports the two roles that never check who holds the token, not the scoped one', () => {
    expect(fixtureFindings('fixtures/rules/missing-subject/ci-roles.yaml')).toEqual([
      '25:34-25:48 error GitHubOidc.Arn',
      '66:31-66:158 error arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1F3A7E9B2D4E6F8A0B1C2D3E4F5A6B',
    ]);
  });
});
