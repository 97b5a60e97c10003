import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, wrap, type Policy } from '../harness.js';
import { Linter } from '../../src/linter.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'unexpected-audience';
const GH_AUD = 'token.actions.githubusercontent.com:aud';
const GH_SUB = 'token.actions.githubusercontent.com:sub';
const POOL = 'us-east-1:12345678-abcd-abcd-abcd-123456789012';

function github(aud: string | string[], operator = 'StringEquals', sid = 'GitHubDeploy'): Policy {
  return trust({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    // One block per operator: under StringLike the audience sits beside the subject.
    Condition: {
      StringLike: { [GH_SUB]: 'repo:octo-org/octo-repo:ref:refs/heads/main' },
      [operator]: { ...(operator === 'StringLike' ? { [GH_SUB]: 'repo:octo-org/octo-repo:ref:refs/heads/main' } : {}), [GH_AUD]: aud },
    },
  });
}

function oidc(host: string, aud: string, sub: string): Policy {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:aud`]: aud, [`${host}:sub`]: sub } },
  });
}

function cognito(aud: string | string[], operator = 'StringEquals'): Policy {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: 'cognito-identity.amazonaws.com' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      [operator]: { 'cognito-identity.amazonaws.com:aud': aud },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
    },
  });
}

const eks = (aud: string) => oidc(EKS_ISSUER, aud, 'system:serviceaccount:default:my-service-account');
const terraform = (aud: string) => oidc('app.terraform.io', aud, 'organization:acme:project:infra:workspace:prod:run_phase:apply');

const NEVER = 'the role can never be assumed through this statement, and every call fails with "Not authorized to perform sts:AssumeRoleWithWebIdentity"';
const GITHUB_CUSTOM =
  " — or, if the workflow requests this audience on purpose (the action's `audience` input), add it to the OIDC provider's ClientIdList and to this rule's `audiences` option.";

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'GitHub: sts.amazonaws.com under ForAnyValue:StringEquals', policy: github(['sts.amazonaws.com'], 'ForAnyValue:StringEquals') },
    { name: 'GitHub: the China Regions audience', policy: github('sts.amazonaws.com.cn') },
    { name: 'GitHub: a different case under StringEqualsIgnoreCase', policy: github('STS.amazonaws.com', 'StringEqualsIgnoreCase') },
    { name: 'GitHub: StringLike without a wildcard, IfExists', policy: github('sts.amazonaws.com', 'StringLikeIfExists') },
    { name: 'GitHub: a pattern is not a literal audience', policy: github('sts.amazonaws.*', 'StringLike') },
    { name: 'GitHub: a negated operator does not name the audience', policy: github('https://github.com/octo-org', 'StringNotEquals') },
    { name: 'GitHub Enterprise issuer', policy: oidc('token.actions.githubusercontent.com/octo-enterprise', 'sts.amazonaws.com', 'repo:octo-org/octo-repo:ref:refs/heads/main') },
    { name: 'EKS: sts.amazonaws.com', policy: eks('sts.amazonaws.com') },
    { name: 'HCP Terraform: aws.workload.identity', policy: terraform('aws.workload.identity') },
    { name: 'GitLab self-chosen audience: no finding', policy: oidc('gitlab.com', 'https://gitlab.example.com', 'project_path:mygroup/myproject:ref_type:branch:ref:main') },
    { name: 'CircleCI organization id', policy: oidc('oidc.circleci.com/org/ab12cd34-0000-4000-8000-000000000000', 'ab12cd34-0000-4000-8000-000000000000', 'org/ab12cd34-0000-4000-8000-000000000000/project/p/user/u') },
    { name: 'generic OIDC provider: any client id', policy: oidc('auth.example.com', 'my-client', 'user-1') },
    { name: 'Cognito identity pools in other partitions', policy: cognito(['cn-north-1:12345678-abcd-abcd-abcd-123456789012', 'us-gov-west-1:12345678-abcd-abcd-abcd-123456789012']) },
    {
      name: 'Deny statements are not checked',
      policy: trust({ Effect: 'Deny', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [GH_AUD]: 'sigstore' } } }),
    },
    {
      name: 'a policy variable in the value',
      policy: github('${aws:PrincipalTag/aud}'),
    },
  ],
  invalid: [
    {
      name: "GitHub's default audience without configure-aws-credentials",
      policy: github('https://github.com/octo-org'),
      errors: [
        {
          ruleId: RULE,
          on: 'https://github.com/octo-org',
          severity: 'error',
          message:
            "`https://github.com/octo-org` in the statement 'GitHubDeploy' is not an audience GitHub Actions issues for AWS: `https://github.com/<owner>` is the audience GitHub gives a token when the workflow asks for none; `aws-actions/configure-aws-credentials` asks for `sts.amazonaws.com`. STS compares `token.actions.githubusercontent.com:aud` with the token's `aud` exactly, so no token matches this value: " +
            NEVER +
            '. Write `sts.amazonaws.com`' +
            GITHUB_CUSTOM,
        },
      ],
    },
    {
      name: 'a trailing slash',
      policy: github('sts.amazonaws.com/'),
      errors: [{ ruleId: RULE, on: 'sts.amazonaws.com/', message: /`sts\.amazonaws\.com\/` in the statement 'GitHubDeploy' is not an audience GitHub Actions issues for AWS: it is not exactly `sts\.amazonaws\.com`/ }],
    },
    { name: 'a scheme', policy: github('https://sts.amazonaws.com'), errors: [{ ruleId: RULE, on: 'https://sts.amazonaws.com', message: /it is not exactly `sts\.amazonaws\.com`/ }] },
    { name: 'amazon.com instead of amazonaws.com', policy: github('sts.amazon.com'), errors: [{ ruleId: RULE, on: 'sts.amazon.com', message: /it is not exactly/ }] },
    { name: 'the wrong case under StringEquals', policy: github('STS.amazonaws.com'), errors: [{ ruleId: RULE, on: 'STS.amazonaws.com', message: /it is not exactly/ }] },
    { name: 'the Sigstore audience', policy: github('sigstore'), errors: [{ ruleId: RULE, on: 'sigstore', message: /`sigstore` is the audience of tokens for Sigstore signing/ }] },
    {
      name: 'two wrong values in one list (two findings), ForAnyValue:StringEquals',
      policy: github(['https://github.com/octo-org', 'sigstore'], 'ForAnyValue:StringEquals'),
      errors: [
        { ruleId: RULE, on: 'https://github.com/octo-org', message: /can never be assumed/ },
        { ruleId: RULE, on: 'sigstore', message: /can never be assumed/ },
      ],
    },
    {
      name: 'a wrong value beside the right one',
      policy: github(['sts.amazonaws.com', 'https://github.com/octo-org']),
      errors: [
        {
          ruleId: RULE,
          on: 'https://github.com/octo-org',
          message: /so no token matches this value \(the statement 'GitHubDeploy' works only through `sts\.amazonaws\.com`\)\. Remove it — or, if the workflow/,
        },
      ],
    },
    { name: 'StringLikeIfExists with a literal wrong value', policy: github('https://github.com/octo-org', 'StringLikeIfExists'), errors: [{ ruleId: RULE, on: 'https://github.com/octo-org' }] },
    {
      name: 'condition keys are case-insensitive',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'Token.Actions.GithubUserContent.com:AUD': 'sts.amazonaws.com/', [GH_SUB]: 'repo:octo-org/octo-repo:ref:refs/heads/main' } },
      }),
      errors: [{ ruleId: RULE, on: 'sts.amazonaws.com/' }],
    },
    {
      name: 'EKS in the China Regions still issues sts.amazonaws.com',
      policy: eks('sts.amazonaws.com.cn'),
      errors: [
        {
          ruleId: RULE,
          on: 'sts.amazonaws.com.cn',
          message:
            '`sts.amazonaws.com.cn` in the statement #1 is not an audience Amazon EKS (IRSA) issues for AWS: the EKS pod identity webhook requests `sts.amazonaws.com` in the China Regions too. STS compares `oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud` with the token\'s `aud` exactly, so no token matches this value: ' +
            NEVER +
            '. Write `sts.amazonaws.com`.',
        },
      ],
    },
    {
      name: 'HCP Terraform with a custom audience not declared in the options',
      policy: terraform('my-custom-audience'),
      errors: [
        {
          ruleId: RULE,
          on: 'my-custom-audience',
          message: /HCP Terraform tokens for AWS carry `aws\.workload\.identity`\..*Write `aws\.workload\.identity` — or, if the workspace sets `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE` to this value, add it to this rule's `audiences` option\.$/,
        },
      ],
    },
    {
      name: 'Cognito: a user pool id',
      policy: cognito('us-east-1_AbCdEf123'),
      errors: [
        {
          ruleId: RULE,
          on: 'us-east-1_AbCdEf123',
          severity: 'error',
          message:
            '`us-east-1_AbCdEf123` in the statement #1 is a Cognito user pool id (`<region>_<id>`), not an identity pool id, but `cognito-identity.amazonaws.com:aud` carries the id of the Cognito identity pool, `<region>:<uuid>` (e.g. `us-east-1:12345678-abcd-abcd-abcd-123456789012`): no identity matches this value: ' +
            NEVER +
            '. Write the id of the identity pool that hands out this role (Cognito console → Identity pools → Identity pool ID).',
        },
      ],
    },
    { name: 'Cognito: an app client id', policy: cognito('1example23456789abcdefghij'), errors: [{ ruleId: RULE, on: '1example23456789abcdefghij', message: /is a Cognito user pool app client id/ }] },
    {
      name: 'Cognito: the identity pool ARN',
      policy: cognito(`arn:aws:cognito-identity:us-east-1:${ACCOUNT}:identitypool/${POOL}`),
      errors: [{ ruleId: RULE, on: `arn:aws:cognito-identity:us-east-1:${ACCOUNT}:identitypool/${POOL}`, message: /is the ARN of an identity pool.*Write the id part of the ARN, `us-east-1:12345678-abcd-abcd-abcd-123456789012`\.$/ }],
    },
    {
      name: 'Cognito: a name, beside a real pool id (ForAnyValue:StringEquals)',
      policy: cognito([POOL, 'my-identity-pool'], 'ForAnyValue:StringEquals'),
      errors: [{ ruleId: RULE, on: 'my-identity-pool', message: /is not a Cognito identity pool id.*works only through `us-east-1:12345678.*Remove it, or write the id/ }],
    },
  ],
});

describe('unexpected-audience: suggestions', () => {
  it('offers the issued audience for a near miss, written in the file syntax', () => {
    const w = wrap(github('sts.amazonaws.com/'), 'policy-json');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('"sts.amazonaws.com/"');
    expect(d.suggestions).toEqual([
      { title: 'Replace with `sts.amazonaws.com`', applicability: 'unsafe', edits: [{ start, end: start + '"sts.amazonaws.com/"'.length, text: '"sts.amazonaws.com"' }] },
    ]);
    expect(d.fix).toBeUndefined();
  });

  it('escapes the suggestion inside a Terraform JSON string', () => {
    const w = wrap(github('sts.amazon.com'), 'tf-string');
    const [d] = lint(w.path, w.text, [RULE]);
    const edit = d.suggestions![0].edits[0];
    expect(w.text.slice(edit.start, edit.end)).toBe('\\"sts.amazon.com\\"');
    expect(edit.text).toBe('\\"sts.amazonaws.com\\"');
  });

  it('keeps a YAML plain scalar plain, and replaces an identity pool ARN with its id', () => {
    const w = wrap(cognito(`arn:aws:cognito-identity:us-east-1:${ACCOUNT}:identitypool/${POOL}`), 'policy-yaml');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('arn:aws:cognito-identity');
    expect(d.suggestions).toEqual([
      {
        title: `Replace with \`${POOL}\``,
        applicability: 'unsafe',
        edits: [{ start, end: start + `arn:aws:cognito-identity:us-east-1:${ACCOUNT}:identitypool/${POOL}`.length, text: POOL }],
      },
    ]);
  });

  it('offers nothing for a custom HCP Terraform audience, a Cognito user pool id, or a value beside a working one', () => {
    for (const policy of [terraform('my-custom-audience'), cognito('us-east-1_AbCdEf123'), github(['sts.amazonaws.com', 'sigstore'])]) {
      const w = wrap(policy, 'policy-json');
      const diags = lint(w.path, w.text, [RULE]);
      expect(diags).toHaveLength(1);
      expect(diags[0].suggestions).toBeUndefined();
    }
  });
});

describe('unexpected-audience: the audiences option', () => {
  const linter = (audiences: Record<string, string[]>) =>
    new Linter({ config: { rules: { [RULE]: { options: { audiences } } } } });

  it('accepts the extra values listed for the provider, and only for it', () => {
    const w = wrap(github('https://github.com/octo-org'), 'cfn-yaml');
    expect(linter({ github: ['https://github.com/octo-org'] }).lintText(w.path, w.text).diagnostics.filter((d) => d.ruleId === RULE)).toEqual([]);
    expect(linter({ eks: ['https://github.com/octo-org'] }).lintText(w.path, w.text).diagnostics.filter((d) => d.ruleId === RULE)).toHaveLength(1);
    const t = wrap(terraform('my-custom-audience'), 'tf-data');
    expect(linter({ terraform: ['my-custom-audience'] }).lintText(t.path, t.text).diagnostics.filter((d) => d.ruleId === RULE)).toEqual([]);
  });

  it('rejects an option of the wrong shape', () => {
    expect(() => new Linter({ config: { rules: { [RULE]: { options: { audiences: ['sts.amazonaws.com'] } } } } })).toThrow(/a map from names to lists of strings/);
  });
});

describe('unexpected-audience: OIDC providers of the same file', () => {
  const template = (clientIds: string, aud: string, principal = '!Ref GithubOidc') => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ClientIds: { Type: CommaDelimitedList }
Resources:
  GithubOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: ${clientIds}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: ${principal}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: ${aud}
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main
`;

  it('accepts an audience the team registered in the ClientIdList', () => {
    expect(lint('t.yaml', template('[sts.amazonaws.com, "https://github.com/octo-org"]', 'https://github.com/octo-org'), [RULE])).toEqual([]);
  });

  it('leaves a value outside a known ClientIdList to audience-not-registered (one finding, not two)', () => {
    const diags = lint('t.yaml', template('[sts.amazonaws.com]', 'sigstore'), [RULE, 'audience-not-registered']);
    expect(diags.map(located)).toEqual([{ ruleId: 'audience-not-registered', line: 22, column: 58, endLine: 22, endColumn: 66 }]);
  });

  it('accepts a value registered for the issuer even when the principal is a hard-coded ARN of another account', () => {
    const text = template('[sts.amazonaws.com, sigstore]', 'sigstore', `arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com`);
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('says nothing when the ClientIdList is a parameter', () => {
    expect(lint('t.yaml', template('!Ref ClientIds', 'https://github.com/octo-org'), [RULE])).toEqual([]);
  });
});

describe('unexpected-audience: values the file does not determine', () => {
  it('skips !Ref and !Sub values, reports the literal one beside them', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Audience: { Type: String }
  Org: { Type: String }
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
                token.actions.githubusercontent.com:aud:
                  - !Ref Audience
                  - !Sub https://github.com/\${Org}
                  - !If [IsProd, sts.amazonaws.com, sigstore]
                  - sigstore
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 22, column: 21, endLine: 22, endColumn: 29 }]);
    // Some values cannot be seen: the finding does not claim the role can never be assumed.
    expect(diags[0].message).toMatch(/so no token matches this value\. Write `sts\.amazonaws\.com`/);
  });

  it('resolves a parameter default; an operator block built with Fn::Sub is not read', () => {
    const text = `Parameters:
  Audience: { Type: String, Default: "sts.amazonaws.com/" }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:aws:iam::\${AWS::AccountId}:oidc-provider/oidc.eks.\${AWS::Region}.amazonaws.com/id/ABC
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                Fn::Sub:
                  - '{"oidc.eks.\${AWS::Region}.amazonaws.com/id/ABC:aud": "x"}'
                  - {}
          - Effect: Allow
            Principal: { Federated: "${EKS_ARN}" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                ${EKS_ISSUER}:aud: !Ref Audience
                ${EKS_ISSUER}:sub: system:serviceaccount:default:app
`;
    const diags = lint('t.yaml', text, [RULE]);
    // Reported at the parameter reference; no suggestion, since the value sits in the parameter's default.
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 24, column: 96, endLine: 24, endColumn: 104 }]);
    expect(diags[0].suggestions).toBeUndefined();
  });

  it('Terraform: a key prefix built from the provider URL takes its provider from the principal', () => {
    const policy = (principal: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: principal },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                '${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:aud': 'sts.amazonaws.com/',
                '${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub': 'system:serviceaccount:default:app',
              },
            },
          },
        ],
      });
    const tf = (principal: string, provider: boolean) => ({
      resource: {
        ...(provider ? { aws_iam_openid_connect_provider: { eks: { url: `https://${EKS_ISSUER}`, client_id_list: ['sts.amazonaws.com'] } } } : {}),
        aws_iam_role: { app: { assume_role_policy: policy(principal) } },
      },
    });
    // The provider is in the file: its ClientIdList decides, and audience-not-registered reports.
    const withProvider = lint('main.tf.json', JSON.stringify(tf('${aws_iam_openid_connect_provider.eks.arn}', true), null, 2), [RULE, 'audience-not-registered']);
    expect(withProvider.map((d) => d.ruleId)).toEqual(['audience-not-registered']);
    // The provider lives elsewhere: the principal says it is EKS.
    const elsewhere = lint('main.tf.json', JSON.stringify(tf(EKS_ARN, false), null, 2), [RULE]);
    expect(elsewhere.map((d) => d.message)).toEqual([expect.stringMatching(/^`sts\.amazonaws\.com\/` in the statement #1 is not an audience Amazon EKS \(IRSA\) issues for AWS/)]);
  });

  it('Terraform JSON: `${aws_iam_openid_connect_provider.x.url}:aud` is read without the scheme, as IAM returns the URL', () => {
    const tf = {
      resource: {
        aws_iam_openid_connect_provider: { gh: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
        aws_iam_role: {
          app: {
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Federated: '${aws_iam_openid_connect_provider.gh.arn}' },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: { StringEquals: { '${aws_iam_openid_connect_provider.gh.url}:aud': 'sts.amazonaws.com/' }, StringLike: { '${aws_iam_openid_connect_provider.gh.url}:sub': 'repo:*' } },
                },
              ],
            }),
          },
        },
      },
    };
    const found = lint('main.tf.json', JSON.stringify(tf, null, 2));
    // The keys are GitHub's: the subject is judged (any repository on GitHub), the audience against the provider.
    expect(found.map((d) => d.ruleId)).toEqual(['audience-not-registered', 'wildcard-subject']);
  });

  it('says nothing about a Terraform interpolation', () => {
    const tf = {
      variable: { audience: {} },
      resource: { aws_iam_role: { r: { assume_role_policy: JSON.stringify(github('${var.audience}')) } } },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
  });
});
