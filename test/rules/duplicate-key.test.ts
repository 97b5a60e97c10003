import { describe, expect, it } from 'vitest';
import { FORMATS, lint, locate, located, wrap, type Format, type Policy, type Wrapped } from '../harness.js';
import { DOCUMENTED_GOOD, GITHUB_ARN, trust } from './policies.js';

const RULE = 'duplicate-key';

/**
 * A JavaScript object cannot hold a key twice, so a repeated key is written `Key__dup1`, `Key__dup2`
 * and the marker is removed from the wrapped file: `{"StringEquals__dup1": a, "StringEquals": b}`
 * becomes `{"StringEquals": a, "StringEquals": b}` in every format.
 */
function wrapDuplicates(policy: Policy, format: Format): Wrapped {
  const w = wrap(policy, format);
  return { ...w, text: w.text.replace(/__dup\d+/g, '') };
}

interface DupCase {
  name: string;
  policy: Policy;
  /** The dropped occurrences: the key and which occurrence of its text in the file. */
  dropped: Array<{ key: string; nth?: number; message?: string | RegExp }>;
  /** Formats where the policy has no repeated key (the data source writes conditions as blocks). */
  clean?: Format[];
}

function duplicateCases(cases: DupCase[]): void {
  for (const c of cases) {
    describe(c.name, () => {
      for (const format of FORMATS) {
        it(format, () => {
          const w = wrapDuplicates(c.policy, format);
          const diags = lint(w.path, w.text, [RULE]);
          const expected = c.clean?.includes(format) ? [] : c.dropped.map((d) => ({ ruleId: RULE, ...locate(w, d.key, d.nth ?? 0) }));
          expect(diags.map(located)).toEqual(expected);
          if (!c.clean?.includes(format)) {
            c.dropped.forEach((d, i) => {
              if (d.message) expect(diags[i].message).toMatch(d.message);
            });
          }
        });
      }
    });
  }
}

const AUD = 'token.actions.githubusercontent.com:aud';
const SUB = 'token.actions.githubusercontent.com:sub';

describe('duplicate-key: valid', () => {
  for (const [name, policy] of DOCUMENTED_GOOD) {
    for (const format of FORMATS) {
      it(`documented ${name} trust [${format}]`, () => {
        const w = wrap(policy, format);
        expect(lint(w.path, w.text, [RULE])).toEqual([]);
      });
    }
  }
  for (const format of FORMATS) {
    it(`the same key in different objects, and keys differing only in case [${format}]`, () => {
      const policy: Policy = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } },
          { Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:TagSession', Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' }, stringequals: { [SUB]: 'x' } } },
        ],
      };
      const w = wrap(policy, format);
      expect(lint(w.path, w.text, [RULE])).toEqual([]);
    });
  }
});

describe('duplicate-key: invalid', () => {
  duplicateCases([
    {
      name: 'two StringEquals blocks: the audience check is dropped',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals__dup1: { [AUD]: 'sts.amazonaws.com' },
          StringEquals: { [SUB]: 'repo:octo-org/octo-repo:ref:refs/heads/main' },
        },
      }),
      dropped: [
        {
          key: 'StringEquals',
          message:
            '`StringEquals` appears again later in this Condition block: IAM, like JSON and YAML parsers, keeps only the last `StringEquals`, so the conditions of this one (`token.actions.githubusercontent.com:aud`) are ignored and no longer limit who can assume the role. Merge both into a single `StringEquals` block.',
        },
      ],
      clean: ['tf-data'],
    },
    {
      name: 'three ForAnyValue:StringLike blocks (two findings)',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          'ForAnyValue:StringLike__dup1': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456790ab' },
          'ForAnyValue:StringLike__dup2': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated', 'cognito-identity.amazonaws.com:sub': 'x' },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      }),
      dropped: [
        { key: 'ForAnyValue:StringLike', nth: 0, message: /conditions of this one \(`cognito-identity\.amazonaws\.com:amr`\)/ },
        { key: 'ForAnyValue:StringLike', nth: 1, message: /\(`cognito-identity\.amazonaws\.com:amr`, `cognito-identity\.amazonaws\.com:sub`\)/ },
      ],
      clean: ['tf-data'],
    },
    {
      name: 'a condition key repeated inside one StringLikeIfExists block',
      policy: trust({
        Effect: 'Allow',
        Principal: { Federated: GITHUB_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [AUD]: 'sts.amazonaws.com' },
          StringLikeIfExists: { [`${SUB}__dup1`]: 'repo:octo-org/octo-repo:ref:refs/heads/main', [SUB]: 'repo:octo-org/*' },
        },
      }),
      dropped: [
        {
          key: SUB,
          message:
            '`token.actions.githubusercontent.com:sub` appears again later in this object: IAM, like JSON and YAML parsers, keeps only the last `token.actions.githubusercontent.com:sub`, so this one and its value (`repo:octo-org/octo-repo:ref:refs/heads/main`) are silently ignored. Keep a single `token.actions.githubusercontent.com:sub` with the value you mean.',
        },
      ],
      clean: ['tf-data'],
    },
    {
      name: 'Action written twice: a string, then a list',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action__dup1: 'sts:AssumeRole', Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }),
      dropped: [{ key: 'Action', message: /this one and its value \(`sts:AssumeRole`\) are silently ignored/ }],
      clean: ['tf-data'],
    },
    {
      name: 'two Statement keys: the first statements are dropped',
      policy: {
        Version: '2012-10-17',
        Statement__dup1: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }],
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      dropped: [{ key: 'Statement', message: /its value \(a list of 1 value\)/ }],
      clean: ['tf-data'],
    },
    {
      name: 'a repeated principal type',
      policy: trust({
        Effect: 'Allow',
        Principal: { AWS__dup1: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'], AWS: 'arn:aws:iam::111122223333:role/c' },
        Action: 'sts:AssumeRole',
      }),
      dropped: [{ key: 'AWS', message: /\(a list of 2 values\)/ }],
      clean: ['tf-data'],
    },
  ]);
});

describe('duplicate-key: details', () => {
  it('points at the kept occurrence', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "${GITHUB_ARN}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"${AUD}": "sts.amazonaws.com"},
      "StringEquals": {"${SUB}": "repo:octo-org/octo-repo:ref:refs/heads/main"}
    }
  }]
}
`;
    const [d] = lint('trust.json', text, [RULE]);
    expect(located(d)).toEqual({ ruleId: RULE, line: 8, column: 7, endLine: 8, endColumn: 21 });
    expect(d.related).toEqual([{ message: 'the value that is kept', range: { start: { line: 9, column: 7 }, end: { line: 9, column: 21 } } }]);
    expect(d.path).toBe('Statement[0].Condition.StringEquals');
    expect(d.fix).toBeUndefined();
    expect(d.suggestions?.map((s) => [s.title, s.applicability])).toEqual([['Merge the 2 `StringEquals` blocks into one', 'unsafe']]);
  });

  it('reports in YAML CloudFormation, with intrinsics around the values', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Repo: { Type: String }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringEquals:
                token.actions.githubusercontent.com:sub: !Sub repo:octo-org/\${Repo}:ref:refs/heads/main
`;
    const diags = lint('template.yaml', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 16, column: 15, endLine: 16, endColumn: 27 }]);
    expect(diags[0].path).toBe('Resources.Role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals');
  });

  it('reports a policy reached twice through a YAML alias once', () => {
    const text = `Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: &trust
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
            Action: sts:AssumeRole
  B:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: *trust
`;
    expect(lint('t.yaml', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 10, column: 13, endLine: 10, endColumn: 19 }]);
  });

  it('maps a key inside a policy JSON string back to the file', () => {
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
    const tf = { resource: { aws_iam_role: { r: { assume_role_policy: policy } } } };
    const text = JSON.stringify(tf, null, 2);
    const [d] = lint('main.tf.json', text, [RULE]);
    expect(text.slice(d.offsets.start, d.offsets.end)).toBe('\\"Effect\\"');
    expect(d.offsets.start).toBe(text.indexOf('\\"Effect\\"'));
    expect(d.message).toMatch(/^`Effect` appears again later in this object: .* \(`Allow`\) are silently ignored/);
  });

  it('in a Terraform data source, a repeated block is one more block; a repeated argument is an error', () => {
    const text = `{
  "data": {
    "aws_iam_policy_document": {
      "trust": {
        "statement": {
          "actions": ["sts:AssumeRoleWithWebIdentity"],
          "effect": "Deny",
          "effect": "Allow",
          "principals": { "type": "Federated", "identifiers": ["${GITHUB_ARN}"] },
          "condition": { "test": "StringEquals", "variable": "${AUD}", "values": ["sts.amazonaws.com"] },
          "condition": { "test": "StringLike", "variable": "${SUB}", "values": ["repo:octo-org/octo-repo:*"] },
          "dynamic": { "condition": { "for_each": "\${var.extra}", "content": { "test": "StringEquals", "variable": "x", "values": ["y"] } } }
        },
        "statement": {
          "actions": ["sts:TagSession"],
          "principals": { "type": "Federated", "identifiers": ["${GITHUB_ARN}"] }
        }
      }
    }
  },
  "resource": { "aws_iam_role": { "r": { "assume_role_policy": "\${data.aws_iam_policy_document.trust.json}" } } }
}
`;
    const diags = lint('main.tf.json', text, [RULE]);
    expect(diags.map(located)).toEqual([{ ruleId: RULE, line: 7, column: 11, endLine: 7, endColumn: 19 }]);
    expect(diags[0].message).toBe(
      '`effect` is set twice in this block: Terraform refuses the configuration ("Duplicate argument"), and a tool that reads the JSON keeps only the last value. Keep a single `effect` with the value you mean.',
    );
    expect(diags[0].related?.[0].message).toBe('the other definition');
  });

  it('checks every object of the document, however deep, and nothing outside it', () => {
    const text = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "a",
  "Description": "b",
  "Resources": {
    "R": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": { "Fn::Join": ["", ["arn:aws:s3:::", { "Ref": "B", "Ref": "B" }, "/*"]] }
          }]
        }
      }
    }
  }
}
`;
    expect(lint('template.json', text, [RULE]).map(located)).toEqual([{ ruleId: RULE, line: 14, column: 64, endLine: 14, endColumn: 69 }]);
  });
});

describe('duplicate-key: merge suggestion', () => {
  const apply = (text: string, edits: Array<{ start: number; end: number; text: string }>) =>
    [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);

  it('merges two StringEquals blocks of a JSON trust policy into the kept one', async () => {
    const { Linter } = await import('../../src/linter.js');
    const text = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"},
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    }
  }]
}
`;
    const linter = new Linter();
    const [d] = linter.lintText('trust.json', text).diagnostics.filter((x) => x.ruleId === 'duplicate-key');
    expect(d.suggestions?.[0].title).toBe('Merge the 2 `StringEquals` blocks into one');
    const merged = apply(text, d.suggestions![0].edits);
    expect(merged).toContain(
      '"Condition": {\n      "StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}\n    }',
    );
    expect(linter.lintText('trust.json', merged).diagnostics).toEqual([]);
  });

  it('merges YAML block maps, removing the dropped lines', async () => {
    const { Linter } = await import('../../src/linter.js');
    const text = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal:
      Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringEquals:
        token.actions.githubusercontent.com:aud: sts.amazonaws.com
      StringEquals:
        token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main
`;
    const [d] = new Linter().lintText('trust.yaml', text).diagnostics.filter((x) => x.ruleId === 'duplicate-key');
    const merged = apply(text, d.suggestions![0].edits);
    expect(merged).toBe(
      text.replace(
        '      StringEquals:\n        token.actions.githubusercontent.com:aud: sts.amazonaws.com\n      StringEquals:\n        token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main\n',
        '      StringEquals: {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}\n',
      ),
    );
    expect(new Linter().lintText('trust.yaml', merged).diagnostics).toEqual([]);
  });

  it('offers no merge when both blocks test the same key', async () => {
    const { Linter } = await import('../../src/linter.js');
    const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a"},"StringEquals":{"sts:ExternalId":"b"}}}]}';
    const [d] = new Linter().lintText('trust.json', text).diagnostics.filter((x) => x.ruleId === 'duplicate-key');
    expect(d.suggestions).toBeUndefined();
  });
});
