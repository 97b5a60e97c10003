import { describe, expect, it } from 'vitest';
import { lint } from './harness.js';

/** One resource of `type` whose policy (at `property`, a dotted path) allows a misspelt action. */
function resource(name: string, type: string, property: string, policy: string): string {
  const names = property.split('.');
  let out = `  ${name}:\n    Type: ${type}\n    Properties:\n`;
  let indent = '      ';
  for (const n of names.slice(0, -1)) {
    out += `${indent}${n}:\n`;
    indent += '  ';
  }
  out += `${indent}${names[names.length - 1]}:\n`;
  return out + policy.replace(/^/gm, `${indent}  `) + '\n';
}

const DOCUMENT = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal: { AWS: arn:aws:iam::111122223333:root }
    Action: s3:GetObjekt
    Resource: "*"`;

describe('CloudFormation resource policies: where each resource type keeps its policy', () => {
  const cases: Array<[string, string]> = [
    ['AWS::ApiGateway::RestApi', 'Policy'],
    ['AWS::Events::EventBus', 'Policy'],
    ['AWS::ECR::PublicRepository', 'RepositoryPolicyText'],
    ['AWS::CodeArtifact::Domain', 'PermissionsPolicyDocument'],
    ['AWS::CodeArtifact::Repository', 'PermissionsPolicyDocument'],
    ['AWS::EC2::VPCEndpoint', 'PolicyDocument'],
    ['AWS::Kinesis::ResourcePolicy', 'ResourcePolicy'],
    ['AWS::DynamoDB::Table', 'ResourcePolicy.PolicyDocument'],
    ['AWS::SSM::ResourcePolicy', 'Policy'],
    ['AWS::VpcLattice::AuthPolicy', 'Policy'],
    ['AWS::VpcLattice::ResourcePolicy', 'Policy'],
    ['AWS::S3::MultiRegionAccessPointPolicy', 'Policy'],
    ['AWS::S3ObjectLambda::AccessPointPolicy', 'PolicyDocument'],
    ['AWS::S3Outposts::BucketPolicy', 'PolicyDocument'],
  ];
  const text = 'Resources:\n' + cases.map(([type, property], i) => resource(`R${i}`, type, property, DOCUMENT)).join('');

  it('reads every one of them, at the path of its property', () => {
    const found = lint('t.yaml', text, ['unknown-action']).map((d) => d.path);
    expect(found).toEqual(cases.map(([, property], i) => `Resources.R${i}.Properties.${property}.Statement[0].Action`));
  });

  it('an SSO permission set: its inline policy is an identity policy', () => {
    const t = 'Resources:\n' + resource('Admins', 'AWS::SSO::PermissionSet', 'InlinePolicy', DOCUMENT);
    expect(lint('t.yaml', t, ['policy-syntax', 'unknown-action']).map((d) => `${d.ruleId} ${d.range.start.line}`)).toEqual(['policy-syntax 9', 'unknown-action 10']);
  });
});

describe('statements without a document around them', () => {
  const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: AllowPartnerAccount
      Statement:
        Effect: Allow
        Principal: "*"
        Action: events:PutEvent
        Resource: !GetAtt Bus.Arn
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        ResourcePolicy:
          CustomStatements:
            - Sid: AllowAll
              Effect: Allow
              Principal: "*"
              Action: execute-api:Invoke
              Resource: execute-api:/Prod/*/*
            - Sid: Allow-Again
              Effect: Allow
              Principal: { AWS: arn:aws:iam::111122223333:root }
              Action: execute-api:Invoke
              Resource: execute-api:/Prod/*/*
`;

  it("EventBridge's Statement and SAM's CustomStatements are read as resource-policy statements, with no Version to ask for", () => {
    expect(lint('t.yaml', text).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'wildcard-principal 9:20',
      'unknown-action 10:17',
      'wildcard-principal 21:26',
    ]);
  });
});

describe('API Gateway: the documented IP allow-list', () => {
  it('an Allow to * with a Deny of every other source IP is not reported; without the Deny it is', () => {
    const api = (deny: boolean) => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: internal
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
${
  deny
    ? `          - Effect: Deny
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              NotIpAddress:
                aws:SourceIp: [192.0.2.0/24, 198.51.100.0/24]
`
    : ''
}`;
    expect(lint('t.yaml', api(true), ['wildcard-principal'])).toEqual([]);
    expect(lint('t.yaml', api(false), ['wildcard-principal']).map((d) => d.range.start.line)).toEqual([10]);
  });
});

describe('Fn::If: each branch that holds a policy is checked', () => {
  const text = `Conditions:
  AnyRepo: !Equals [!Ref AWS::AccountId, "111122223333"]
  Prod: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - AnyRepo
            - Effect: Allow
              Principal:
                Federated: !Sub arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
                StringEquals:
                  token.actions.githubusercontent.com:aud: sts.amazonaws.com
                StringLike:
                  token.actions.githubusercontent.com:sub: "*"
            - !Ref AWS::NoValue
      Policies:
        - !If
          - Prod
          - PolicyName: deploy
            PolicyDocument:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Action: s3:GetObjekt
                  Resource: "*"
          - !If
            - AnyRepo
            - PolicyName: deploy
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: s3:PutObjekt
                    Resource: "*"
            - !Ref AWS::NoValue
  Bucket:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument: !If
        - Prod
        - Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: s3:GetObject
              Resource: arn:aws:s3:::b/*
        - !Ref AWS::NoValue
`;

  it('in place of a statement, of an item of Policies (nested too), and of a whole document; each at its own path', () => {
    expect(lint('t.yaml', text).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column} ${d.path}`)).toEqual([
      'wildcard-subject 21:60 Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0]["Fn::If"][1].Condition.StringLike["token.actions.githubusercontent.com:sub"]',
      'unknown-action 31:27 Resources.DeployRole.Properties.Policies[0]["Fn::If"][1].PolicyDocument.Statement[0].Action',
      'unknown-action 40:29 Resources.DeployRole.Properties.Policies[0]["Fn::If"][2]["Fn::If"][1].PolicyDocument.Statement[0].Action',
      'wildcard-principal 52:26 Resources.Bucket.Properties.PolicyDocument["Fn::If"][1].Statement[0].Principal',
    ]);
  });
});

describe('OIDC providers CDK writes', () => {
  it('a Custom::AWSCDKOpenIdConnectProvider is an OIDC provider: its Ref is the ARN, ClientIDList its client ids', () => {
    const template = (aud: string) =>
      JSON.stringify(
        {
          Resources: {
            GitHubOIDCProvider4F328116: {
              Type: 'Custom::AWSCDKOpenIdConnectProvider',
              Properties: { ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] }, ClientIDList: ['sts.amazonaws.com'], Url: 'https://token.actions.githubusercontent.com' },
            },
            DeployRole: {
              Type: 'AWS::IAM::Role',
              Properties: {
                AssumeRolePolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Action: 'sts:AssumeRoleWithWebIdentity',
                      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': aud }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' } },
                      Effect: 'Allow',
                      Principal: { Federated: { Ref: 'GitHubOIDCProvider4F328116' } },
                    },
                  ],
                },
              },
            },
          },
        },
        null,
        2,
      );
    expect(lint('cdk.out/Stack.template.json', template('sts.amazonaws.com'))).toEqual([]);
    const found = lint('cdk.out/Stack.template.json', template('https://github.com/octo-org'));
    expect(found.map((d) => d.ruleId)).toEqual(['audience-not-registered']);
    expect(found[0].message).toMatch(/is not in the ClientIDList of the OIDCProvider `GitHubOIDCProvider4F328116`/);
  });
});

describe('AWS::Events::EventBusPolicy in its older form', () => {
  it('Action, Principal, StatementId and a Type/Key/Value Condition are read as the one statement they make', () => {
    const text = `Resources:
  OpenPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: OpenToAll
      Action: events:PutEvents
      Principal: "*"
  AccountPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: MyStatement
      Action: events:PutEvent
      Principal: "111122223333"
  OrgPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: OrgStatement
      Action: events:PutEvents
      Principal: "*"
      Condition:
        Type: StringEquals
        Key: aws:PrincipalOrgID
        Value: o-1234567890
`;
    expect(lint('t.yaml', text).map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`)).toEqual(['wildcard-principal 7:18', 'unknown-action 12:15']);
  });
});
