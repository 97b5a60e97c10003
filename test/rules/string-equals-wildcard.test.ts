import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, wrap, type Policy } from '../harness.js';
import { DOCUMENTED_GOOD, GITHUB_ARN, trust } from './policies.js';

const RULE = 'string-equals-wildcard';
const GH_AUD = 'token.actions.githubusercontent.com:aud';
const GH_SUB = 'token.actions.githubusercontent.com:sub';

function github(operator: string, sub: string | string[]): Policy {
  return trust({
    Sid: 'GitHubDeploy',
    Effect: 'Allow',
    Principal: { Federated: GITHUB_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { [operator]: { [GH_AUD]: 'sts.amazonaws.com', [GH_SUB]: sub } },
  });
}

function bucket(effect: string, operator: string, key: string, value: string | string[]): Policy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Guard',
        Effect: effect,
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*',
        Condition: { [operator]: { [key]: value } },
      },
    ],
  };
}

const consequence = {
  allow: 'no real request matches, so the statement grants nothing (a role trusted this way can never be assumed)',
  denyNot: 'it exempts no real value, so the Deny also hits the requests the pattern was meant to exempt',
};

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'StringLike with wildcards', policy: github('StringLike', 'repo:octo-org/octo-repo:*') },
    { name: 'a literal value under StringEquals', policy: github('StringEquals', 'repo:octo-org/octo-repo:ref:refs/heads/main') },
    { name: 'a policy variable under StringEquals', policy: bucket('Allow', 'StringEquals', 's3:prefix', ['', 'home/${aws:username}/']) },
    { name: "`${*}` writes a literal star", policy: bucket('Deny', 'StringEquals', 's3:prefix', 'literal-${*}-name') },
    { name: 'the `?` of a URL query string', policy: bucket('Allow', 'StringEquals', 'aws:Referer', 'https://www.example.com/shop?campaign=spring') },
    { name: 'a mis-cased operator is not IAM grammar (unknown-condition-operator reports it)', policy: github('stringEquals', 'repo:octo-org/*') },
    { name: 'ArnEquals takes wildcards', policy: bucket('Deny', 'ArnNotEquals', 'aws:PrincipalArn', 'arn:aws:iam::*:role/admin') },
  ],
  invalid: [
    {
      name: 'a GitHub subject pattern under StringEquals',
      policy: github('StringEquals', 'repo:octo-org/*'),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:octo-org/*',
          severity: 'warning',
          message:
            "`repo:octo-org/*` under `StringEquals` in the statement 'GitHubDeploy' is compared literally: `*` and `?` are wildcards only in `StringLike`/`StringNotLike`, so it equals only a value of `token.actions.githubusercontent.com:sub` that contains `*` itself: " +
            consequence.allow +
            '. If you meant a pattern, use `StringLike`.',
        },
      ],
    },
    {
      name: 'two values in one list (two findings), ForAnyValue:StringEqualsIfExists',
      policy: github('ForAnyValue:StringEqualsIfExists', ['repo:octo-org/app:ref:refs/heads/main', 'repo:octo-org/app:ref:refs/tags/v?.*', 'repo:octo-org/web:*']),
      errors: [
        {
          ruleId: RULE,
          on: 'repo:octo-org/app:ref:refs/tags/v?.*',
          message: /contains `\?` or `\*` itself: this value matches no real request, so the statement applies only through the other values\. .*use `ForAnyValue:StringLikeIfExists`\.$/,
        },
        { ruleId: RULE, on: 'repo:octo-org/web:*', message: /contains `\*` itself: this value matches no real request/ },
      ],
    },
    {
      name: 'StringNotEquals in a Deny',
      policy: bucket('Deny', 'StringNotEquals', 'aws:PrincipalOrgPaths', 'o-a1b2c3d4e5/*'),
      errors: [{ ruleId: RULE, on: 'o-a1b2c3d4e5/*', message: `\`o-a1b2c3d4e5/*\` under \`StringNotEquals\` in the statement 'Guard' is compared literally: \`*\` and \`?\` are wildcards only in \`StringLike\`/\`StringNotLike\`, so it equals only a value of \`aws:PrincipalOrgPaths\` that contains \`*\` itself: ${consequence.denyNot}. If you meant a pattern, use \`StringNotLike\`.` }],
    },
    {
      name: 'StringEquals in a Deny never applies',
      policy: bucket('Deny', 'StringEquals', 'aws:UserAgent', '*curl*'),
      errors: [{ ruleId: RULE, on: '*curl*', message: /no real request matches, so the Deny never applies and blocks nothing\./ }],
    },
    {
      name: 'StringNotEquals in an Allow applies to everyone',
      policy: bucket('Allow', 'StringNotEquals', 'aws:SourceVpce', 'vpce-*'),
      errors: [{ ruleId: RULE, on: 'vpce-*', message: /it exempts no real value, so the statement applies more widely than the pattern intends\./ }],
    },
    {
      name: 'StringEqualsIgnoreCase has no Like form',
      policy: bucket('Allow', 'StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'Platform-*'),
      errors: [
        {
          ruleId: RULE,
          on: 'Platform-*',
          message: /use `StringLike` \(there is no case-insensitive `Like` operator: the comparison then becomes case-sensitive\)\.$/,
        },
      ],
    },
    {
      name: 'StringNotEqualsIgnoreCase → StringNotLike',
      policy: bucket('Deny', 'ForAllValues:StringNotEqualsIgnoreCase', 'aws:TagKeys', ['env', 'cost-*']),
      errors: [{ ruleId: RULE, on: 'cost-*', message: /use `ForAllValues:StringNotLike` \(there is no case-insensitive/ }],
    },
    {
      name: 'a star beside a URL query string',
      policy: bucket('Allow', 'StringEquals', 'aws:Referer', 'https://www.example.com/*?campaign=spring'),
      errors: [{ ruleId: RULE, on: 'https://www.example.com/*?campaign=spring', message: /contains `\*` or `\?` itself/ }],
    },
  ],
});

describe('string-equals-wildcard: fixes', () => {
  it('renames the operator key in JSON', () => {
    const w = wrap(github('StringEquals', 'repo:octo-org/*'), 'policy-json');
    const [d] = lint(w.path, w.text, [RULE]);
    const start = w.text.indexOf('"StringEquals"');
    expect(d.fix).toEqual({ title: 'Change the operator to `StringLike`', applicability: 'unsafe', edits: [{ start, end: start + '"StringEquals"'.length, text: '"StringLike"' }] });
    expect(d.suggestions).toBeUndefined();
  });

  it('renames a YAML key, the test of a data source condition, and an operator inside a JSON string', () => {
    const policy = github('StringEqualsIfExists', 'repo:octo-org/*');
    const yaml = wrap(policy, 'cfn-yaml');
    const [y] = lint(yaml.path, yaml.text, [RULE]);
    expect(yaml.text.slice(y.fix!.edits[0].start, y.fix!.edits[0].end)).toBe('StringEqualsIfExists');
    expect(y.fix!.edits[0].text).toBe('StringLikeIfExists');
    const data = wrap(policy, 'tf-data');
    const [t] = lint(data.path, data.text, [RULE]);
    const dataEdit = t.fix!.edits[0];
    // In the data source each key has its own `test`: only the subject's is renamed.
    expect(dataEdit.start).toBe(data.text.lastIndexOf('"StringEqualsIfExists"'));
    expect(dataEdit.text).toBe('"StringLikeIfExists"');
    const str = wrap(policy, 'plan');
    const [s] = lint(str.path, str.text, [RULE]);
    expect(str.text.slice(s.fix!.edits[0].start, s.fix!.edits[0].end)).toBe('\\"StringEqualsIfExists\\"');
    expect(s.fix!.edits[0].text).toBe('\\"StringLikeIfExists\\"');
  });

  it('offers no rename when the condition already has the Like operator', () => {
    const policy = trust({
      Effect: 'Allow',
      Principal: { Federated: GITHUB_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [GH_AUD]: 'sts.amazonaws.com', 'token.actions.githubusercontent.com:environment': 'prod-*' }, StringLike: { [GH_SUB]: 'repo:octo-org/app:*' } },
    });
    const w = wrap(policy, 'policy-json');
    const [d, ...rest] = lint(w.path, w.text, [RULE]);
    expect(rest).toEqual([]);
    expect(d.message).toMatch(/^`prod-\*` under `StringEquals`/);
    expect(d.fix).toBeUndefined();
  });
});

describe('string-equals-wildcard: values the file does not determine', () => {
  it('CloudFormation: a star outside a !Sub placeholder counts, a parameter default is read, unknown values are skipped', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Org: { Type: String }
  Pattern: { Type: String, Default: "repo:octo-org/*" }
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
            Principal: { Federated: !Sub "arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
                token.actions.githubusercontent.com:sub:
                  - !Sub repo:\${Org}/app:ref:refs/heads/main
                  - !Sub repo:\${Org}/*
                  - !Ref Pattern
                  - !If [IsProd, "repo:a/*", "repo:b/*"]
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([
      { ruleId: RULE, line: 22, column: 26, endLine: 22, endColumn: 39 },
      { ruleId: RULE, line: 23, column: 26, endLine: 23, endColumn: 33 },
    ]);
    // The first value beside it can match: the statement still works through it.
    expect(diags[0].message).toMatch(/: this value matches no real request, so the statement applies only through the other values\./);
    // The parameter's default is judged, but the edit of the operator is still offered.
    expect(diags[1].message).toMatch(/^`repo:octo-org\/\*` under `StringEquals`/);
  });

  it('Terraform: a star outside an interpolation counts, one inside does not', () => {
    const tf = {
      variable: { org: {}, pattern: {} },
      resource: {
        aws_iam_role: {
          r: { assume_role_policy: JSON.stringify(github('StringEquals', ['repo:${var.org}/*', '${var.pattern}', 'repo:${var.org}/app:ref:refs/heads/main'])) },
        },
      },
    };
    const text = JSON.stringify(tf, null, 2);
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags).toHaveLength(1);
    expect(diags[0].message).toMatch(/^`repo:\$\{var\.org\}\/\*` under `StringEquals`/);
  });
});
