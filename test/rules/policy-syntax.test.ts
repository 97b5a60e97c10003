import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, type Format } from '../harness.js';
import { ACCOUNT, DOCUMENTED_GOOD, GITHUB_ARN } from './policies.js';

const RULE = 'policy-syntax';
const NOT_DATA: Format[] = ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'tf-string', 'plan'];
const DATA: Format[] = ['tf-data'];
const RAW: Format[] = ['policy-json', 'policy-yaml'];

const GITHUB_CONDITION = {
  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/main' },
};

type Json = Record<string, unknown>;

function statement(extra: Json = {}, omit: string[] = []): Json {
  const base: Json = {
    Sid: 'GitHubDeploy',
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: GITHUB_CONDITION,
    ...extra,
  };
  for (const k of omit) delete base[k];
  return base;
}

function policy(statements: Json[], top: Json = { Version: '2012-10-17' }) {
  return { ...top, Statement: statements } as never;
}

const SESSION_NAME = {
  Sid: 'AssumeWithOwnName',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'sts:AssumeRole',
  Condition: { StringLike: { 'sts:RoleSessionName': '${aws:username}' } },
};

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    {
      name: "a CloudFront origin access identity: a principal with spaces inside (S3's documented bucket policy)",
      policy: policy([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]),
      formats: ['policy-json', 'policy-yaml'],
    },
    {
      name: 'AWS principals of every form: an account id, account/user/role/assumed-role ARNs, a deleted role\'s unique id',
      policy: policy([
        {
          Effect: 'Allow',
          Principal: { AWS: [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:user/ci`, `arn:aws-us-gov:iam::${ACCOUNT}:role/path/deployer`, `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/session`, 'AROAJ3XPLC3CEXAMPLE12'] },
          Action: 'sts:AssumeRole',
        },
      ]),
    },
    {
      name: 'every principal type, and Principal "*"',
      policy: policy([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root`, Service: 'ec2.amazonaws.com', CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } } },
      ]),
    },
    ...DOCUMENTED_GOOD.map(([name, p]) => ({ name: `documented ${name} trust`, policy: p })),
    { name: 'a complete trust policy with Id and Sid', policy: policy([statement()], { Version: '2012-10-17', Id: 'GitHubTrust' }) },
    { name: 'policy variables with Version 2012-10-17', policy: policy([SESSION_NAME]), formats: ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'plan'] },
    { name: 'empty Sids are not duplicates', policy: policy([statement({ Sid: '' }), statement({ Sid: '', Action: 'sts:TagSession' })]) },
    {
      name: 'an identity policy',
      policy: policy([{ Sid: 'ReadArtifacts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::artifacts/*' }, { Effect: 'Deny', NotAction: 'iam:*', NotResource: '*' }]),
      formats: RAW,
    },
    { name: 'Terraform writes Version 2012-10-17', policy: policy([statement()], {}), formats: DATA },
    { name: 'Terraform defaults Effect to Allow', policy: policy([statement({}, ['Effect'])]), formats: DATA },
  ],
  invalid: [
    {
      name: 'a principal type in the wrong case',
      policy: policy([{ Effect: 'Allow', Principal: { SERVICE: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'SERVICE',
          message:
            '`SERVICE` in the `Principal` of the statement #1 is not a principal type: IAM accepts only `AWS`, `Service`, `Federated` and `CanonicalUser`, spelt exactly so, and rejects the whole policy (MalformedPolicyDocument: "Invalid principal in policy"). Did you mean `Service`?',
        },
      ],
    },
    {
      name: 'a principal type in the wrong case, in a data source',
      policy: policy([{ Effect: 'Allow', Principal: { Aws: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }]),
      formats: DATA,
      errors: [{ ruleId: RULE, on: 'Aws', message: /^`Aws` in the `principals` of the statement #1 is not a principal type: .* Did you mean `AWS`\?$/ }],
    },
    {
      name: 'a misspelt principal type in NotPrincipal',
      policy: policy([{ Effect: 'Deny', NotPrincipal: { Federate: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }]),
      formats: NOT_DATA,
      errors: [{ ruleId: RULE, on: 'Federate', message: /^`Federate` in the `NotPrincipal` of the statement #1 is not a principal type: .* Did you mean `Federated`\?$/ }],
    },
    {
      name: 'a principal type with no near valid name',
      policy: policy([{ Effect: 'Allow', Principal: { User: `arn:aws:iam::${ACCOUNT}:user/ci` }, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [{ ruleId: RULE, on: 'User', message: /is not a principal type: .*"Invalid principal in policy"\)\.$/ }],
    },
    {
      name: 'a Statement that is a string',
      policy: { Version: '2012-10-17', Statement: 'AllowAll' } as never,
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'AllowAll',
          message:
            '`Statement` is the string `AllowAll`: it must be a list of statements (or one statement object), and IAM rejects the policy (MalformedPolicyDocument). If it holds JSON text, write the statements themselves.',
        },
      ],
    },
    {
      name: 'AWS principals that are no principal: a placeholder sentence, an account id of 5 digits',
      policy: policy([{ Effect: 'Allow', Principal: { AWS: ["Example Corp's AWS Account ID", 'arn:aws:iam::12345:root', '12345'] }, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: "Example Corp's AWS Account ID",
          message:
            '`Example Corp\'s AWS Account ID` in the `AWS` principal of the statement #1 is not an AWS principal: it is neither an account id nor the ARN of an account, user or role, so IAM rejects the policy (MalformedPolicyDocument: "Invalid principal in policy"). Write an account id (12 digits), `arn:aws:iam::111122223333:root`, or the ARN of a user or role (`arn:aws:iam::111122223333:role/name`).',
        },
        { ruleId: RULE, on: 'arn:aws:iam::12345:root', message: /is not an AWS principal: its account id `12345` is not 12 digits, so IAM rejects/ },
        { ruleId: RULE, on: '12345', message: /is not an AWS principal: it is neither an account id/ },
      ],
    },
    {
      name: 'a wildcard in part of a principal ARN',
      policy: policy([{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::*:root', `arn:aws:iam::${ACCOUNT}:role/ci-*`] }, Action: 'sts:AssumeRole' }]),
      errors: [
        {
          ruleId: RULE,
          on: 'arn:aws:iam::*:root',
          message:
            '`arn:aws:iam::*:root` in the `AWS` principal of the statement #1 has a wildcard in it: a principal is `"*"` or one exact name or ARN, and IAM rejects a partial wildcard (MalformedPolicyDocument: "Invalid principal in policy"). Name the principals, or use `"*"` with a condition such as `aws:PrincipalArn` (`ArnLike` takes wildcards) or `aws:PrincipalOrgID`.',
        },
        { ruleId: RULE, on: `arn:aws:iam::${ACCOUNT}:role/ci-*`, message: /has a wildcard in it/ },
      ],
    },
    {
      name: 'a space at the start of a principal ARN',
      policy: policy([{ Effect: 'Allow', Principal: { AWS: ` arn:aws:iam::${ACCOUNT}:user/AdminUser` }, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: ` arn:aws:iam::${ACCOUNT}:user/AdminUser`,
          message:
            '` arn:aws:iam::111122223333:user/AdminUser` in the `AWS` principal of the statement #1 has a space at its start or end: IAM does not trim principals and rejects the policy (MalformedPolicyDocument: "Invalid principal in policy"). Write `arn:aws:iam::111122223333:user/AdminUser`.',
        },
      ],
    },
    {
      name: 'a service principal written as a bare value',
      policy: policy([{ Effect: 'Allow', Principal: 'lambda.amazonaws.com', Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'lambda.amazonaws.com',
          message:
            '`Principal` `lambda.amazonaws.com` in the statement #1 is neither `"*"` nor a map of principal types: IAM rejects the policy (MalformedPolicyDocument). Write `{ "Service": "lambda.amazonaws.com" }`.',
        },
      ],
    },
    {
      name: 'an account root written as a bare value',
      policy: policy([{ Effect: 'Allow', Principal: `arn:aws:iam::${ACCOUNT}:root`, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [{ ruleId: RULE, on: `arn:aws:iam::${ACCOUNT}:root`, message: /Write `\{ "AWS": "arn:aws:iam::111122223333:root" \}`\.$/ }],
    },
    {
      name: 'no Version',
      policy: policy([statement()], {}),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'Statement',
          severity: 'warning',
          message:
            'The policy has no `Version`: IAM reads it in the outdated 2008-10-17 language, where policy variables such as `${aws:username}` are treated as literal text. Add `"Version": "2012-10-17"`.',
        },
      ],
    },
    {
      name: 'no Version, and a policy variable in a condition',
      policy: policy([SESSION_NAME], {}),
      formats: ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'plan'],
      errors: [
        {
          ruleId: RULE,
          on: 'Statement',
          severity: 'error',
          message:
            "The policy has no `Version`, so IAM reads it in the outdated 2008-10-17 language, where `${aws:username}` in the statement 'AssumeWithOwnName' is literal text, not a policy variable: the statement never matches what it is meant to. Add `\"Version\": \"2012-10-17\"`.",
        },
      ],
    },
    {
      // Unescaped `${...}` in Terraform is an interpolation, not text: only a warning.
      name: 'no Version, and `${aws:username}` in a Terraform string',
      policy: policy([SESSION_NAME], {}),
      formats: ['tf-string'],
      errors: [{ ruleId: RULE, on: 'Statement', severity: 'warning' }],
    },
    {
      name: 'Version 2008-10-17',
      policy: policy([statement()], { Version: '2008-10-17' }),
      errors: [
        {
          ruleId: RULE,
          on: '2008-10-17',
          severity: 'warning',
          message: '`Version` `2008-10-17` is the outdated policy language: policy variables such as `${aws:username}` are treated as literal text in it. Write `2012-10-17`.',
        },
      ],
    },
    {
      name: 'Version 2008-10-17 with a policy variable',
      policy: policy([SESSION_NAME], { Version: '2008-10-17' }),
      formats: ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'plan'],
      errors: [
        {
          ruleId: RULE,
          on: '2008-10-17',
          severity: 'error',
          message:
            "`Version` `2008-10-17` is the outdated policy language, where `${aws:username}` in the statement 'AssumeWithOwnName' is literal text, not a policy variable: the statement never matches what it is meant to. Write `2012-10-17`.",
        },
      ],
    },
    {
      name: 'Resource and NotResource in an identity policy',
      policy: policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::artifacts/*', NotResource: 'arn:aws:s3:::artifacts/private/*' }]),
      formats: RAW,
      errors: [
        {
          ruleId: RULE,
          on: 'NotResource',
          message:
            'The statement #1 has both `Resource` and `NotResource`: a statement takes one or the other, and IAM rejects it (MalformedPolicyDocument). Keep one of them.',
        },
      ],
    },
    {
      name: 'an unknown Version',
      policy: policy([statement()], { Version: '2012-10-18' }),
      errors: [
        {
          ruleId: RULE,
          on: '2012-10-18',
          severity: 'error',
          message:
            '`Version` `2012-10-18` is not a policy language version: IAM accepts only `2012-10-17` (and the outdated `2008-10-17`) and rejects the policy (MalformedPolicyDocument). Write `2012-10-17`.',
        },
      ],
    },
    {
      name: 'Effect in lower case',
      policy: policy([statement({ Effect: 'allow' })]),
      errors: [
        {
          ruleId: RULE,
          on: 'allow',
          message:
            "`Effect` `allow` in the statement 'GitHubDeploy' is neither `Allow` nor `Deny` (the values are case-sensitive): IAM rejects the policy (MalformedPolicyDocument). Write `Allow`.",
        },
      ],
    },
    { name: 'Effect Permit', policy: policy([statement({ Effect: 'Permit' })]), errors: [{ ruleId: RULE, on: 'Permit', message: /Write `Allow` or `Deny`\.$/ }] },
    {
      name: 'no Effect',
      policy: policy([statement({}, ['Sid', 'Effect'])]),
      formats: NOT_DATA,
      errors: [{ ruleId: RULE, on: 'Principal', message: 'The statement #1 has no `Effect`: IAM rejects it (MalformedPolicyDocument). Add `"Effect": "Allow"` or `"Effect": "Deny"`.' }],
    },
    {
      name: 'Conditions instead of Condition',
      policy: policy([statement({ Conditions: GITHUB_CONDITION }, ['Condition'])]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'Conditions',
          message:
            "`Conditions` in the statement 'GitHubDeploy' is not a statement element: IAM rejects the policy (MalformedPolicyDocument), and nothing under `Conditions` takes effect. Did you mean `Condition`?",
        },
      ],
    },
    {
      name: 'Actions instead of Action: no second finding for the missing Action',
      policy: policy([statement({ Actions: ['sts:AssumeRoleWithWebIdentity'] }, ['Action'])]),
      formats: ['cfn-yaml', 'cfn-json', 'tf-string', 'plan'],
      errors: [{ ruleId: RULE, on: 'Actions', message: /Did you mean `Action`\?$/ }],
    },
    {
      name: 'no Action',
      policy: policy([statement({}, ['Action'])]),
      formats: ['cfn-yaml', 'cfn-json', 'tf-string', 'plan'],
      errors: [
        {
          ruleId: RULE,
          on: 'Effect',
          message:
            "The statement 'GitHubDeploy' has neither `Action` nor `NotAction`: IAM rejects it (MalformedPolicyDocument). List the actions the statement allows or denies in `Action`.",
        },
      ],
    },
    { name: 'no Action (data source)', policy: policy([statement({}, ['Action'])]), formats: DATA, errors: [{ ruleId: RULE, on: 'effect' }] },
    {
      name: 'Action and NotAction',
      policy: policy([statement({ NotAction: 'sts:AssumeRole' })]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'NotAction',
          message:
            "The statement 'GitHubDeploy' has both `Action` and `NotAction`: a statement takes one or the other, and IAM rejects it (MalformedPolicyDocument). Keep one of them.",
        },
      ],
    },
    { name: 'Action and NotAction (data source)', policy: policy([statement({ NotAction: 'sts:AssumeRole' })]), formats: DATA, errors: [{ ruleId: RULE, on: 'not_actions' }] },
    {
      name: 'Resource in a trust policy',
      policy: policy([statement({ Resource: '*' })]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'Resource',
          message:
            '`Resource` in the statement \'GitHubDeploy\': a role trust policy governs who can assume the role itself and cannot name resources, so IAM rejects it ("Has prohibited field Resource"). Remove `Resource`.',
        },
      ],
    },
    { name: 'resources in a trust policy (data source)', policy: policy([statement({ Resource: '*' })]), formats: DATA, errors: [{ ruleId: RULE, on: 'resources', message: /^`resources` in the statement/ }] },
    {
      name: 'a trust statement without Principal',
      policy: policy([statement({}, ['Principal', 'Condition'])]),
      formats: ['cfn-yaml', 'cfn-json', 'tf-string', 'plan'],
      errors: [
        {
          ruleId: RULE,
          on: 'Effect',
          message:
            "The statement 'GitHubDeploy' has no `Principal`: a statement of a role trust policy must name who can assume the role, and IAM rejects it (\"Missing required field Principal\"). Add a `Principal`.",
        },
      ],
    },
    { name: 'a trust statement without Principal (data source)', policy: policy([statement({}, ['Principal', 'Condition'])]), formats: DATA, errors: [{ ruleId: RULE, on: 'effect' }] },
    {
      name: 'NotPrincipal with Allow',
      policy: policy([{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/blocked` }, Action: 'sts:AssumeRole' }]),
      formats: NOT_DATA,
      errors: [
        {
          ruleId: RULE,
          on: 'NotPrincipal',
          message:
            '`NotPrincipal` with `"Effect": "Allow"` in the statement #1 allows every principal except the ones listed: anyone in any AWS account, and anonymous callers where the service allows them. Name the principals you trust in `Principal` instead.',
        },
      ],
    },
    {
      name: 'a Sid with a hyphen and an underscore',
      policy: policy([statement({ Sid: 'Allow-GitHub_Deploy' })]),
      errors: [
        {
          ruleId: RULE,
          on: 'Allow-GitHub_Deploy',
          message:
            "Sid `Allow-GitHub_Deploy` in the statement #1 contains `-` and `_`: IAM accepts only letters and digits (A-Z, a-z, 0-9) in the Sid of identity and trust policies and rejects the policy (MalformedPolicyDocument). Write `AllowGitHubDeploy`.",
        },
      ],
    },
    {
      name: 'a repeated Sid, reported at the second',
      policy: policy([statement(), statement({ Action: 'sts:TagSession' })]),
      errors: [
        {
          ruleId: RULE,
          on: 'GitHubDeploy',
          nth: 1,
          message:
            'Sid `GitHubDeploy` of statement #2 is already the Sid of statement #1: Sids must be unique within a policy, and IAM rejects the policy (MalformedPolicyDocument). Give this statement another Sid.',
        },
      ],
    },
    {
      name: 'Statements instead of Statement',
      policy: { Version: '2012-10-17', Statements: [statement()] } as never,
      formats: ['cfn-yaml', 'cfn-json', 'tf-string', 'plan'],
      errors: [
        {
          ruleId: RULE,
          on: 'Statements',
          message:
            '`Statements` is not a policy element: a policy document holds only `Version`, `Id` and `Statement`, and IAM rejects it (MalformedPolicyDocument). Did you mean `Statement`?',
        },
      ],
    },
    {
      name: 'two findings in one statement',
      policy: policy([statement({ Sid: 'Deploy-Role', Effect: 'Allow ' })]),
      errors: [
        { ruleId: RULE, on: 'Deploy-Role', message: /contains `-`/ },
        { ruleId: RULE, on: 'Allow ', message: /Write `Allow`\.$/ },
      ],
    },
  ],
});

describe('policy-syntax: identity and resource policies', () => {
  it('reports a Principal in a managed policy and a statement without Resource', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: ReadArtifacts
            Effect: Allow
            Principal: { AWS: !Sub "arn:aws:iam::\${AWS::AccountId}:root" }
            Action: s3:GetObject
            Resource: arn:aws:s3:::artifacts/*
          - Effect: Allow
            Action: cloudfront:CreateInvalidation
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([
      { ruleId: RULE, line: 11, column: 13, endLine: 11, endColumn: 22 },
      { ruleId: RULE, line: 14, column: 13, endLine: 14, endColumn: 19 },
    ]);
    expect(diags.map((d) => d.message)).toEqual([
      "`Principal` in the statement 'ReadArtifacts': an identity policy applies to the user, group or role it is attached to and cannot name a principal, so IAM rejects it (MalformedPolicyDocument). Remove `Principal`, or move the statement into a trust or resource policy.",
      'The statement #2 has neither `Resource` nor `NotResource`: IAM rejects an identity policy statement without one ("Missing required field Resource"). List the resources it applies to.',
    ]);
  });

  it('names the Terraform argument in a data source used as an identity policy', () => {
    const tf = {
      data: {
        aws_iam_policy_document: {
          deploy: { statement: [{ sid: 'Read', actions: ['s3:GetObject'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }] }] },
        },
      },
      resource: { aws_iam_policy: { deploy: { policy: '${data.aws_iam_policy_document.deploy.json}' } } },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags).toHaveLength(1);
    expect(text.slice(diags[0].offsets.start, diags[0].offsets.end)).toBe('"principals"');
    expect(diags[0].message).toMatch(/^`principals` in the statement 'Read': an identity policy/);
  });

  it('allows Sids with other characters in resource policies, and reports a resource statement without Principal', () => {
    const text = `Resources:
  B:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Allow-CloudFront read
            Effect: Allow
            Principal: { Service: cloudfront.amazonaws.com }
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
          - Sid: NoPrincipal
            Effect: Allow
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 15, column: 13, endLine: 15, endColumn: 19 }]);
    expect(diags[0].message).toMatch(/a statement of a resource policy must name who gets access/);
  });
});

describe('policy-syntax: fixes and suggestions', () => {
  it('renames an invalid Sid as a safe fix, in JSON', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Sid":"s3-read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const [d] = lint('p.json', text, [RULE]);
    const start = text.indexOf('"s3-read"');
    expect(d.fix).toEqual({ title: 'Rename the Sid to `s3read`', applicability: 'safe', edits: [{ start, end: start + 9, text: '"s3read"' }] });
    expect(d.suggestions).toBeUndefined();
  });

  it('writes the fix through a policy JSON string and keeps YAML plain scalars plain', () => {
    const tf = { resource: { aws_iam_policy: { p: { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read Artifacts', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) } } } };
    const text = JSON.stringify(tf);
    const [d] = lint('main.tf.json', text, [RULE]);
    expect(text.slice(d.fix!.edits[0].start, d.fix!.edits[0].end)).toBe('\\"Read Artifacts\\"');
    expect(d.fix!.edits[0].text).toBe('\\"ReadArtifacts\\"');
    expect(d.message).toMatch(/contains a space:/);

    const yaml = 'Version: "2012-10-17"\nStatement:\n  - Sid: read_artifacts\n    Effect: Allow\n    Action: s3:GetObject\n    Resource: "*"\n';
    const [y] = lint('p.yaml', yaml, [RULE]);
    expect(y.fix!.edits).toEqual([{ start: yaml.indexOf('read_artifacts'), end: yaml.indexOf('read_artifacts') + 14, text: 'readartifacts' }]);
  });

  it('offers no Sid fix when the stripped Sid is taken or empty', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadAll', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'Read-All', Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
        { Sid: '--', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      ],
    });
    const diags = lint('p.json', text, [RULE]);
    expect(diags.map((d) => [d.fix, d.message])).toEqual([
      [undefined, "Sid `Read-All` in the statement #2 contains `-`: IAM accepts only letters and digits (A-Z, a-z, 0-9) in the Sid of identity and trust policies and rejects the policy (MalformedPolicyDocument). Use a Sid of letters and digits only."],
      [undefined, expect.stringMatching(/^Sid `--` in the statement #3 contains `-`:/)],
    ]);
  });

  it('suggests the Effect spelling, the element name and the Version, as unsafe suggestions', () => {
    const yaml = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-16
        Statement:
          - Effect: allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
            'Conditon':
              StringEquals: { aws:SourceAccount: "111122223333" }
`;
    const diags = lint('t.yaml', yaml, [RULE]);
    const at = (s: string) => yaml.indexOf(s);
    expect(diags.map((d) => d.suggestions)).toEqual([
      [{ title: 'Replace with `2012-10-17`', applicability: 'unsafe', edits: [{ start: at('2012-10-16'), end: at('2012-10-16') + 10, text: '"2012-10-17"' }] }],
      [{ title: 'Replace with `Allow`', applicability: 'unsafe', edits: [{ start: at('allow'), end: at('allow') + 5, text: 'Allow' }] }],
      [{ title: 'Rename to `Condition`', applicability: 'unsafe', edits: [{ start: at("'Conditon'"), end: at("'Conditon'") + 10, text: "'Condition'" }] }],
    ]);
    expect(diags.every((d) => d.fix === undefined)).toBe(true);
  });

  it('a repeated Sid: refused by IAM and SNS, taken by other resource policies (a KMS key policy)', () => {
    const statement = (action: string) => `          - Sid: Allow access through Secrets Manager
            Effect: Allow
            Principal: { AWS: "*" }
            Action: ${action}
            Resource: "*"
            Condition: { StringEquals: { kms:CallerAccount: "111122223333" } }
`;
    const kms = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
${statement('kms:Decrypt')}${statement('kms:CreateGrant')}`;
    expect(lint('t.yaml', kms, [RULE])).toEqual([]);
    const sns = `Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:us-east-1:111122223333:t]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
${statement('sns:Publish').replace('kms:CallerAccount', 'aws:SourceAccount')}${statement('sns:Subscribe').replace('kms:CallerAccount', 'aws:SourceAccount')}`;
    expect(lint('t.yaml', sns, [RULE]).map((d) => d.message)).toEqual([expect.stringMatching(/^Sid `Allow access through Secrets Manager` of statement #2 is already the Sid of statement #1/)]);
  });

  it('Sid fixes never repeat a Sid: of two Sids that strip to the same text, only the first is fixed', () => {
    const text = JSON.stringify(
      policy([
        { Sid: 'read-only', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'read only', Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
      ]),
    );
    const found = lint('p.json', text, [RULE]);
    expect(found.map((d) => !!d.fix)).toEqual([true, false]);
  });

  it('does not suggest a rename that would repeat a key', () => {
    const text = JSON.stringify(policy([statement({ Conditions: {} })]));
    const [d] = lint('p.json', text, [RULE]);
    expect(d.message).toMatch(/Did you mean `Condition`\?$/);
    expect(d.suggestions).toBeUndefined();
  });
});

describe('policy-syntax: values the template does not determine', () => {
  it('says nothing about an Effect, a Version, a Sid or a statement from parameters and conditions', () => {
    const text = `Parameters:
  Effect: { Type: String }
  PolicyVersion: { Type: String }
  Suffix: { Type: String }
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: !Ref PolicyVersion
        Statement:
          - Sid: !Sub "Deploy\${Suffix}"
            Effect: !Ref Effect
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
          - !If
            - IsProd
            - Effect: !Ref Effect
              Principal: { Service: ec2.amazonaws.com }
              Action: sts:AssumeRole
            - !Ref AWS::NoValue
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });

  it('checks each branch of an !If in place of a statement, a Statement list or a document', () => {
    const text = `Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - !If
            - IsProd
            - Sid: Deploy
              Effect: allow
              Principal: { Service: ec2.amazonaws.com }
              Action: sts:AssumeRole
            - Sid: Deploy
              Effect: Allow
              Principal: { Service: ec2.amazonaws.com }
              Action: sts:AssumeRole
`;
    const diags = lint('t.yaml', text, [RULE]);
    // The branch with \`allow\` is reported; the two branches share a Sid, but never in one policy.
    expect(diags.map((d) => [d.range.start.line, d.path])).toEqual([[13, 'Resources.R.Properties.AssumeRolePolicyDocument.Statement[0]["Fn::If"][1].Effect']]);
  });

  it('judges each branch of a document that is an !If, and the rest of one whose Statement is', () => {
    const text = `Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !If
        - IsProd
        - { Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
        - !Ref AWS::NoValue
  B:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statements: []
        Statement: !If [IsProd, [], []]
`;
    const diags = lint('t.yaml', text, [RULE]);
    // Role A's one branch: no Version. Role B: no Version (a warning: there are no policy
    // variables in it), and an unknown top-level key.
    expect(diags.map((d) => [located(d), d.severity])).toEqual([
      [{ ruleId: RULE, line: 9, column: 13, endLine: 9, endColumn: 22 }, 'warning'],
      [{ ruleId: RULE, line: 15, column: 9, endLine: 15, endColumn: 19 }, 'error'],
      [{ ruleId: RULE, line: 16, column: 9, endLine: 16, endColumn: 18 }, 'warning'],
    ]);
  });

  it('sees policy variables written ${!...} in a !Sub JSON policy, not ${AWS::AccountId} placeholders', () => {
    const text = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub |
        {
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::\${AWS::AccountId}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:RoleSessionName": "\${!aws:username}"}}
          }]
        }
  S:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub |
        {
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::\${AWS::AccountId}:root"},
            "Action": "sts:AssumeRole"
          }]
        }
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map((d) => [d.range.start.line, d.severity])).toEqual([
      [7, 'error'],
      [19, 'warning'],
    ]);
    expect(diags[0].message).toMatch(/where `\$\{aws:username\}` in the statement #1 is literal text/);
  });

  it('sees $${aws:username} in Terraform as a policy variable', () => {
    const tf = { resource: { aws_iam_role: { r: { assume_role_policy: JSON.stringify(policy([{ ...SESSION_NAME, Condition: { StringLike: { 'sts:RoleSessionName': '$${aws:username}' } } }], {})) } } } };
    const [d] = lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE]);
    expect(d.severity).toBe('error');
  });

  it('reports a missing Statement at the first key, never at 1:1', () => {
    const text = `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Id: trust
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 6, column: 9, endLine: 6, endColumn: 16 }]);
    expect(diags[0].message).toBe('The policy has no `Statement`: IAM rejects a policy without statements (MalformedPolicyDocument). Add a `Statement` list.');
  });

  it('does not check Terraform data source argument names or its Version', () => {
    const tf = {
      data: {
        aws_iam_policy_document: {
          trust: {
            policy_id: 'trust',
            source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
            statement: [{ sid: 'Lambda', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] }],
          },
        },
      },
      resource: { aws_iam_role: { r: { assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
  });
});
