import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'federated-principal-mismatch';
const OTHER_EKS = 'oidc.eks.us-west-2.amazonaws.com/id/0000000000000000000000000000BBBB';

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    {
      name: 'two providers, each with its own keys',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [GITHUB_ARN, EKS_ARN] },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' },
          'aws:SourceAccount': undefined as never,
        },
      }),
    },
    {
      name: 'an AWS principal assuming with sts:AssumeRole',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    },
    {
      name: 'sts:* for an AWS principal is not web identity',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:*' }),
    },
    { name: 'an aws-cn partition ARN', policy: trust({ Effect: 'Allow', Principal: { Federated: `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:aud': 'sts.amazonaws.com' } } }) },
  ].map((c) => ({ ...c, policy: JSON.parse(JSON.stringify(c.policy)) })),
  invalid: [
    {
      name: 'EKS principal for one cluster, keys for another',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: EKS_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${OTHER_EKS}:sub`]: 'system:serviceaccount:default:app', [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' } },
      }),
      errors: [
        {
          ruleId: RULE,
          on: `${OTHER_EKS}:sub`,
          message: `Condition key \`${OTHER_EKS}:sub\` is for the issuer \`${OTHER_EKS}\`, but the statement #1 trusts \`${EKS_ISSUER}\`: STS only sets keys of the issuer that signed the token, so this condition never matches and every AssumeRoleWithWebIdentity call is refused. Use \`${EKS_ISSUER}:sub\`.`,
        },
      ],
    },
    {
      name: 'GitHub principal with gitlab.com keys (two findings)',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' }, StringLike: { 'gitlab.com:sub': 'project_path:g/p:*' } },
      }),
      errors: [
        { ruleId: RULE, on: 'gitlab.com:aud' },
        { ruleId: RULE, on: 'gitlab.com:sub' },
      ],
    },
    {
      name: 'https:// inside the provider ARN',
      policy: trust({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/https://token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      errors: [{ ruleId: RULE, on: `arn:aws:iam::${ACCOUNT}:oidc-provider/https://token.actions.githubusercontent.com`, message: /must not include `https:\/\/`.*Write `arn:aws:iam::111122223333:oidc-provider\/token\.actions\.githubusercontent\.com`/ }],
    },
    {
      name: 'a bare issuer host where IAM needs the ARN',
      policy: trust({ Effect: 'Allow', Principal: { Federated: 'token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      errors: [{ ruleId: RULE, on: 'token.actions.githubusercontent.com', message: /arn:aws:iam::<account-id>:oidc-provider\/token\.actions\.githubusercontent\.com/ }],
    },
    {
      name: 'an account id that is not 12 digits',
      policy: trust({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::12345:oidc-provider/gitlab.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      errors: [{ ruleId: RULE, on: 'arn:aws:iam::12345:oidc-provider/gitlab.com', message: /not 12 digits/ }],
    },
    {
      name: 'a SAML provider ARN whose account id is not 12 digits',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::12345:saml-provider/ExampleIdP' },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      }),
      errors: [
        {
          ruleId: RULE,
          on: 'arn:aws:iam::12345:saml-provider/ExampleIdP',
          message: 'Federated principal `arn:aws:iam::12345:saml-provider/ExampleIdP` is malformed: the account id `12345` is not 12 digits. STS refuses AssumeRoleWithSAML for it.',
        },
      ],
    },
    {
      name: 'a SAML provider ARN in an unknown partition',
      policy: trust({ Effect: 'Allow', Principal: { Federated: `arn:aws-gov:iam::${ACCOUNT}:saml-provider/ExampleIdP` }, Action: 'sts:AssumeRoleWithSAML' }),
      errors: [{ ruleId: RULE, on: `arn:aws-gov:iam::${ACCOUNT}:saml-provider/ExampleIdP`, message: /`aws-gov` is not an AWS partition\. STS refuses AssumeRoleWithSAML for it\.$/ }],
    },
    {
      name: 'an AWS principal with sts:AssumeRoleWithWebIdentity',
      policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      errors: [{ ruleId: RULE, on: 'AWS', message: /an `AWS` principal, which can never present a web-identity token/ }],
      // the principal type is a key in policy JSON, a `type` value in the data source
    },
    {
      name: 'a Service principal with a lower-case web identity action',
      policy: trust({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: ['sts:assumerolewithwebidentity'] }),
      errors: [{ ruleId: RULE, on: 'Service', message: /a `Service` principal, which can never present/ }],
    },
  ],
});

describe('federated-principal-mismatch: an ARN with a placeholder account', () => {
  it('reports the account id and still judges the conditions against the readable issuer', () => {
    const text = JSON.stringify(
      trust({
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::AWS_ACCOUNT:oidc-provider/gitlab.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'gitlab.com:sub': 'project_path:mygroup/myproject:ref_type:branch:ref:main' } },
      }),
      null,
      2,
    );
    const found = lint('p.json', text).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column} ${d.message.slice(0, 80)}`);
    expect(found).toEqual([
      'federated-principal-mismatch 7:22 Federated principal `arn:aws:iam::AWS_ACCOUNT:oidc-provider/gitlab.com` is malfo',
      'missing-audience 7:22 The statement #1 trusts GitLab tokens but has no condition on `gitlab.com:aud`: ',
    ]);
  });
});

describe('federated-principal-mismatch: issuers that end with a slash', () => {
  const template = (url: string, keyIssuer: string) => `Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: ${url}
      ClientIdList: [my-client]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !GetAtt Provider.Arn }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                ${keyIssuer}:aud: my-client
                ${keyIssuer}:sub: auth0|12345
`;

  it("keeps the slash of Auth0's issuer (https://<tenant>.auth0.com/) in the provider ARN and its keys", () => {
    expect(lint('t.yaml', template('https://example.us.auth0.com/', 'example.us.auth0.com/'), [RULE])).toEqual([]);
    const arn = trust({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/example.us.auth0.com/` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'example.us.auth0.com/:aud': 'my-client' } },
    });
    expect(lint('p.json', JSON.stringify(arn, null, 2), [RULE])).toEqual([]);
  });

  it('a provider URL with a slash the issuer does not have: the keys name another issuer', () => {
    const found = lint('t.yaml', template('https://token.actions.githubusercontent.com/', 'token.actions.githubusercontent.com'), [RULE]);
    expect(found.map((d) => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['18:17', '19:17']);
  });
});

describe('federated-principal-mismatch: parameters with an empty default', () => {
  it('reads `Default: ""` as a value given at deploy time, not as an empty ARN', () => {
    const text = `Parameters:
  ProviderArn: { Type: String, Default: "" }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref ProviderArn }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main
`;
    expect(lint('t.yaml', text)).toEqual([]);
  });
});

describe('federated-principal-mismatch: what policy-syntax reports', () => {
  it('leaves a misspelt principal type and a bare principal value to policy-syntax', () => {
    const text = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Federate: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' },
          { Effect: 'Allow', Principal: GITHUB_ARN, Action: 'sts:AssumeRoleWithWebIdentity' },
        ],
      },
      null,
      2,
    );
    expect(lint('p.json', text, [RULE, 'policy-syntax']).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'policy-syntax 7:9',
      'policy-syntax 13:20',
    ]);
  });
});

describe('federated-principal-mismatch: templates', () => {
  it('compares key prefixes with the OIDC provider a !Ref resolves to, holes included', () => {
    const text = `Resources:
  Cluster:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub https://oidc.eks.\${AWS::Region}.amazonaws.com/id/ABCDEF
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref Cluster }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF:aud: sts.amazonaws.com
                oidc.eks.eu-west-1.amazonaws.com/id/XYZ:sub: system:serviceaccount:a:b
`;
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 17, column: 17, endLine: 17, endColumn: 60 }]);
  });

  it('checks keys written with ${} inside a !Sub JSON policy against the principal', () => {
    const text = `Parameters:
  Issuer: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub |
        {
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::\${AWS::AccountId}:oidc-provider/\${Issuer}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"\${Issuer}:aud": "sts.amazonaws.com", "gitlab.com:sub": "x"}}
          }]
        }
`;
    // The principal's issuer is a parameter: no key can be called a mismatch.
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});
