import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, type Format } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, trust } from './policies.js';

const RULE = 'wildcard-principal';
const ALL_BUT_DATA: Format[] = ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'tf-string', 'plan'];
/** In the data source, `"Principal": "*"` is `principals { type = "*", identifiers = ["*"] }`: the finding is on the identifier. */
const DATA: Format[] = ['tf-data'];

function star(condition?: Record<string, unknown>, principal: unknown = '*', action: unknown = 'sts:AssumeRole') {
  return trust({ Sid: 'CrossAccount', Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) });
}

const TRUST_MESSAGE =
  "The statement 'CrossAccount' trusts `*` with sts:AssumeRole and no condition that limits the caller: anyone in any AWS account can assume this role and use its permissions. Name the principal you trust instead (an account or role ARN such as `arn:aws:iam::111122223333:role/deployer`), or keep `*` only with a condition on `aws:PrincipalOrgID` or `aws:PrincipalArn`.";

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'a named account', policy: star(undefined, { AWS: `arn:aws:iam::${ACCOUNT}:root` }) },
    { name: 'restricted to one organization', policy: star({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }) },
    { name: 'restricted to one role ARN (ArnEquals)', policy: star({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/deployer` } }, { AWS: '*' }) },
    { name: 'restricted to an organization path (ForAnyValue:StringLike)', policy: star({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'] } }) },
    { name: 'condition keys are case-insensitive', policy: star({ StringEquals: { 'AWS:principalaccount': ACCOUNT } }) },
    { name: 'an external id (trust policies)', policy: star({ StringEquals: { 'sts:ExternalId': 'Unique-Id-12345' } }, { AWS: ['*'] }) },
    { name: 'a Deny statement', policy: trust({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }) },
    { name: 'only web identity (federated-principal-mismatch reports it)', policy: star(undefined, '*', 'sts:AssumeRoleWithWebIdentity') },
    { name: 'only session tags', policy: star(undefined, { AWS: '*' }, 'sts:TagSession'), formats: ['cfn-yaml', 'cfn-json', 'tf-string', 'tf-data', 'plan'] },
  ],
  invalid: [
    { name: '"Principal": "*" with sts:AssumeRole', policy: star(), formats: ALL_BUT_DATA, errors: [{ ruleId: RULE, on: '*', message: TRUST_MESSAGE }] },
    { name: '"Principal": "*" with sts:AssumeRole (data source)', policy: star(), formats: DATA, errors: [{ ruleId: RULE, on: '*', nth: 1, message: TRUST_MESSAGE }] },
    { name: '{"AWS": "*"}', policy: star(undefined, { AWS: '*' }), errors: [{ ruleId: RULE, on: '*', message: /trusts `AWS: \*` with sts:AssumeRole/ }] },
    {
      name: '{"AWS": [..., "*"]} next to a named account',
      policy: star(undefined, { AWS: [`arn:aws:iam::${ACCOUNT}:root`, '*'] }, ['sts:AssumeRole', 'sts:TagSession']),
      errors: [{ ruleId: RULE, on: '*' }],
    },
    { name: 'sts:* also grants AssumeRole', policy: star(undefined, { AWS: '*' }, 'sts:*'), errors: [{ ruleId: RULE, on: '*' }] },
    {
      name: 'an IfExists operator passes when the key is absent',
      policy: star({ StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }, { AWS: '*' }),
      errors: [{ ruleId: RULE, on: '*' }],
    },
    {
      name: 'ForAllValues passes when the key is absent',
      policy: star({ 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/*'] } }, { AWS: '*' }),
      errors: [{ ruleId: RULE, on: '*' }],
    },
    { name: 'a wildcard value does not restrict', policy: star({ StringLike: { 'aws:PrincipalOrgID': '*' } }, { AWS: '*' }), errors: [{ ruleId: RULE, on: '*', nth: 0 }] },
    {
      name: 'a role name in any account does not restrict',
      policy: star({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } }, { AWS: '*' }),
      errors: [{ ruleId: RULE, on: '*', nth: 0 }],
    },
    {
      name: 'a condition on a key the caller controls (aws:PrincipalTag) does not restrict',
      policy: star({ StringEquals: { 'aws:PrincipalTag/team': 'platform' } }, { AWS: '*' }),
      errors: [{ ruleId: RULE, on: '*' }],
    },
    { name: 'a negated operator does not restrict', policy: star({ StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } }, { AWS: '*' }), errors: [{ ruleId: RULE, on: '*' }] },
    {
      name: 'two statements, two findings',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
        ],
      },
      errors: [
        { ruleId: RULE, on: '*', nth: 0 },
        { ruleId: RULE, on: '*', nth: 1 },
      ],
    },
  ],
});

describe('wildcard-principal: resource policies', () => {
  it('reports a public S3 bucket policy, with the resource message', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  WebsiteBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref WebsiteBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: PublicRead
            Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::\${WebsiteBucket}/*"
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 12, column: 24, endLine: 12, endColumn: 27 }]);
    expect(diags[0].message).toBe(
      "The statement 'PublicRead' grants `s3:GetObject` to `*` with no condition that limits the caller: anyone in any AWS account (and anonymous callers, where the service allows them) can act on this resource. Name the principal you trust instead (an account or role ARN such as `arn:aws:iam::111122223333:role/app`), or add a condition on `aws:PrincipalOrgID` or `aws:SourceAccount`.",
    );
    expect(diags[0].severity).toBe('error');
    expect(diags[0].fix).toBeUndefined();
  });

  it('accepts the documented SNS, KMS and VPC-endpoint patterns', () => {
    const text = `Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: "*" }
            Action: SNS:Publish
            Resource: !Ref Topic
            Condition:
              StringEquals:
                AWS:SourceOwner: !Ref AWS::AccountId
          - Effect: Allow
            Principal: { AWS: "*" }
            Action: SNS:Subscribe
            Resource: !Ref Topic
            Condition:
              ArnLike:
                aws:SourceArn: arn:aws:s3:::my-bucket
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: "*" }
            Action: [kms:Encrypt, kms:Decrypt]
            Resource: "*"
            Condition:
              StringEquals:
                kms:CallerAccount: "111122223333"
                kms:ViaService: ec2.us-west-2.amazonaws.com
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: "*"
            Condition:
              IpAddress:
                aws:SourceIp: 203.0.113.0/24
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('an IP condition open to the whole internet does not restrict; two findings in one file', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } } },
        { Effect: 'Allow', Principal: { AWS: '*' }, NotAction: 'sqs:DeleteQueue', Resource: '*' },
      ],
    };
    const text = JSON.stringify(policy, null, 2);
    const diags = lint('queue-policy.json', text, [RULE]);
    expect(diags.map((d) => d.range.start.line)).toEqual([6, 20]);
    expect(diags[1].message).toMatch(/grants every action except `sqs:DeleteQueue` to `AWS: \*`/);
  });

  it('stays silent when the condition or the principal cannot be seen', () => {
    const text = `Parameters:
  Org: { Type: String }
  Principal: { Type: String }
Conditions:
  Restricted: !Equals [!Ref Org, ""]
Resources:
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
            Condition: !If [Restricted, { StringEquals: { aws:PrincipalOrgID: !Ref Org } }, !Ref AWS::NoValue]
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
            Condition:
              StringEquals:
                aws:PrincipalOrgID: !Ref Org
          - Effect: Allow
            Principal: { AWS: !Ref Principal }
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('a source ARN from !GetAtt, !Ref or !ImportValue is not seen, so not judged; an S3 bucket ARN with `*` for region and account is one bucket', () => {
    const text = `Resources:
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: "*" }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnEquals:
                aws:SourceArn: !Ref Topic
          - Effect: Allow
            Principal: { AWS: "*" }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnEquals:
                aws:SourceArn: [!ImportValue shared-topic-arn, !GetAtt Rule.Arn]
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
          - Sid: S3EventNotifications
            Effect: Allow
            Principal: { AWS: "*" }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnLike:
                aws:SourceArn: arn:aws:s3:*:*:my-inventory-bucket
          - Sid: AnyBucket
            Effect: Allow
            Principal: { AWS: "*" }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnLike:
                aws:SourceArn: [arn:aws:s3:*:*:*, !GetAtt Topic.Arn]
          - Sid: AnyAccessPoint
            Effect: Allow
            Principal: { AWS: "*" }
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnLike:
                aws:SourceArn: arn:aws:s3:us-east-1:*:accesspoint/reports
`;
    expect(lint('t.yaml', text, [RULE]).map((d) => `${d.range.start.line} ${d.message.slice(0, 30)}`)).toEqual(['37 The statement \'AnyBucket\' gran', '45 The statement \'AnyAccessPoint\'']);
  });

  it('a pattern that pins no one does not restrict: an id with a wildcard, an ARN pattern that stops before the account', () => {
    const open = (condition: Record<string, unknown>) =>
      lint('p.json', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: condition }] }), [RULE]).length;
    for (const condition of [
      { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { StringLike: { 'aws:SourceVpce': 'vpce-*' } },
      { StringLike: { 'aws:PrincipalAccount': '1111*' } },
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:*' } },
      { StringLike: { 'aws:PrincipalArn': '*:root' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-*/r-ab12/*'] } },
      // Any account can have a user of that name; CalledVia names a service, not whose credentials.
      { StringEquals: { 'aws:username': 'deployer' } },
      { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'athena.amazonaws.com' } },
    ]) {
      expect(open(condition), JSON.stringify(condition)).toBe(1);
    }
    for (const condition of [
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ci-*' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/*'] } },
    ]) {
      expect(open(condition), JSON.stringify(condition)).toBe(0);
    }
  });

  it('a Deny of every principal outside the organization limits the Allow statements it covers', () => {
    const policy = (deny: Record<string, unknown>) => ({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'StackSetsRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::staging-bucket/*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/stacksets-exec-*' } } },
        { Sid: 'PublicList', Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::other-bucket' },
        { Sid: 'DenyOutside', Effect: 'Deny', Principal: '*', Resource: ['arn:aws:s3:::staging-bucket', 'arn:aws:s3:::staging-bucket/*'], ...deny },
      ],
    });
    const found = (deny: Record<string, unknown>) => lint('bucket-policy.json', JSON.stringify(policy(deny), null, 2), [RULE]).map((d) => d.message.slice(0, 40));
    const outsideOrg = { Action: 's3:*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc1234567' } } };
    // The guard covers the first statement's action and bucket, not the other bucket.
    expect(found(outsideOrg)).toEqual(["The statement 'PublicList' grants `s3:Li"]);
    // A guard that passes callers without the key, or covers other actions, guards nothing.
    const both = ["The statement 'StackSetsRead' grants `s3", "The statement 'PublicList' grants `s3:Li"];
    expect(found({ ...outsideOrg, Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc1234567' } } })).toEqual(both);
    expect(found({ ...outsideOrg, Action: 's3:PutObject' })).toEqual(both);
    expect(found({ ...outsideOrg, Condition: { StringNotLike: { 'aws:PrincipalOrgID': '*' } } })).toEqual(both);
  });

  it('reports a Terraform policy document data source used as a bucket policy', () => {
    const tf = {
      data: {
        aws_iam_policy_document: {
          public: {
            statement: [
              {
                actions: ['s3:GetObject'],
                resources: ['arn:aws:s3:::b/*'],
                principals: [{ type: '*', identifiers: ['*'] }],
              },
              {
                actions: ['s3:ListBucket'],
                resources: ['arn:aws:s3:::b'],
                principals: [{ type: 'AWS', identifiers: ['*'] }],
                condition: [{ test: 'StringEquals', variable: 'aws:PrincipalOrgID', values: ['o-a1b2c3d4e5'] }],
              },
            ],
          },
        },
      },
      resource: { aws_s3_bucket_policy: { b: { bucket: 'b', policy: '${data.aws_iam_policy_document.public.json}' } } },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags).toHaveLength(1);
    // On the identifier, not on the type.
    expect(text.slice(0, diags[0].offsets.start)).toMatch(/"identifiers": \[\n\s*$/);
  });

  it('reports inside a policy written as a JSON string (Terraform), with escapes mapped back', () => {
    const tf = {
      resource: {
        aws_sqs_queue_policy: {
          q: { queue_url: 'x', policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:*', Resource: '*' }] }) },
        },
      },
    };
    const text = JSON.stringify(tf);
    const [d] = lint('main.tf.json', text, [RULE]);
    expect(text.slice(d.offsets.start, d.offsets.end)).toBe('\\"*\\"');
    expect(text.slice(d.offsets.start - 8, d.offsets.start)).toBe('\\"AWS\\":');
  });

  it('ignores identity policies and NotPrincipal', () => {
    const text = `Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"
  B:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            NotPrincipal: { AWS: "*" }
            Action: s3:*
            Resource: "*"
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});
