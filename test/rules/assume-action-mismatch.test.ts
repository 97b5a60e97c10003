import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, type Format } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, GITHUB_ARN, trust } from './policies.js';

const RULE = 'assume-action-mismatch';
const SAML_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleOrgSSOProvider`;
/** A raw policy file is a trust policy only when it allows an assume action (`inferKind`). */
const WRAPPED: Format[] = ['cfn-yaml', 'cfn-json', 'tf-string', 'tf-data', 'plan'];

const GITHUB_CONDITION = {
  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/main' },
};

function github(action: string | string[], extra: Record<string, unknown> = {}) {
  return trust({ Sid: 'GitHubDeploy', Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: action, Condition: GITHUB_CONDITION, ...extra });
}

function saml(action: string | string[]) {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: SAML_ARN },
    Action: action,
    Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
  });
}

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'web identity with session tags', policy: github(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']) },
    { name: 'a wildcard that includes web identity (sts:AssumeRole*)', policy: github('sts:AssumeRole*') },
    { name: 'sts:* and *', policy: github(['sts:*']) },
    { name: 'web identity in mixed case', policy: github('STS:assumeRoleWithWebIdentity') },
    { name: 'SAML provider with AssumeRoleWithSAML and session tags (IAM user guide)', policy: saml(['sts:AssumeRoleWithSAML', 'sts:TagSession']) },
    { name: 'an AWS principal with sts:AssumeRole', policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }) },
    { name: 'a Service principal with sts:AssumeRole', policy: trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) },
    {
      name: 'an AWS principal with AssumeRoleWithWebIdentity is left to federated-principal-mismatch',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRoleWithWebIdentity' }),
    },
    {
      name: 'an AWS and a Federated principal, each with its action',
      policy: trust({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin`, Federated: GITHUB_ARN },
        Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'],
        Condition: GITHUB_CONDITION,
      }),
    },
    {
      name: 'session tags in a statement of their own (IAM user guide: passing session tags)',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowIamUserAssumeRole', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/test-user` }, Action: 'sts:AssumeRole' },
          {
            Sid: 'AllowPassSessionTags',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/test-user` },
            Action: 'sts:TagSession',
            Condition: { StringLike: { 'aws:RequestTag/Project': '*' } },
          },
        ],
      },
    },
    { name: 'Deny statements are not checked', policy: trust({ Effect: 'Deny', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRole' }) },
    {
      name: 'NotAction that keeps web identity',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, NotAction: 'sts:AssumeRoleWithSAML', Condition: GITHUB_CONDITION }),
      formats: WRAPPED,
    },
  ],
  invalid: [
    {
      name: 'GitHub OIDC provider with sts:AssumeRole',
      policy: github('sts:AssumeRole'),
      errors: [
        {
          ruleId: RULE,
          on: 'sts:AssumeRole',
          message: `The statement 'GitHubDeploy' trusts the web-identity provider \`${GITHUB_ARN}\` with \`sts:AssumeRole\` instead of \`sts:AssumeRoleWithWebIdentity\`: tokens from that provider can only be exchanged through AssumeRoleWithWebIdentity, so STS refuses every call ("Not authorized to perform sts:AssumeRoleWithWebIdentity") and the role cannot be used. Write \`sts:AssumeRoleWithWebIdentity\`.`,
        },
      ],
    },
    {
      name: 'Cognito (bare host) with sts:AssumeRole next to sts:TagSession',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456790ab' },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      }),
      errors: [{ ruleId: RULE, on: 'sts:AssumeRole', message: /web-identity provider `cognito-identity\.amazonaws\.com` with `sts:AssumeRole` instead of/ }],
    },
    {
      name: 'EKS with an action in mixed case',
      policy: trust({ Effect: 'Allow', Principal: { Federated: EKS_ARN }, Action: 'STS:assumerole' }),
      errors: [{ ruleId: RULE, on: 'STS:assumerole' }],
    },
    {
      name: 'SAML provider with sts:AssumeRoleWithWebIdentity',
      policy: saml('sts:AssumeRoleWithWebIdentity'),
      errors: [
        {
          ruleId: RULE,
          on: 'sts:AssumeRoleWithWebIdentity',
          message: `The statement #1 trusts the SAML provider \`${SAML_ARN}\` with \`sts:AssumeRoleWithWebIdentity\` instead of \`sts:AssumeRoleWithSAML\`: SAML assertions can only be exchanged through AssumeRoleWithSAML, so STS refuses every sign-in ("Not authorized to perform sts:AssumeRoleWithSAML") and the role cannot be used. Write \`sts:AssumeRoleWithSAML\`.`,
        },
      ],
    },
    { name: 'SAML provider with sts:AssumeRole', policy: saml(['sts:AssumeRole', 'sts:TagSession']), errors: [{ ruleId: RULE, on: 'sts:AssumeRole', message: /SAML provider/ }] },
    {
      name: 'OIDC provider with AssumeRole and AssumeRoleWithSAML (two findings)',
      policy: github(['sts:AssumeRole', 'sts:AssumeRoleWithSAML']),
      errors: [
        { ruleId: RULE, on: 'sts:AssumeRole' },
        { ruleId: RULE, on: 'sts:AssumeRoleWithSAML' },
      ],
    },
    {
      name: 'an AWS and a Federated principal with sts:AssumeRole only: reported at the Federated principal',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin`, Federated: GITHUB_ARN }, Action: 'sts:AssumeRole', Condition: GITHUB_CONDITION }),
      errors: [
        {
          ruleId: RULE,
          on: GITHUB_ARN,
          message: `The statement #1 trusts the web-identity provider \`${GITHUB_ARN}\`, but its Action (\`sts:AssumeRole\`) does not allow \`sts:AssumeRoleWithWebIdentity\`, the only call through which that principal can assume a role: STS refuses it. Add \`sts:AssumeRoleWithWebIdentity\` to the Action list.`,
        },
      ],
    },
    {
      name: 'only session tags for a web-identity provider',
      policy: github('sts:TagSession'),
      formats: WRAPPED,
      errors: [
        {
          ruleId: RULE,
          on: 'sts:TagSession',
          message:
            "The statement 'GitHubDeploy' allows `sts:TagSession`, and no assume action (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`): this is a trust policy, so nobody can assume the role through it. Write `sts:AssumeRoleWithWebIdentity`.",
        },
      ],
    },
    {
      name: 'a permissions action pasted into a trust policy',
      policy: trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['s3:GetObject', 's3:PutObject'] }),
      formats: WRAPPED,
      errors: [{ ruleId: RULE, on: 's3:GetObject', message: /allows `s3:GetObject`, `s3:PutObject`, and no assume action .* Write `sts:AssumeRole`\.$/ }],
    },
    {
      name: 'NotAction that excludes web identity',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, NotAction: ['sts:AssumeRoleWithWebIdentity'], Condition: GITHUB_CONDITION }),
      formats: WRAPPED,
      errors: [
        {
          ruleId: RULE,
          on: 'sts:AssumeRoleWithWebIdentity',
          message: `\`NotAction\` value \`sts:AssumeRoleWithWebIdentity\` in the statement #1 excludes \`sts:AssumeRoleWithWebIdentity\`, the only call through which the web-identity provider \`${GITHUB_ARN}\` can assume the role: STS refuses it. Remove \`sts:AssumeRoleWithWebIdentity\` from NotAction, or write \`"Action": "sts:AssumeRoleWithWebIdentity"\`.`,
        },
      ],
    },
    {
      name: 'NotAction sts:* excludes every assume action',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, NotAction: 'sts:*', Condition: GITHUB_CONDITION }),
      formats: WRAPPED,
      errors: [{ ruleId: RULE, on: 'sts:*', message: /allows every action except `sts:\*`, and no assume action .* Write `sts:AssumeRoleWithWebIdentity` in `Action`\.$/ }],
    },
  ],
});

describe('assume-action-mismatch: suggestions', () => {
  it('offers sts:AssumeRoleWithWebIdentity as an unsafe suggestion, in JSON', () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${GITHUB_ARN}"},"Action":"sts:AssumeRole"}]}`;
    const [d] = lint('p.json', text, [RULE]);
    const start = text.indexOf('"sts:AssumeRole"');
    expect(d.fix).toBeUndefined();
    expect(d.suggestions).toEqual([
      { title: 'Replace with `sts:AssumeRoleWithWebIdentity`', applicability: 'unsafe', edits: [{ start, end: start + 16, text: '"sts:AssumeRoleWithWebIdentity"' }] },
    ]);
  });

  it('keeps a YAML plain scalar plain, and offers AssumeRoleWithSAML for a SAML provider', () => {
    const text = `Resources:
  SsoRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:aws:iam::\${AWS::AccountId}:saml-provider/okta
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                SAML:aud: https://signin.aws.amazon.com/saml
`;
    const [d] = lint('t.yaml', text, [RULE]);
    expect(located(d)).toEqual({ ruleId: RULE, line: 11, column: 21, endLine: 11, endColumn: 35 });
    const start = text.indexOf('sts:AssumeRole');
    expect(d.suggestions).toEqual([{ title: 'Replace with `sts:AssumeRoleWithSAML`', applicability: 'unsafe', edits: [{ start, end: start + 14, text: 'sts:AssumeRoleWithSAML' }] }]);
  });

  it('escapes the suggestion for a policy inside a Terraform JSON string', () => {
    const tf = { resource: { aws_iam_role: { deploy: { assume_role_policy: JSON.stringify(github('sts:AssumeRole')) } } } };
    const text = JSON.stringify(tf, null, 2);
    const [d] = lint('main.tf.json', text, [RULE]);
    const edit = d.suggestions![0].edits[0];
    expect(text.slice(edit.start, edit.end)).toBe('\\"sts:AssumeRole\\"');
    expect(edit.text).toBe('\\"sts:AssumeRoleWithWebIdentity\\"');
  });

  it('offers no suggestion where no single value is wrong', () => {
    const [d] = lint('p.json', JSON.stringify(github('sts:TagSession')), [RULE]);
    expect(d).toBeUndefined(); // a raw file allowing no assume action is not a trust policy
    const cfn = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: ${GITHUB_ARN} }
            Action: sts:TagSession
`;
    const [e] = lint('t.yaml', cfn, [RULE]);
    expect(e.message).toMatch(/no assume action/);
    expect(e.suggestions).toBeUndefined();
  });
});

describe('assume-action-mismatch: values the template does not determine', () => {
  it('resolves !Ref to an OIDC provider of the template, and reports at the action', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  GitHubOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Ref GitHubOidc
            Action: [sts:AssumeRole]
`;
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 17, column: 22, endLine: 17, endColumn: 36 }]);
  });

  it('says nothing when the principal or the action is a parameter', () => {
    const text = `Parameters:
  ProviderArn: { Type: String }
  AssumeAction: { Type: String }
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref ProviderArn }
            Action: sts:AssumeRole
          - Effect: Allow
            Principal: { Federated: ${GITHUB_ARN} }
            Action: [!Ref AssumeAction]
          - Effect: Allow
            Principal: { Federated: ${GITHUB_ARN} }
            Action: !Sub "sts:\${AssumeAction}"
          - Effect: !If [IsProd, Allow, Deny]
            Principal: { Federated: ${GITHUB_ARN} }
            Action: sts:AssumeRole
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('reports a known principal next to an unknown one at the principal, not at the action', () => {
    const text = `Parameters:
  Other: { Type: String }
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: [${GITHUB_ARN}, !Ref Other]
            Action: sts:AssumeRoleWithSAML
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 12, column: 27, endLine: 12, endColumn: 27 + GITHUB_ARN.length }]);
    expect(diags[0].message).toMatch(/does not allow `sts:AssumeRoleWithWebIdentity`/);
    expect(diags[0].suggestions).toBeUndefined();
  });

  it('checks a trust policy written as a JSON string in CloudFormation', () => {
    const policy = JSON.stringify(github('sts:AssumeRole'));
    const text = `Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: '${policy}'\n`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags).toHaveLength(1);
    const start = text.indexOf('"sts:AssumeRole"');
    expect(diags[0].offsets).toEqual({ start, end: start + 16 });
  });

  it('reads a Terraform data source linked as the assume-role policy', () => {
    const tf = {
      data: {
        aws_iam_policy_document: {
          trust: {
            statement: [
              {
                actions: ['sts:AssumeRole'],
                principals: [{ type: 'Federated', identifiers: [GITHUB_ARN] }],
                condition: [{ test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] }],
              },
            ],
          },
        },
      },
      resource: { aws_iam_role: { r: { assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags.map((d) => text.slice(d.offsets.start, d.offsets.end))).toEqual(['"sts:AssumeRole"']);
  });
});

describe('assume-action-mismatch: several providers', () => {
  it('reports each provider once, at the provider, when an OIDC and a SAML provider both lack their action', () => {
    const policy = trust({ Effect: 'Allow', Principal: { Federated: [GITHUB_ARN, SAML_ARN] }, Action: 'sts:AssumeRole' });
    const text = JSON.stringify(policy, null, 2);
    const diags = lint('trust.json', text, [RULE]);
    expect(diags.map((d) => text.slice(d.offsets.start, d.offsets.end))).toEqual([`"${GITHUB_ARN}"`, `"${SAML_ARN}"`]);
    expect(diags[1].message).toBe(
      `The statement #1 trusts the SAML provider \`${SAML_ARN}\`, but its Action (\`sts:AssumeRole\`) does not allow \`sts:AssumeRoleWithSAML\`, the only call through which that principal can assume a role: STS refuses it. Add \`sts:AssumeRoleWithSAML\` to the Action list.`,
    );
    expect(diags.every((d) => d.suggestions === undefined)).toBe(true);
  });
});
