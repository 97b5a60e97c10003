import { describe, expect, it } from 'vitest';
import { lint } from './harness.js';

/** A plan whose policy document data source is read at apply only (`json` unknown), its statements known. */
function plan(statement: Record<string, unknown>): string {
  const unset = { not_actions: [], not_principals: [], not_resources: [], resources: [], sid: '', effect: 'Allow' };
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.5',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'data.aws_iam_policy_document.trust',
              mode: 'data',
              type: 'aws_iam_policy_document',
              name: 'trust',
              values: { json: null, minified_json: null, override_policy_documents: null, policy_id: null, source_policy_documents: null, version: null, statement: [{ ...unset, ...statement }] },
            },
          ],
        },
      },
    },
    null,
    2,
  );
}

describe('plans: a policy document whose JSON is known after apply only', () => {
  it('is read from its statements, the arguments the plan lists unset left out', () => {
    const text = plan({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [{ type: 'Federated', identifiers: ['arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com'] }],
      condition: [{ test: 'StringLike', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:*'] }],
    });
    expect(lint('plan.json', text).map((d) => `${d.ruleId} ${d.path}`)).toEqual([
      'missing-audience planned_values.root_module.resources[0].values.statement[0].principals[0].identifiers[0]',
      'wildcard-subject planned_values.root_module.resources[0].values.statement[0].condition[0].values[0]',
    ]);
  });

  it('says nothing of a well-formed document', () => {
    const text = plan({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] });
    expect(lint('plan.json', text)).toEqual([]);
  });
});
