import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import { FORMATS, wrap, type Policy } from '../harness.js';
import { GITHUB_ARN } from '../rules/policies.js';

const linter = new Linter();
const fix = (path: string, text: string, unsafe = true) =>
  fixToFixedPoint(path, text, (t) => linter.lintText(path, t).diagnostics, { unsafe }).output;

describe('missing-audience fix (unsafe): adds the expected audience condition', () => {
  it('merges into an existing StringEquals block in a JSON policy', () => {
    const before = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "${GITHUB_ARN}" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"
        }
      }
    }
  ]
}
`;
    expect(fix('trust.json', before)).toBe(
      before.replace(
        '"repo:octo-org/octo-repo:ref:refs/heads/main"\n',
        '"repo:octo-org/octo-repo:ref:refs/heads/main",\n          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"\n',
      ),
    );
  });

  it('expects the client id the OIDC provider of the template registers, when that is not the provider default', () => {
    const template = (clientIds: string) => `Resources:
  GithubOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: ${clientIds}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: !Ref GithubOidc }
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike:
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:*
`;
    const fixed = (clientIds: string) => fix('t.yaml', template(clientIds));
    const added = (aud: string) => `                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:*\n              StringEquals:\n                token.actions.githubusercontent.com:aud: ${aud}\n`;
    // One literal id: expected, so that the fix does not bring audience-not-registered.
    expect(fixed('[https://github.com/octo-org]')).toBe(template('[https://github.com/octo-org]').replace('                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:*\n', added('https://github.com/octo-org')));
    expect(linter.lintText('t.yaml', fixed('[https://github.com/octo-org]')).diagnostics).toEqual([]);
    // The provider default among them: the default.
    expect(fixed('[sts.amazonaws.com, https://github.com/octo-org]')).toContain(added('sts.amazonaws.com'));
    // An id with a placeholder, or several others: the message names them, and there is no fix.
    for (const ids of ['[!Sub "https://github.com/${Org}"]', '[a-client, b-client]']) {
      expect(fixed(ids)).toBe(template(ids));
    }
    const [d] = linter.lintText('t.yaml', template('[a-client, b-client]')).diagnostics.filter((x) => x.ruleId === 'missing-audience');
    expect(d.message).toMatch(/Add `"StringEquals": \{"token\.actions\.githubusercontent\.com:aud": "<one of a-client, b-client>"\}`\.$/);
  });

  it('writes Condition at the column of the statement keys, whether the sequence is indented or not', () => {
    for (const dash of ['        ', '          ']) {
      const keys = `${dash}  `;
      const before = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
${dash}- Effect: Allow
${keys}Action: sts:AssumeRoleWithWebIdentity
${keys}Principal:
${keys}  Federated: ${GITHUB_ARN}
      ManagedPolicyArns:
      - arn:aws:iam::aws:policy/ReadOnlyAccess
`;
      const after = before.replace(
        `${keys}  Federated: ${GITHUB_ARN}\n`,
        `${keys}  Federated: ${GITHUB_ARN}\n${keys}Condition:\n${keys}  StringEquals:\n${keys}    token.actions.githubusercontent.com:aud: sts.amazonaws.com\n`,
      );
      expect(fix('t.yaml', before)).toBe(after);
    }
  });

  it('a misspelt operator over the audience is fixed by its rename alone, never by a second block', () => {
    const before = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "${GITHUB_ARN}" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "stringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"
        }
      }
    }
  ]
}
`;
    const after = fix('trust.json', before);
    expect(after).toBe(before.replace('"stringEquals"', '"StringEquals"'));
    expect(linter.lintText('trust.json', after).diagnostics).toEqual([]);
  });

  it('writes the audience key with the issuer placeholder of the statement, never a parameter default', () => {
    const template = (condition: string) => `Parameters:
  ClusterOidcIssuer: { Type: String, Default: oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::\${AWS::AccountId}:oidc-provider/\${ClusterOidcIssuer}"},
            "Action": "sts:AssumeRoleWithWebIdentity"${condition}
          }]
        }
`;
    const withSub = template(',\n            "Condition": {"StringEquals": {"${ClusterOidcIssuer}:sub": "system:serviceaccount:default:app"}}');
    expect(fix('t.yaml', withSub)).toBe(withSub.replace('"system:serviceaccount:default:app"}', '"system:serviceaccount:default:app", "${ClusterOidcIssuer}:aud": "sts.amazonaws.com"}'));
    // No key of the issuer to follow, and the issuer comes from the default: reported, not fixed.
    const alone = template('');
    expect(fix('t.yaml', alone)).toBe(alone);
    expect(linter.lintText('t.yaml', alone).diagnostics.map((d) => d.ruleId)).toContain('missing-audience');
  });

  it('is not applied without --unsafe-fixes', () => {
    const text = `{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "${GITHUB_ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}`;
    expect(fix('trust.json', text, false)).toBe(text);
  });

  it('adds a Condition element to a one-line JSON statement', () => {
    const text = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "${GITHUB_ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}`;
    expect(fix('trust.json', text)).toBe(
      text.replace(
        '"Action": "sts:AssumeRoleWithWebIdentity"}',
        '"Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}',
      ),
    );
  });

  it('writes YAML block style in a CloudFormation template, keeping tags and comments', () => {
    const before = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow # the deploy workflow
            Principal:
              Federated: !Sub arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringLike:
                # only main
                token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main
`;
    expect(fix('template.yaml', before)).toBe(
      before + '              StringEquals:\n                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n',
    );
  });

  it('writes into a YAML flow map', () => {
    const before = `Statement:
  - Effect: Allow
    Principal: { Federated: "${GITHUB_ARN}" }
    Action: sts:AssumeRoleWithWebIdentity
    Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*" } }
`;
    expect(fix('trust.yaml', before)).toBe(
      before.replace(
        '"repo:octo-org/octo-repo:*" } }',
        '"repo:octo-org/octo-repo:*" }, "StringEquals": {"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"} }',
      ),
    );
  });

  it('escapes the condition inside a Terraform JSON policy string', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    const w = wrap(policy as Policy, 'tf-string');
    const out = fix(w.path, w.text);
    const role = JSON.parse(out).resource.aws_iam_role.deploy;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } });
    expect(out.split('\n').length).toBe(w.text.split('\n').length);
  });

  it('adds a condition block to an aws_iam_policy_document data source', () => {
    const policy = {
      Statement: [{ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } } }],
    };
    const w = wrap(policy as Policy, 'tf-data');
    const out = fix(w.path, w.text);
    expect(JSON.parse(out).data.aws_iam_policy_document.trust.statement[0].condition).toEqual([
      { test: 'StringLike', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:o/r:*'] },
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
    ]);
  });

  it.each(FORMATS)('leaves no missing-audience finding after fixing [%s]', (format) => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:*' } } }] };
    const w = wrap(policy as Policy, format);
    const out = fix(w.path, w.text);
    expect(out).not.toBe(w.text);
    expect(linter.lintText(w.path, out).diagnostics.filter((d) => d.ruleId === 'missing-audience')).toEqual([]);
    expect(fix(w.path, out)).toBe(out);
  });
});
