import { describe, expect, it } from 'vitest';
import { lint, located, ruleCases } from '../harness.js';
import { DOCUMENTED_GOOD, GITHUB_ARN, trust } from './policies.js';

const RULE = 'unknown-action';

function identity(action: string | string[], element = 'Action') {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', [element]: action, Resource: '*' }] };
}

ruleCases({ describe, it, expect }, RULE, {
  valid: [
    ...DOCUMENTED_GOOD.map(([name, policy]) => ({ name: `documented ${name} trust`, policy })),
    { name: 'canonical and mixed-case actions', policy: identity(['s3:GetObject', 'S3:getobject', 'sts:AssumeRoleWithWebIdentity', 'iam:PassRole']) },
    { name: 'wildcards that match', policy: identity(['s3:Get*', 'ec2:Describe*', 'sts:*', '*', 'kms:?ncrypt']) },
    { name: 'NotAction with real actions', policy: identity(['iam:*', 'organizations:*'], 'NotAction') },
  ],
  invalid: [
    {
      name: 'a mistyped web identity action, with the nearest real action',
      policy: trust({ Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentiy' }),
      errors: [
        {
          ruleId: RULE,
          on: 'sts:AssumeRoleWithWebIdentiy',
          message: '`sts:AssumeRoleWithWebIdentiy` is not an action of `sts`, so the statement never applies to what you meant. Did you mean `sts:AssumeRoleWithWebIdentity`?',
        },
      ],
    },
    {
      name: 'an unknown service prefix and a wildcard that matches nothing (two findings)',
      policy: identity(['s4:GetObject', 's3:Fetch*', 's3:PutObject']),
      errors: [
        { ruleId: RULE, on: 's4:GetObject', message: /service prefix `s4`, which does not exist/ },
        { ruleId: RULE, on: 's3:Fetch*', message: /matches no `s3` action/ },
      ],
    },
    { name: 'not service:Action at all', policy: identity('AssumeRole'), errors: [{ ruleId: RULE, on: 'AssumeRole', message: /is not an action/ }] },
    { name: 'inside NotAction', policy: identity(['iam:CreateUsr'], 'NotAction'), errors: [{ ruleId: RULE, on: 'iam:CreateUsr', message: /Did you mean `iam:CreateUser`\?/ }] },
  ],
});

describe('unknown-action: fixes', () => {
  it('offers the nearest action as an unsafe fix, written in the file syntax', () => {
    const text = '{"Statement":[{"Effect":"Allow","Action":"s3:GetObjet","Resource":"*"}]}';
    const [d] = lint('p.json', text, [RULE]);
    expect(d.fix).toEqual({ title: 'Replace with `s3:GetObject`', applicability: 'unsafe', edits: [{ start: 41, end: 54, text: '"s3:GetObject"' }] });
    expect(d.suggestions).toBeUndefined();
  });

  it('an action name cut short is completed (UpdateFunctionConfig → UpdateFunctionConfiguration), not edited into another', () => {
    const message = (action: string) => lint('p.json', `{"Statement":[{"Effect":"Allow","Action":"${action}","Resource":"*"}]}`, [RULE])[0]?.message;
    expect(message('lambda:UpdateFunctionConfig')).toMatch(/Did you mean `lambda:UpdateFunctionConfiguration`\?$/);
    // Several actions begin with it (UpdateFunctionCode, UpdateFunctionConfiguration, ...): the nearest by edits.
    expect(message('lambda:UpdateFunction')).toMatch(/Did you mean `lambda:CreateFunction`\?$/);
    // A one-edit slip explains a word better than a longer name it begins.
    expect(message('ecr:PutImages')).toMatch(/Did you mean `ecr:PutImage`\?$/);
  });

  it('escapes the suggestion for a policy inside a Terraform JSON string', () => {
    const tf = { resource: { aws_iam_policy: { p: { policy: JSON.stringify(identity('s3:GetObjet')) } } } };
    const text = JSON.stringify(tf);
    const [d] = lint('main.tf.json', text, [RULE]);
    const edit = d.fix!.edits[0];
    expect(text.slice(edit.start, edit.end)).toBe('\\"s3:GetObjet\\"');
    expect(edit.text).toBe('\\"s3:GetObject\\"');
  });

  it('keeps YAML plain scalars plain', () => {
    const text = 'Statement:\n  - Effect: Allow\n    Action: [ s3:GetObjet ]\n    Resource: "*"\n';
    const [d] = lint('p.yaml', text, [RULE]);
    expect(located(d)).toEqual({ ruleId: RULE, line: 3, column: 15, endLine: 3, endColumn: 26 });
    expect(d.fix!.edits).toEqual([{ start: 43, end: 54, text: 's3:GetObject' }]);
  });

  it('says nothing about an action the template does not determine', () => {
    const text = `Parameters:
  Act: { Type: String }
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [!Ref Act, !Sub "s3:\${Act}", !If [C, s3:GetObject, s3:PutObject]]
            Resource: "*"
`;
    expect(lint('t.yaml', text, [RULE])).toEqual([]);
  });
});
