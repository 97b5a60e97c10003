/**
 * Names from the file that are also names of Object.prototype's members (`constructor`,
 * `__proto__`, `toString`, ...) as resource types, block types and element keys: looked up in
 * trustlint's tables, they must find nothing rather than an inherited function, and the file's
 * real policies are still linted.
 */
import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { TRUST_CFN, TRUST_CFN_AT } from './hostile.js';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }],
};

const lint = (path: string, text: string) => new Linter().lintText(path, text).diagnostics.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`);

describe('names of Object.prototype members in the input', () => {
  it.each(NAMES)('a CloudFormation resource of type `%s` is skipped; the role next to it is linted', (name) => {
    const text = `${TRUST_CFN}  Odd:\n    Type: ${name}\n    Properties:\n      PolicyDocument: {}\n`;
    expect(lint('template.yaml', text)).toEqual([`missing-audience ${TRUST_CFN_AT.line}:${TRUST_CFN_AT.column}`, `missing-subject ${TRUST_CFN_AT.line}:${TRUST_CFN_AT.column}`]);
  });

  it.each(NAMES)('a Terraform JSON resource type `%s` and a data-source element `%s` are no policy attributes', (name) => {
    const text = JSON.stringify(
      {
        resource: {
          [name]: { x: { policy: '{}' } },
          aws_iam_role: { r: { assume_role_policy: JSON.stringify(TRUST) } },
        },
        data: { aws_iam_policy_document: { d: { statement: [{ [name]: 'x', actions: ['s3:GetObject'], resources: ['*'] }] } } },
      },
      null,
      2,
    );
    const found = lint('main.tf.json', text);
    expect(found.filter((f) => f.startsWith('internal-error'))).toEqual([]);
    expect(found.some((f) => f.startsWith('missing-audience'))).toBe(true);
  });

  it.each(NAMES)('a plan resource of type `%s` is skipped', (name) => {
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            { address: `${name}.x`, type: name, name: 'x', values: { policy: '{}' } },
            { address: 'aws_iam_role.r', type: 'aws_iam_role', name: 'r', values: { assume_role_policy: JSON.stringify(TRUST) } },
          ],
        },
      },
    });
    const found = lint('plan.json', text);
    expect(found.filter((f) => f.startsWith('internal-error'))).toEqual([]);
    expect(found.some((f) => f.startsWith('missing-audience'))).toBe(true);
  });
});
