import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, wrap, type Policy } from '../harness.js';
import { DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from './policies.js';

const RULE = 'set-operator-misuse';
const GH_AUD = 'token.actions.githubusercontent.com:aud';
const GH_SUB = 'token.actions.githubusercontent.com:sub';
const AMR = 'cognito-identity.amazonaws.com:amr';
const POOL = 'us-east-1:12345678-abcd-abcd-abcd-123456789012';

function github(condition: Record<string, unknown>, effect = 'Allow'): Policy {
  return trust({
    Sid: 'GitHubDeploy',
    Effect: effect,
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [GH_AUD]: 'sts.amazonaws.com' }, ...condition },
  });
}

function cognito(amrOperator: string, amrKey = AMR): Policy {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: 'cognito-identity.amazonaws.com' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, [amrOperator]: { [amrKey]: 'authenticated' } },
  });
}

function identity(statements: Array<Record<string, unknown>>): Policy {
  return { Version: '2012-10-17', Statement: statements as Policy[] };
}

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'ForAnyValue on a single-valued claim is not this pitfall', policy: github({ 'ForAnyValue:StringLike': { [GH_SUB]: 'repo:octo-org/octo-repo:*' } }) },
    {
      name: 'a negated ForAllValues (it behaves as the plain operator)',
      policy: github({ StringLike: { [GH_SUB]: 'repo:octo-org/*' }, 'ForAllValues:StringNotEquals': { [GH_SUB]: ['repo:octo-org/sandbox:ref:refs/heads/main'] } }),
    },
    { name: 'ForAllValues in a Deny statement', policy: github({ 'ForAllValues:StringNotLike': { [GH_SUB]: 'repo:octo-org/*' } }, 'Deny') },
    { name: 'ForAllValues:StringLike on amr (multivalued)', policy: cognito('ForAllValues:StringLike') },
    { name: 'amr under ForAnyValue:StringEquals', policy: cognito('ForAnyValue:StringEquals') },
    {
      name: 'documented set operators on multivalued global and service keys, Null on a multivalued key',
      policy: identity([
        { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Environment', 'CostCenter'] } } },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' }, Null: { 'aws:CalledVia': 'false' } } },
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${www.amazon.com:user_id}'] } } },
      ]),
    },
    {
      name: 'single-valued global and service keys under plain operators',
      policy: identity([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 's3:prefix': ['', 'home/'] } } }]),
    },
  ],
  invalid: [
    {
      name: 'ForAllValues:StringLike on the GitHub subject',
      policy: github({ 'ForAllValues:StringLike': { [GH_SUB]: 'repo:octo-org/octo-repo:*' } }),
      errors: [
        {
          ruleId: RULE,
          on: 'ForAllValues:StringLike',
          severity: 'warning',
          message:
            "`ForAllValues:StringLike` on `token.actions.githubusercontent.com:sub` in the statement 'GitHubDeploy': a token claim is single-valued, and `ForAllValues:` is true when the request has no value for the key, so this condition does not require the claim: a token without it (a claim the provider leaves out for some jobs, or one STS never sets) passes. Use `StringLike`, which fails when the claim is missing.",
        },
      ],
    },
    {
      name: 'ForAllValues:StringEqualsIfExists on an optional GitHub claim',
      policy: github({ 'ForAllValues:StringEqualsIfExists': { 'token.actions.githubusercontent.com:environment': 'production' } }),
      errors: [
        {
          ruleId: RULE,
          on: 'ForAllValues:StringEqualsIfExists',
          message: /Use `StringEqualsIfExists` \(and drop `IfExists` too, unless a token without the claim is meant to pass\)\.$/,
        },
      ],
    },
    {
      name: 'EKS audience and subject, and a mixed-case Cognito key',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: [EKS_ARN, 'cognito-identity.amazonaws.com'] },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          'ForAllValues:StringEquals': { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com', [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:default:app' },
          StringLike: { 'Cognito-Identity.amazonaws.com:AMR': 'authenticated' },
        },
      }),
      errors: [
        // One finding per operator block in policy JSON; tf-data writes one condition per key.
        { ruleId: RULE, on: 'ForAllValues:StringEquals', message: /on `oidc\.eks\..*:aud`, `oidc\.eks\..*:sub` in the statement #1: token claims are single-valued/ },
        { ruleId: RULE, on: 'StringLike', message: /^`StringLike` on `Cognito-Identity\.amazonaws\.com:AMR`/ },
      ],
      formats: ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'tf-string', 'plan'],
    },
    {
      name: 'Cognito amr without ForAnyValue',
      policy: cognito('StringLike'),
      errors: [
        {
          ruleId: RULE,
          on: 'StringLike',
          severity: 'warning',
          message:
            '`StringLike` on `cognito-identity.amazonaws.com:amr` in the statement #1: this key is multivalued (an authenticated Cognito identity carries `authenticated` and its login provider, e.g. `graph.facebook.com`), and a multivalued key needs a set operator — without one the request\'s values are not compared one by one, so the condition does not test what it says. Use `ForAnyValue:StringLike`, as the Cognito documentation does.',
        },
      ],
    },
    { name: 'amr under StringEqualsIfExists', policy: cognito('StringEqualsIfExists'), errors: [{ ruleId: RULE, on: 'StringEqualsIfExists', message: /Use `ForAnyValue:StringEqualsIfExists`, as the Cognito/ }] },
    {
      name: 'multivalued global keys in an Allow and a Deny (two findings)',
      policy: identity([
        { Sid: 'TagOnlyApproved', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'aws:TagKeys': ['Environment', 'CostCenter'] } } },
        { Sid: 'NoDirectDeletes', Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*', Condition: { StringNotLike: { 'aws:CalledVia': 'cloudformation.amazonaws.com' } } },
      ]),
      errors: [
        {
          ruleId: RULE,
          on: 'StringEquals',
          message:
            "`StringEquals` on `aws:TagKeys` in the statement 'TagOnlyApproved': this key is multivalued, and a multivalued key needs a set operator — without one the request's values are not compared one by one, so the condition does not test what it says. Use `ForAnyValue:StringEquals` (at least one of the request's values matches) or `ForAllValues:StringEquals` (every value matches; also true when the key is absent).",
        },
        { ruleId: RULE, on: 'StringNotLike', message: /^`StringNotLike` on `aws:CalledVia` in the statement 'NoDirectDeletes'/ },
      ],
    },
    {
      name: 'a multivalued service key from the catalogue',
      policy: identity([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { StringEquals: { 'dynamodb:LeadingKeys': '${www.amazon.com:user_id}' } } }]),
      errors: [{ ruleId: RULE, on: 'StringEquals', message: /on `dynamodb:LeadingKeys`/ }],
      formats: ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json'],
    },
  ],
});

describe('set-operator-misuse: suggestions', () => {
  it('drops ForAllValues: from the operator key, written in the file syntax', () => {
    const w = wrap(github({ 'ForAllValues:StringLike': { [GH_SUB]: 'repo:octo-org/octo-repo:*' } }), 'policy-json');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('"ForAllValues:StringLike"');
    expect(d.suggestions).toEqual([
      { title: 'Change the operator to `StringLike`', applicability: 'unsafe', edits: [{ start, end: start + '"ForAllValues:StringLike"'.length, text: '"StringLike"' }] },
    ]);
    expect(d.fix).toBeUndefined();
  });

  it('edits the test of a Terraform data source condition, and escapes inside a JSON string', () => {
    const policy = github({ 'ForAllValues:StringLike': { [GH_SUB]: 'repo:octo-org/octo-repo:*' } });
    const data = wrap(policy, 'tf-data');
    const [d] = lint(data.path, data.text, [RULE]);
    const edit = d.suggestions![0].edits[0];
    expect(data.text.slice(edit.start, edit.end)).toBe('"ForAllValues:StringLike"');
    expect(edit.text).toBe('"StringLike"');
    const str = wrap(policy, 'tf-string');
    const [e] = lint(str.path, str.text, [RULE]);
    const strEdit = e.suggestions![0].edits[0];
    expect(str.text.slice(strEdit.start, strEdit.end)).toBe('\\"ForAllValues:StringLike\\"');
    expect(strEdit.text).toBe('\\"StringLike\\"');
  });

  it('adds ForAnyValue: for amr, in YAML', () => {
    const w = wrap(cognito('StringLike'), 'cfn-yaml');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('StringLike:');
    expect(d.suggestions).toEqual([
      { title: 'Change the operator to `ForAnyValue:StringLike`', applicability: 'unsafe', edits: [{ start, end: start + 'StringLike'.length, text: 'ForAnyValue:StringLike' }] },
    ]);
  });

  it('offers both set operators for other multivalued keys', () => {
    const w = wrap(identity([{ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'aws:TagKeys': 'Environment' } } }]), 'policy-json');
    const [d] = lint(w.path, w.text, [RULE]);
    expect(d.suggestions!.map((s) => [s.title, s.edits[0].text])).toEqual([
      ['Change the operator to `ForAnyValue:StringEquals`', '"ForAnyValue:StringEquals"'],
      ['Change the operator to `ForAllValues:StringEquals`', '"ForAllValues:StringEquals"'],
    ]);
  });

  it('offers no rename when the block also holds other keys, or when the new name is already an operator of the condition', () => {
    const mixed = wrap(
      trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { 'ForAllValues:StringEquals': { 'cognito-identity.amazonaws.com:aud': POOL, [AMR]: 'authenticated' } },
      }),
      'policy-json',
    );
    const [m, ...more] = lint(mixed.path, mixed.text, [RULE]);
    expect(more).toEqual([]);
    expect(m.message).toMatch(/^`ForAllValues:StringEquals` on `cognito-identity\.amazonaws\.com:aud` in the statement #1: a token claim is single-valued/);
    expect(m.suggestions).toBeUndefined();

    const taken = wrap(
      github({ StringLike: { [GH_SUB]: 'repo:octo-org/octo-repo:*' }, 'ForAllValues:StringLike': { 'token.actions.githubusercontent.com:environment': 'production' } }),
      'policy-json',
    );
    const [t] = lint(taken.path, taken.text, [RULE]);
    expect(t.suggestions).toBeUndefined();
  });
});

describe('set-operator-misuse: what the file does not determine', () => {
  it('skips condition blocks and operators it cannot read, and keys built from parameters', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Issuer: { Type: String }
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/\${Issuer}" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition: !If [IsProd, { "ForAllValues:StringLike": { "token.actions.githubusercontent.com:sub": "repo:a/b:*" } }, !Ref AWS::NoValue]
          - Effect: Allow
            Principal: { Federated: "${GITHUB_ARN}" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: { "token.actions.githubusercontent.com:aud": sts.amazonaws.com }
              ForAllValues:StringLike:
                token.actions.githubusercontent.com:sub: !If [IsProd, "repo:octo-org/app:*", "repo:octo-org/sandbox:*"]
`;
    const diags = lint('t.yaml', text, [RULE]);
    // The values are unknown, but the operator and the key are not: the pitfall is there whatever they are.
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 22, column: 15, endLine: 22, endColumn: 38 }]);
  });

  it('does not treat a key whose issuer is a Terraform variable as a token claim', () => {
    const tf = {
      variable: { issuer: {} },
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: JSON.stringify(
              trust({
                Effect: 'Allow',
                Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/${var.issuer}' },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: { 'ForAllValues:StringLike': { '${var.issuer}:sub': 'repo:octo-org/*' } },
              }),
            ),
          },
        },
      },
    };
    expect(lint('main.tf.json', JSON.stringify(tf, null, 2), [RULE])).toEqual([]);
  });
});
