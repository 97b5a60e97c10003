import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases } from '../harness.js';
import { DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'missing-audience';

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    {
      name: 'audience under ForAnyValue:StringEquals and StringEqualsIfExists',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: {
          'ForAnyValue:StringEquals': { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] },
          StringEqualsIfExists: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' },
        },
      }),
    },
    {
      name: "Google: oaud (the token's own audience, as service-account tokens carry it) names the client too",
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'accounts.google.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'accounts.google.com:oaud': 'https://sts.amazonaws.com', 'accounts.google.com:sub': '110123456789012345678' } },
      }),
    },
    {
      name: 'condition keys are case-insensitive',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'TOKEN.actions.githubusercontent.com:AUD': 'sts.amazonaws.com' } },
      }),
    },
    {
      name: 'Deny statements are not checked',
      policy: trust({ Effect: 'Deny', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }),
    },
    {
      name: 'a SAML provider has no OIDC audience',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/okta' },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      }),
    },
  ],
  invalid: [
    {
      name: 'GitHub trust with only a subject condition',
      policy: trust({
        Sid: 'GitHubDeploy',
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/main' } },
      }),
      errors: [
        {
          ruleId: RULE,
          on: GITHUB_ARN,
          severity: 'error',
          message:
            "The statement 'GitHubDeploy' trusts GitHub Actions tokens but has no condition on `token.actions.githubusercontent.com:aud`: tokens issued to any client of this provider are accepted. Add `\"StringEquals\": {\"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\"}`.",
        },
      ],
    },
    {
      name: 'two providers, both without an audience (two findings), NotAction allowing web identity',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        NotAction: 'sts:AssumeRoleWithSAML',
      }),
      errors: [
        { ruleId: RULE, on: GITHUB_ARN },
        { ruleId: RULE, on: EKS_ARN, message: /oidc\.eks\.us-west-2\.amazonaws\.com\/id\/EXAMPLED539D4633E53DE1B71EXAMPLE:aud/ },
      ],
    },
    {
      name: 'audience only under a negated operator',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:assumerolewithwebidentity',
        Condition: { StringNotEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:00000000-0000-0000-0000-000000000000' } },
      }),
      errors: [{ ruleId: RULE, on: 'cognito-identity.amazonaws.com', message: /<region>:<identity-pool-uuid>/ }],
    },
    {
      name: 'Facebook uses app_id as its audience',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'graph.facebook.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'graph.facebook.com:id': '1234' } },
      }),
      errors: [{ ruleId: RULE, on: 'graph.facebook.com', message: /graph\.facebook\.com:app_id/ }],
    },
    {
      name: 'audience key of another provider does not count',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' } },
      }),
      errors: [{ ruleId: RULE, on: GITHUB_ARN }],
    },
  ],
});

describe('missing-audience: CloudFormation intrinsics', () => {
  it('resolves !Ref to an AWS::IAM::OIDCProvider in the template and reports at the reference', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  GithubOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Ref GithubOidc
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike:
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:*
`;
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 15, column: 31, endLine: 15, endColumn: 41 }]);
  });

  it('resolves !GetAtt X.Arn and !Sub with pseudo parameters', () => {
    const text = `Resources:
  Oidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub https://oidc.eks.\${AWS::Region}.amazonaws.com/id/ABC
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Federated: !GetAtt Oidc.Arn }
            Action: sts:AssumeRoleWithWebIdentity
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/gitlab.com"
            Action: sts:AssumeRoleWithWebIdentity
            Condition: { StringEquals: { "gitlab.com:aud": https://gitlab.com } }
`;
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 12, column: 45, endLine: 12, endColumn: 53 }]);
  });

  it('says nothing when the principal or the conditions cannot be seen', () => {
    const text = `Parameters:
  ProviderArn: { Type: String }
Conditions:
  Prod: !Equals [!Ref AWS::AccountId, "111122223333"]
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
            Principal: { Federated: "${GITHUB_ARN}" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition: !If [Prod, { StringEquals: { "token.actions.githubusercontent.com:aud": sts.amazonaws.com } }, !Ref AWS::NoValue]
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});

describe('missing-audience: !If with the same provider either way', () => {
  const template = (otherwise: string) => `Conditions:
  CreateProvider: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  GithubOidc:
    Type: AWS::IAM::OIDCProvider
    Condition: CreateProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: !If [CreateProvider, !Ref GithubOidc, ${otherwise}]
            Condition:
              StringLike:
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:*
`;
  it('is read as that provider', () => {
    const text = template('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"');
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 18, column: 26, endLine: 18, endColumn: 166 }]);
  });

  it('stays unknown when the branches differ', () => {
    const text = template('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/gitlab.com"');
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});
