import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases, wrap } from '../harness.js';
import { DOCUMENTED_GOOD, GITHUB_ARN, trust } from './policies.js';

const RULE = 'action-case';

function identity(action: string | string[], element = 'Action') {
  return { Version: '2012-10-17', Statement: [{ Sid: 'Artifacts', Effect: 'Allow', [element]: action, Resource: '*' }] };
}

const GITHUB_CONDITION = {
  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
  StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:*' },
};

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'canonical actions', policy: identity(['s3:GetObject', 'sts:AssumeRoleWithWebIdentity', 'iam:PassRole', 'kms:GenerateDataKey*']) },
    { name: 'a wildcard keeps its own spelling once the prefix is canonical', policy: identity(['s3:get*', 'ec2:describe*', 'sts:*', '*']) },
    { name: 'unknown actions and services are unknown-action\'s to report', policy: identity(['s3:getobjet', 'S4:GetObject', 'S3:Fetch*', 'AssumeRole']) },
  ],
  invalid: [
    {
      name: 'the web identity action in lower case',
      policy: trust({ Sid: 'GitHubDeploy', Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:assumerolewithwebidentity', Condition: GITHUB_CONDITION }),
      errors: [
        {
          ruleId: RULE,
          on: 'sts:assumerolewithwebidentity',
          severity: 'info',
          message:
            "`sts:assumerolewithwebidentity` in statement 'GitHubDeploy' is written `sts:AssumeRoleWithWebIdentity` in the IAM catalogue. IAM matches actions case-insensitively, so access is the same, but the canonical spelling keeps policies greppable and diffs clean.",
        },
      ],
    },
    {
      name: 'service prefix and action name in the wrong case (two findings in a list)',
      policy: identity(['S3:GetObject', 's3:getObject', 's3:PutObject']),
      errors: [
        { ruleId: RULE, on: 'S3:GetObject', message: /is written `s3:GetObject` in the IAM catalogue/ },
        { ruleId: RULE, on: 's3:getObject', message: /is written `s3:GetObject` in the IAM catalogue/ },
      ],
    },
    {
      name: 'a wildcard with an upper-case service prefix',
      policy: identity('S3:Get*'),
      errors: [
        {
          ruleId: RULE,
          on: 'S3:Get*',
          message:
            "The service prefix of `S3:Get*` in statement 'Artifacts' is written `s3` in the IAM catalogue. IAM matches actions case-insensitively, so access is the same, but `s3:Get*` keeps policies greppable and diffs clean.",
        },
      ],
    },
    {
      name: 'inside NotAction',
      policy: identity(['IAM:*', 'organizations:describeOrganization'], 'NotAction'),
      errors: [
        { ruleId: RULE, on: 'IAM:*', message: /written `iam` in the IAM catalogue.*`iam:\*` keeps/ },
        { ruleId: RULE, on: 'organizations:describeOrganization', message: /is written `organizations:DescribeOrganization`/ },
      ],
    },
  ],
});

/** Applies every finding's fix to the text. */
function applyFixes(text: string, diags: Array<{ fix?: { edits: Array<{ start: number; end: number; text: string }> } }>): string {
  const edits = diags.flatMap((d) => d.fix?.edits ?? []).sort((a, b) => b.start - a.start);
  return edits.reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);
}

describe('action-case: safe fix', () => {
  it('rewrites a JSON string exactly', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["S3:getobject","s3:PutObject"],"Resource":"*"}]}';
    const [d] = lint('p.json', text, [RULE]);
    expect(d.fix).toEqual({ title: 'Write `s3:GetObject`', applicability: 'safe', edits: [{ start: 65, end: 79, text: '"s3:GetObject"' }] });
    expect(text.slice(65, 79)).toBe('"S3:getobject"');
    const fixed = applyFixes(text, [d]);
    expect(fixed).toBe('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}');
    expect(lint('p.json', fixed, [RULE])).toEqual([]);
  });

  it('keeps YAML plain, single-quoted and double-quoted scalars in their style', () => {
    const text = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Action:
      - sts:assumeRole
      - 'STS:TagSession'
      - "sts:setSourceIdentity"
    Principal:
      AWS: arn:aws:iam::111122223333:root
`;
    const diags = lint('p.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([
      { ruleId: RULE, line: 5, column: 9, endLine: 5, endColumn: 23 },
      { ruleId: RULE, line: 6, column: 9, endLine: 6, endColumn: 25 },
      { ruleId: RULE, line: 7, column: 9, endLine: 7, endColumn: 32 },
    ]);
    expect(diags.map((d) => d.fix!.edits[0].text)).toEqual(['sts:AssumeRole', "'sts:TagSession'", '"sts:SetSourceIdentity"']);
    const fixed = applyFixes(text, diags);
    expect(fixed).toContain(`      - sts:AssumeRole\n      - 'sts:TagSession'\n      - "sts:SetSourceIdentity"\n`);
    expect(lint('p.yaml', fixed, [RULE])).toEqual([]);
  });

  it('escapes the fix inside a Terraform JSON string', () => {
    const w = wrap(identity('Sts:AssumeRole'), 'tf-string');
    const [d] = lint(w.path, w.text, [RULE]);
    const edit = d.fix!.edits[0];
    expect(w.text.slice(edit.start, edit.end)).toBe('\\"Sts:AssumeRole\\"');
    expect(edit.text).toBe('\\"sts:AssumeRole\\"');
    const fixed = applyFixes(w.text, [d]);
    expect(JSON.parse(JSON.parse(fixed).resource.aws_iam_role.deploy.assume_role_policy).Statement[0].Action).toBe('sts:AssumeRole');
  });

  it('rewrites a value of a Terraform data source and of a plan', () => {
    for (const format of ['tf-data', 'plan'] as const) {
      const w = wrap(identity(['ecr:getAuthorizationToken']), format);
      const diags = lint(w.path, w.text, [RULE]);
      expect(diags).toHaveLength(1);
      const fixed = applyFixes(w.text, diags);
      expect(fixed).toContain('ecr:GetAuthorizationToken');
      expect(lint(w.path, fixed, [RULE])).toEqual([]);
    }
  });

  it('fixes an action inside a !Sub JSON string and leaves intrinsics alone', () => {
    const text = `Parameters:
  Act: { Type: String }
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: !Sub |
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:getObject", "s3:\${Act}"], "Resource": "arn:\${AWS::Partition}:s3:::b/*"}]}
  Q:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [!Ref Act, !Sub "S3:\${Act}", !If [C, s3:getobject, s3:PutObject]]
            Resource: "*"
`;
    const diags = lint('t.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 8, column: 80, endLine: 8, endColumn: 94 }]);
    expect(applyFixes(text, diags)).toContain('"Action": ["s3:GetObject", "s3:${Act}"]');
  });
});

describe('action-case: fixture', () => {
  it('normalises every drifted action of the CI roles, and the fixed template is silent', () => {
    const FILE = 'fixtures/rules/action-case/ci-roles.yaml';
    const text = readFileSync(FILE, 'utf8');
    const diags = lint(FILE, text, [RULE]);
    expect(diags.map((d) => `${located(d).line}:${located(d).column} ${text.slice(d.offsets.start, d.offsets.end)} -> ${d.fix!.edits[0].text}`)).toEqual([
      '16:17 sts:assumerolewithwebidentity -> sts:AssumeRoleWithWebIdentity',
      '28:25 ecr:getauthorizationtoken -> ecr:GetAuthorizationToken',
      '32:21 ECR:BatchCheckLayerAvailability -> ecr:BatchCheckLayerAvailability',
      '36:21 ecr:putImage -> ecr:PutImage',
      '37:21 ECR:Describe* -> ecr:Describe*',
    ]);
    const fixed = applyFixes(text, diags);
    expect(lint(FILE, fixed, [RULE])).toEqual([]);
    // Nothing else changed: the same findings of every other rule, at the same places.
    const others = (t: string) => lint(FILE, t).filter((d) => d.ruleId !== RULE).map(located);
    expect(others(fixed)).toEqual(others(text));
  });
});
