import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, wrap } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'unknown-condition-key';

const GH = 'token.actions.githubusercontent.com';
const AUD = { [`${GH}:aud`]: 'sts.amazonaws.com' };
const SUB = { [`${GH}:sub`]: 'repo:octo-org/octo-repo:ref:refs/heads/main' };

function github(condition: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return trust({ ...extra, Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });
}

/** One web-identity trust statement. */
function federated(principal: string, condition: Record<string, unknown>) {
  return { Effect: 'Allow', Principal: { Federated: principal }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition };
}

function statement(effect: string, action: string | string[], condition: Record<string, unknown>, sid?: string) {
  return { ...(sid ? { Sid: sid } : {}), Effect: effect, Action: action, Resource: '*', Condition: condition };
}

function identity(...statements: Array<Record<string, unknown>>) {
  return { Version: '2012-10-17', Statement: statements as never };
}

const GITHUB_CLAIMS =
  '`aud`, `sub`, `actor`, `actor_id`, `enterprise_id`, `environment`, `job_workflow_ref`, `ref`, `repository`, `repository_id`, `repository_owner_id` and `workflow`';
const NEVER_ASSUMED =
  'this test is never true: statement #1 never applies, and STS refuses every sts:AssumeRoleWithWebIdentity call it was meant to allow ("Not authorized to perform sts:AssumeRoleWithWebIdentity")';

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    {
      name: 'common global and service keys, each with actions of its service',
      policy: identity(
        statement('Allow', ['s3:PutObject', 's3:ListBucket'], {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ACCOUNT, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/*' },
          StringLike: { 's3:prefix': ['home/', 'home/${aws:username}/*'] },
        }),
        statement('Deny', 's3:*', { Bool: { 'aws:SecureTransport': 'false' } }),
        statement('Allow', ['kms:Decrypt', 'kms:GenerateDataKey*'], {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::reports/*' },
        }),
        statement('Allow', 'iam:PassRole', { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }),
        statement('Allow', ['ec2:StartInstances', 'ec2:CreateTags'], {
          StringEquals: { 'ec2:ResourceTag/Name': 'build-agent', 'aws:PrincipalTag/team': 'ci', 'aws:RequestTag/Env': 'dev' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['Env', 'Name'] },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        }),
        statement('Allow', 'secretsmanager:GetSecretValue', { StringEquals: { 'secretsmanager:ResourceTag/team': 'ci' } }),
      ),
    },
    {
      name: 'an account trust with STS keys',
      policy: trust({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'sts:ExternalId': 'c0ffee', 'iam:ResourceTag/team': 'ci', 'aws:SourceAccount': ACCOUNT },
          StringLike: { 'sts:RoleSessionName': '${aws:username}', 'sts:SourceIdentity': 'admin-*' },
        },
      }),
    },
    {
      name: 'SAML keys in either case',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', 'saml:sub_type': 'persistent' } },
      }),
    },
    {
      name: 'GitHub claims beyond sub, and a GitHub Enterprise issuer',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}/octo-enterprise`] },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            ...AUD,
            [`${GH}:repository_owner_id`]: '123456',
            [`${GH}:job_workflow_ref`]: 'octo-org/workflows/.github/workflows/deploy.yml@refs/heads/main',
            [`${GH}/octo-enterprise:aud`]: 'sts.amazonaws.com',
            [`${GH}/octo-enterprise:environment`]: 'production',
          },
          StringLike: { ...SUB, [`${GH}/octo-enterprise:sub`]: 'repo:octo-org/*' },
        },
      }),
    },
    {
      name: 'GitLab, CircleCI, Google, Facebook, Login with Amazon, Cognito, EKS and a generic issuer',
      policy: {
        Version: '2012-10-17',
        Statement: [
          federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`, { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:project_id': '42', 'gitlab.com:sub': 'project_path:g/p:ref_type:branch:ref:main' } }),
          federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.circleci.com/org/0f3a`, {
            StringEquals: { 'oidc.circleci.com/org/0f3a:aud': '0f3a', 'oidc.circleci.com/org/0f3a:oidc.circleci.com/project-id': '9d2c' },
          }),
          federated('accounts.google.com', { StringEquals: { 'accounts.google.com:aud': '1.apps.googleusercontent.com', 'accounts.google.com:oaud': 'x', 'accounts.google.com:sub': '110' } }),
          federated('graph.facebook.com', { StringEquals: { 'graph.facebook.com:app_id': '1', 'graph.facebook.com:id': '2' } }),
          federated('www.amazon.com', { StringEquals: { 'www.amazon.com:app_id': 'amzn1.application-oa2-client.1', 'www.amazon.com:user_id': 'amzn1.account.A' } }),
          federated('cognito-identity.amazonaws.com', {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456790ab' },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          }),
          federated(EKS_ARN, { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com', [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:ci:deployer' } }),
          federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com/oauth2`, {
            StringEquals: { 'login.example.com/oauth2:aud': 'app', 'login.example.com/oauth2:sub': 'u1', 'login.example.com/oauth2:amr': 'mfa' },
          }),
          federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/agent.buildkite.com`, {
            StringEquals: { 'agent.buildkite.com:aud': 'sts.amazonaws.com', 'agent.buildkite.com:organization_slug': 'octo' },
            StringLike: { 'agent.buildkite.com:sub': 'organization:octo:pipeline:deploy:*' },
          }),
        ] as never,
      },
    },
    {
      name: 'keys are case-insensitive',
      policy: github({ StringEquals: { 'TOKEN.Actions.GitHubUserContent.com:AUD': 'sts.amazonaws.com', 'AWS:SourceAccount': ACCOUNT }, StringLike: SUB }),
    },
    {
      name: 'no verdict on which service a key belongs to when the actions are `*`, unknown or NotAction',
      policy: identity(
        statement('Allow', '*', { StringLike: { 's3:prefix': 'home/' } }),
        statement('Allow', ['ec2:DescribeInstances', 's4:GetObject'], { StringLike: { 's3:prefix': 'home/' } }),
        { Effect: 'Deny', NotAction: 'ec2:*', Resource: '*', Condition: { StringLike: { 's3:prefix': 'home/' } } },
      ),
    },
    {
      name: 'keys AWS adds to requests of every service: global and session keys, and keys other services list',
      policy: identity(
        statement('Allow', 's3:GetObject', { ArnEquals: { 'ec2:SourceInstanceARN': 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123' } }),
        statement('Allow', 'ssm:SendCommand', { StringEquals: { 'ssm:resourceTag/team': 'ci', 'ec2:SourceInstanceARN': 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123' } }),
        statement('Allow', 'sts:AssumeRole', { StringEquals: { 'iam:ResourceTag/team': 'ci' } }),
      ),
    },
  ],
  invalid: [
    {
      name: 'a GitHub subject written `subject`',
      policy: github({ StringEquals: AUD, StringLike: { [`${GH}:subject`]: 'repo:octo-org/octo-repo:*' } }),
      errors: [
        {
          ruleId: RULE,
          on: `${GH}:subject`,
          severity: 'warning',
          message: `\`${GH}:subject\` in statement #1: AWS STS takes no \`subject\` claim from GitHub Actions tokens (it supports ${GITHUB_CLAIMS}), so the key is never in the request context and ${NEVER_ASSUMED}. Did you mean \`${GH}:sub\`?`,
        },
      ],
    },
    {
      name: 'an audience written `audience` and a key with https:// (two findings)',
      policy: github({ StringEquals: { [`${GH}:audience`]: 'sts.amazonaws.com' }, StringLike: { [`https://${GH}:sub`]: 'repo:octo-org/octo-repo:*' } }, { Sid: 'GitHubDeploy' }),
      errors: [
        { ruleId: RULE, on: `${GH}:audience`, message: /takes no `audience` claim from GitHub Actions tokens.*Did you mean `token\.actions\.githubusercontent\.com:aud`\?$/ },
        {
          ruleId: RULE,
          on: `https://${GH}:sub`,
          message: `\`https://${GH}:sub\` in statement 'GitHubDeploy' starts with \`https://\`, but condition keys never carry \`https://\`: the key is never in the request context and this test is never true: statement 'GitHubDeploy' never applies, and STS refuses every sts:AssumeRoleWithWebIdentity call it was meant to allow ("Not authorized to perform sts:AssumeRoleWithWebIdentity"). Write \`${GH}:sub\`.`,
        },
      ],
    },
    {
      name: 'a negated test on an unknown claim is always true',
      policy: github({ StringEquals: AUD, StringLike: SUB, StringNotEquals: { [`${GH}:actor_login`]: 'dependabot[bot]' } }),
      errors: [
        {
          ruleId: RULE,
          on: `${GH}:actor_login`,
          message: /so the key is never in the request context and this test is always true and restricts nothing: it does not narrow who can call sts:AssumeRoleWithWebIdentity on the role\./,
        },
      ],
    },
    {
      name: 'the provider ARN written into the key',
      policy: github({ StringEquals: { [`arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: SUB }),
      errors: [
        {
          ruleId: RULE,
          on: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}:aud`,
          message: `\`arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}:aud\` in statement #1 starts with the provider ARN, but a web-identity condition key starts with the issuer host and path only: the key is never in the request context and ${NEVER_ASSUMED}. Write \`${GH}:aud\`.`,
        },
      ],
    },
    {
      name: 'a claim written without its issuer',
      policy: github({ StringEquals: AUD, StringLike: { sub: 'repo:octo-org/octo-repo:*' } }),
      errors: [
        {
          ruleId: RULE,
          on: 'sub',
          message: `\`sub\` in statement #1 has no prefix: condition keys are written \`<prefix>:<name>\` (\`aws:SourceAccount\`, \`<issuer>:sub\`), so it is never in the request context and ${NEVER_ASSUMED}. Did you mean \`${GH}:sub\`?`,
        },
      ],
    },
    {
      name: 'claims the provider does not have: Facebook, Login with Amazon, GitLab, EKS',
      policy: {
        Version: '2012-10-17',
        Statement: [
          federated('graph.facebook.com', { StringEquals: { 'graph.facebook.com:aud': '1', 'graph.facebook.com:id': '2' } }),
          federated('www.amazon.com', { StringEquals: { 'www.amazon.com:app_id': 'amzn1.application-oa2-client.1', 'www.amazon.com:sub': 'amzn1.account.A' } }),
          federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`, { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' }, StringLike: { 'gitlab.com:project_path': 'mygroup/*' } }),
          federated(EKS_ARN, { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com', [`${EKS_ISSUER}:namespace`]: 'ci' } }),
        ] as never,
      },
      errors: [
        { ruleId: RULE, on: 'graph.facebook.com:aud', message: /takes no `aud` claim from Facebook tokens \(it supports `app_id` and `id`\).*Did you mean `graph\.facebook\.com:app_id`\?$/ },
        { ruleId: RULE, on: 'www.amazon.com:sub', message: /Did you mean `www\.amazon\.com:user_id`\?$/ },
        { ruleId: RULE, on: 'gitlab.com:project_path', message: /takes no `project_path` claim from GitLab tokens \(it supports `aud`, `sub`, `namespace_id`, / },
        { ruleId: RULE, on: `${EKS_ISSUER}:namespace`, message: /takes no `namespace` claim from Amazon EKS \(IRSA\) tokens \(it supports `aud` and `sub`\)/ },
      ],
    },
    {
      name: 'a claim a generic OpenID Connect provider does not pass to STS',
      policy: trust(
        federated(`arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com/oauth2`, {
          StringEquals: { 'login.example.com/oauth2:aud': 'app', 'login.example.com/oauth2:email': 'ops@example.com' },
        }),
      ),
      errors: [
        {
          ruleId: RULE,
          on: 'login.example.com/oauth2:email',
          message:
            '`login.example.com/oauth2:email` in statement #1: AWS STS takes no `email` claim from `login.example.com/oauth2` tokens (it supports `aud`, `sub` and `amr`), so the key is never in the request context and ' +
            NEVER_ASSUMED +
            '.',
        },
      ],
    },
    {
      name: 'a misspelled global key in an account trust',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAcount': ACCOUNT } } }),
      errors: [
        {
          ruleId: RULE,
          on: 'aws:SourceAcount',
          message:
            '`aws:SourceAcount` in statement #1 is not an AWS global condition key, so it is never in the request context and this test is never true: statement #1 never applies, and STS refuses every sts:AssumeRole call it was meant to allow ("Not authorized to perform sts:AssumeRole"). Did you mean `aws:SourceAccount`?',
        },
      ],
    },
    {
      name: 'a tag key without its tag name, and a misspelled service key',
      policy: identity(statement('Allow', ['s3:PutObject'], { StringEquals: { 'aws:PrincipalTag': 'ci', 's3:x-amz-acll': 'private' } }, 'Upload')),
      errors: [
        {
          ruleId: RULE,
          on: 'aws:PrincipalTag',
          message:
            "`aws:PrincipalTag` in statement 'Upload' is not an AWS global condition key, so it is never in the request context and this test is never true and statement 'Upload' never grants anything. Did you mean `aws:PrincipalTag/<TagKey>`?",
        },
        {
          ruleId: RULE,
          on: 's3:x-amz-acll',
          message:
            "`s3:x-amz-acll` in statement 'Upload' is not a condition key of `s3`, so it is never in the request context and this test is never true and statement 'Upload' never grants anything. Did you mean `s3:x-amz-acl`?",
        },
      ],
    },
    {
      name: 'a prefix that is no service',
      policy: identity(statement('Deny', 's3:ListBucket', { StringNotLike: { 's4:prefix': 'public/*' } })),
      errors: [
        {
          ruleId: RULE,
          on: 's4:prefix',
          message:
            '`s4:prefix` in statement #1: `s4` is neither `aws`, an AWS service prefix nor an identity-provider issuer, so the key is never in the request context and this test is always true and statement #1 denies its actions unconditionally. Did you mean `s3:prefix`?',
        },
      ],
    },
    {
      name: 'an S3 key on EC2 actions, in an Allow',
      policy: identity(statement('Allow', ['ec2:RunInstances', 'ec2:CreateTags'], { StringLike: { 's3:prefix': 'builds/*' } }, 'Launch')),
      errors: [
        {
          ruleId: RULE,
          on: 's3:prefix',
          message:
            "`s3:prefix` is a key of `s3`, but the actions of statement 'Launch' are all `ec2`: it is never present in their requests, so this test is never true and statement 'Launch' never grants anything. Test a key of `ec2` or a global `aws:` key, or move the condition to a statement with `s3` actions.",
        },
      ],
    },
    {
      name: 'a KMS key on S3 and SNS actions, in a Deny with a negated operator',
      policy: identity(statement('Deny', ['s3:PutObject', 'sns:Publish'], { StringNotEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })),
      errors: [
        {
          ruleId: RULE,
          on: 'kms:ViaService',
          message: /is a key of `kms`, but the actions of statement #1 are all `s3` and `sns`: .*so this test is always true and statement #1 denies its actions unconditionally\./,
        },
      ],
    },
    {
      name: 'IfExists, ForAnyValue, ForAllValues and Null on a key that is never there',
      policy: identity(
        statement('Allow', 'ec2:RunInstances', { StringLikeIfExists: { 's3:prefix': 'a/*' } }),
        statement('Deny', 'ec2:RunInstances', { 'ForAnyValue:StringEquals': { 'sns:Protocol': ['http', 'email'] } }),
        statement('Allow', 'ec2:RunInstances', { 'ForAllValues:StringEquals': { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' } }),
        statement('Deny', 'ec2:RunInstances', { Null: { 'lambda:FunctionUrlAuthType': ['true'] } }),
      ),
      errors: [
        { ruleId: RULE, on: 's3:prefix', message: /so this test is always true and restricts nothing in statement #1\./ },
        { ruleId: RULE, on: 'sns:Protocol', message: /so this test is never true and the Deny in statement #2 never applies: the guardrail does not exist\./ },
        { ruleId: RULE, on: 'iam:PolicyARN', message: /so this test is always true and restricts nothing in statement #3\./ },
        { ruleId: RULE, on: 'lambda:FunctionUrlAuthType', message: /so this test is always true and statement #4 denies its actions unconditionally\./ },
      ],
    },
  ],
});

/** Applies a finding's first suggestion to the text. */
function applySuggestion(text: string, d: { suggestions?: Array<{ edits: Array<{ start: number; end: number; text: string }> }> }): string {
  const edits = [...(d.suggestions?.[0]?.edits ?? [])].sort((a, b) => b.start - a.start);
  return edits.reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);
}

describe('unknown-condition-key: suggestions', () => {
  it('renames the key in JSON, as an unsafe suggestion, and the rule is then silent', () => {
    const text = JSON.stringify(github({ StringEquals: AUD, StringLike: { [`${GH}:subject`]: 'repo:octo-org/octo-repo:*' } }), null, 2);
    const [d] = lint('p.json', text, [RULE]);
    const start = text.indexOf(`"${GH}:subject"`);
    expect(d.fix).toBeUndefined();
    expect(d.suggestions).toEqual([
      { title: `Replace with \`${GH}:sub\``, applicability: 'unsafe', edits: [{ start, end: start + GH.length + 10, text: `"${GH}:sub"` }] },
    ]);
    expect(lint('p.json', applySuggestion(text, d), [RULE])).toEqual([]);
  });

  it('keeps YAML keys in their style, and removes https:// from a quoted key', () => {
    const text = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal:
      Federated: ${GITHUB_ARN}
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringEquals:
        ${GH}:audience: sts.amazonaws.com
      StringLike:
        "https://${GH}:sub": repo:octo-org/octo-repo:*
`;
    const diags = lint('p.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([
      { ruleId: RULE, line: 9, column: 9, endLine: 9, endColumn: 53 },
      { ruleId: RULE, line: 11, column: 9, endLine: 11, endColumn: 58 },
    ]);
    expect(diags.map((d) => d.suggestions![0].edits[0].text)).toEqual([`${GH}:aud`, `"${GH}:sub"`]);
    const fixed = applySuggestion(applySuggestion(text, diags[1]), diags[0]);
    expect(fixed).toContain(`        ${GH}:aud: sts.amazonaws.com\n      StringLike:\n        "${GH}:sub": repo:octo-org/octo-repo:*\n`);
    expect(lint('p.yaml', fixed, [RULE])).toEqual([]);
  });

  it('escapes the suggestion inside a Terraform JSON string, and renames a data source `variable`', () => {
    const policy = github({ StringEquals: AUD, StringLike: { [`${GH}:subject`]: 'repo:octo-org/octo-repo:*' } });
    const s = wrap(policy, 'tf-string');
    const [d] = lint(s.path, s.text, [RULE]);
    const edit = d.suggestions![0].edits[0];
    expect(s.text.slice(edit.start, edit.end)).toBe(`\\"${GH}:subject\\"`);
    expect(edit.text).toBe(`\\"${GH}:sub\\"`);
    const t = wrap(policy, 'tf-data');
    const [e] = lint(t.path, t.text, [RULE]);
    expect(e.suggestions![0].edits[0].text).toBe(`"${GH}:sub"`);
  });

  it('names a key with a variable part but offers no edit to a placeholder', () => {
    const text = JSON.stringify(identity(statement('Allow', 's3:GetObject', { StringEquals: { 'aws:ResourceTag': 'ci' } })));
    const [d] = lint('p.json', text, [RULE]);
    expect(d.message).toMatch(/Did you mean `aws:ResourceTag\/<TagKey>`\?$/);
    expect(d.suggestions).toBeUndefined();
  });

  it('offers no rename onto a key the block already has (it would duplicate the key)', () => {
    const policy = github({ StringEquals: { ...AUD, [`${GH}:audience`]: 'sts.amazonaws.com' }, StringLike: SUB });
    const j = wrap(policy, 'policy-json');
    const [d] = lint(j.path, j.text, [RULE]);
    expect(d.message).toMatch(/Did you mean `token\.actions\.githubusercontent\.com:aud`\?$/);
    expect(d.suggestions).toBeUndefined();
    const t = wrap(policy, 'tf-data');
    expect(lint(t.path, t.text, [RULE])[0].suggestions).toHaveLength(1);
  });

  it('gives no suggestion for a notInRequest finding: the fix is a decision about the policy', () => {
    const text = JSON.stringify(identity(statement('Allow', 'ec2:RunInstances', { StringLike: { 's3:prefix': 'a/*' } })));
    const [d] = lint('p.json', text, [RULE]);
    expect(d.suggestions).toBeUndefined();
  });
});

describe('unknown-condition-key: what it cannot see', () => {
  it('finds the key inside a !Sub JSON string, and skips keys with placeholders', () => {
    const text = `Parameters:
  ClusterIssuer: { Type: String }
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::\${AWS::AccountId}:oidc-provider/\${ClusterIssuer}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
              "StringEquals": {"\${ClusterIssuer}:aud": "sts.amazonaws.com", "\${ClusterIssuer}:subject": "system:serviceaccount:ci:deployer"},
              "Bool": {"aws:SecureTransprt": "true"}
            }
          }]
        }
`;
    const diags = lint('template.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 16, column: 24, endLine: 16, endColumn: 44 }]);
    expect(diags[0].message).toMatch(/^`aws:SecureTransprt` in statement #1 is not an AWS global condition key.*Did you mean `aws:SecureTransport`\?$/);
  });

  it('skips Terraform expressions and IAM policy variables in keys', () => {
    const tf = {
      variable: { issuer: { type: 'string' } },
      data: {
        aws_iam_policy_document: {
          p: {
            statement: [
              {
                actions: ['sts:AssumeRoleWithWebIdentity'],
                principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::111122223333:oidc-provider/${var.issuer}'] }],
                condition: [
                  { test: 'StringEquals', variable: '${var.issuer}:subject', values: ['system:serviceaccount:ci:deployer'] },
                  { test: 'StringEquals', variable: '${var.issuer}:aud', values: ['sts.amazonaws.com'] },
                ],
              },
            ],
          },
        },
      },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
    const raw = identity(statement('Allow', 's3:GetObject', { StringEquals: { 'aws:ResourceTag/${aws:username}': 'owner' } }));
    expect(lint('p.json', JSON.stringify(raw), [RULE])).toEqual([]);
  });

  it('says nothing when the whole condition block is an intrinsic', () => {
    const text = `Conditions:
  Strict: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"
            Condition: !If [Strict, {StringEquals: {aws:SourceAcount: "111122223333"}}, !Ref AWS::NoValue]
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});

describe('unknown-condition-key: fixture', () => {
  it('reports the Terraform deploy role: the subject claim, a key on the wrong service, a guardrail that never fires', () => {
    const FILE = 'fixtures/rules/unknown-condition-key/github-deploy.tf.json';
    const text = readFileSync(FILE, 'utf8');
    const diags = lint(FILE, text, [RULE]);
    expect(diags.map((d) => `${located(d).line}:${located(d).column} ${text.slice(d.offsets.start, d.offsets.end)}`)).toEqual([
      `45:29 "${GH}:subject"`,
      '78:29 "s3:prefix"',
      '96:29 "aws:SecureTransort"',
    ]);
    expect(diags[1].message).toBe(
      "`s3:prefix` is a key of `s3`, but the actions of statement 'Invalidate' are all `cloudfront`: it is never present in their requests, so this test is never true and statement 'Invalidate' never grants anything. Test a key of `cloudfront` or a global `aws:` key, or move the condition to a statement with `s3` actions.",
    );
    expect(diags[2].message).toBe(
      "`aws:SecureTransort` in statement 'DenyOutsideOrg' is not an AWS global condition key, so it is never in the request context and this test is never true and the Deny in statement 'DenyOutsideOrg' never applies: the guardrail does not exist. Did you mean `aws:SecureTransport`?",
    );
  });
});
