/**
 * Before and after, for every rule with a fix: the fixed file equals the policy written correctly,
 * in every format (value edits keep the file's formatting, so the expected text is the wrapped
 * correct policy), plus hand-written CloudFormation YAML in flow style with tags and comments.
 */
import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import { wrap, type Format, type Policy } from '../harness.js';
import { GITHUB_ARN } from '../rules/policies.js';

const linter = new Linter();
function fixOnly(ruleId: string, path: string, text: string): string {
  return fixToFixedPoint(path, text, (t) => linter.lintText(path, t).diagnostics.filter((d) => d.ruleId === ruleId), { unsafe: true }).output;
}

const trust = (action: string, condition: Record<string, Record<string, string>>, sid = 'GitHubDeploy'): Policy => ({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: action, Condition: condition }],
});
const AUD = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };

const CASES: Array<[string, Policy, Policy]> = [
  ['action-case', trust('STS:assumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }), trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } })],
  ['unknown-action', trust('sts:AssumeRoleWithWebIdentiy', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }), trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } })],
  ['unknown-condition-operator', trust('sts:AssumeRoleWithWebIdentity', { StringEqual: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }), trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } })],
  ['string-equals-wildcard', trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringEqualsIfExists: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }), trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLikeIfExists: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } })],
  ['policy-syntax', trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }, 'GitHub-Deploy_1'), trust('sts:AssumeRoleWithWebIdentity', { StringEquals: AUD, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } }, 'GitHubDeploy1')],
];

const FORMATS: Format[] = ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'tf-string', 'tf-data', 'plan'];

describe('fixes, before and after, in every format', () => {
  for (const [rule, before, after] of CASES) {
    for (const format of FORMATS) {
      it(`${rule} [${format}]`, () => {
        const b = wrap(before, format);
        const a = wrap(after, format);
        const diags = linter.lintText(b.path, b.text).diagnostics.filter((d) => d.ruleId === rule);
        if (format === 'tf-data' && rule === 'policy-syntax') {
          // Terraform sets no Sid rules of its own: the data source still gets the same fix.
          expect(diags.length).toBeGreaterThan(0);
        }
        expect(diags.some((d) => d.fix)).toBe(true);
        expect(fixOnly(rule, b.path, b.text)).toBe(a.text);
      });
    }
  }
});

describe('fixes in hand-written CloudFormation YAML: flow style, tags, comments', () => {
  const template = (action: string, op: string, sub: string, sid: string) => `AWSTemplateFormatVersion: "2010-09-09"
# Deploy role for the octo-repo workflows.
Parameters:
  Org: { Type: String, Default: octo-org }
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - { Sid: '${sid}', Effect: Allow, Principal: { Federated: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com" },
              Action: [ "${action}" ],  # web identity only
              Condition: { StringEquals: { token.actions.githubusercontent.com:aud: sts.amazonaws.com },
                           ${op}: { token.actions.githubusercontent.com:sub: !Sub "repo:\${Org}/octo-repo:${sub}" } } }
`;
  it.each([
    ['action-case', template('sts:assumerolewithwebidentity', 'StringLike', '*', 'Deploy'), template('sts:AssumeRoleWithWebIdentity', 'StringLike', '*', 'Deploy')],
    ['unknown-action', template('sts:AssumeRoleWithWebIdentit', 'StringLike', '*', 'Deploy'), template('sts:AssumeRoleWithWebIdentity', 'StringLike', '*', 'Deploy')],
    ['unknown-condition-operator', template('sts:AssumeRoleWithWebIdentity', 'StringLik', '*', 'Deploy'), template('sts:AssumeRoleWithWebIdentity', 'StringLike', '*', 'Deploy')],
    ['policy-syntax', template('sts:AssumeRoleWithWebIdentity', 'StringLike', '*', 'Deploy-Role'), template('sts:AssumeRoleWithWebIdentity', 'StringLike', '*', 'DeployRole')],
  ])('%s', (rule, before, after) => {
    expect(linter.lintText('t.yaml', before).diagnostics.filter((d) => d.ruleId === rule && d.fix)).toHaveLength(1);
    expect(fixOnly(rule, 't.yaml', before)).toBe(after);
  });

  it('string-equals-wildcard renames a flow-style operator next to a tagged value', () => {
    const before = template('sts:AssumeRoleWithWebIdentity', 'StringEquals', '*', 'Deploy').replace('!Sub "repo:${Org}/octo-repo:*"', '"repo:octo-org/octo-repo:*"');
    const after = before.replace('                           StringEquals:', '                           StringLike:');
    expect(fixOnly('string-equals-wildcard', 't.yaml', before)).toBe(after);
  });
});

describe('fixes never write a value resolved from a template over its placeholder', () => {
  it('a !Sub JSON policy: the action and Sid built from parameters keep their findings and get no fix; literal ones are fixed', () => {
    const text = `Parameters:
  Service: { Type: String, Default: S3 }
  Env: { Type: String, Default: dev }
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "read-\${Env}", "Effect": "Allow", "Action": ["\${Service}:GetObject", "s3:getobject"], "Resource": "*"}
          ]
        }
`;
    const found = linter.lintText('t.yaml', text).diagnostics;
    expect(found.map((d) => `${d.ruleId} ${d.range.start.column} ${d.fix ? 'fix' : 'no fix'}`)).toEqual([
      'policy-syntax 21 no fix',
      'action-case 66 no fix',
      'action-case 90 fix',
    ]);
    const fixed = fixToFixedPoint('t.yaml', text, (t) => linter.lintText('t.yaml', t).diagnostics, { unsafe: true }).output;
    expect(fixed).toBe(text.replace('"s3:getobject"', '"s3:GetObject"'));
  });
});
