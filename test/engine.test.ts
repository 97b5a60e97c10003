import { describe, expect, it } from 'vitest';
import { Linter } from '../src/linter.js';
import { defineRule } from '../src/rule-kit/index.js';
import { located } from './harness.js';

const TRUST = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": { "StringLike": { "token.actions.githubusercontent.com:sub": "repo:*" } }
    }
  ]
}
`;

const throwing = defineRule({
  meta: { id: 'throws', description: 't', defaultSeverity: 'error', securitySeverity: 1, fix: 'none', hasSuggestions: false, messages: {} },
  create: () => ({
    Statement() {
      throw new Error('boom');
    },
  }),
});

const overFixing = defineRule({
  meta: { id: 'over-fixing', description: 't', defaultSeverity: 'warning', securitySeverity: 1, fix: 'safe', hasSuggestions: false, messages: { m: 'x' } },
  create: (ctx) => ({
    Action(a) {
      ctx.report({ node: a, messageId: 'm', fix: { title: 't', applicability: 'unsafe', edits: [] } });
    },
  }),
});

describe('engine', () => {
  it('turns a rule that throws into an internal-error finding at the node being linted, and keeps the other rules', () => {
    const linter = new Linter({ plugins: [throwing as never] });
    const diags = linter.lintText('p.json', TRUST).diagnostics;
    expect(diags.map((d) => [d.ruleId, d.range.start.line, d.range.start.column])).toEqual([
      ['internal-error', 4, 5],
      ['missing-audience', 6, 35],
      ['wildcard-subject', 8, 81],
    ]);
    expect(diags[0].message).toBe(
      'Rule throws failed on this policy (boom); its other findings in this file are missing. Please report this with the policy.',
    );
  });

  it('refuses a fix stronger than the rule declares', () => {
    const linter = new Linter({ plugins: [overFixing as never] });
    const diags = linter.lintText('p.json', TRUST).diagnostics.filter((d) => d.ruleId === 'internal-error');
    expect(diags).toHaveLength(1);
    expect(diags[0].message).toMatch(/emitted a unsafe fix but declares fix: safe/);
  });

  it('applies --rule severities: off, and an explicit severity over a per-finding one', () => {
    const off = new Linter({ config: { rules: { 'wildcard-subject': { severity: 'off' } } } });
    expect(off.lintText('p.json', TRUST).diagnostics.map((d) => d.ruleId)).toEqual(['missing-audience']);
    const info = new Linter({ config: { rules: { 'wildcard-subject': { severity: 'info' } } } });
    expect(info.lintText('p.json', TRUST).diagnostics.map((d) => [d.ruleId, d.severity])).toEqual([
      ['missing-audience', 'error'],
      ['wildcard-subject', 'info'],
    ]);
  });

  it('rejects an unknown rule id in the configuration', () => {
    expect(() => new Linter({ config: { rules: { 'no-such-rule': { severity: 'off' } } } })).toThrow(/Unknown rule 'no-such-rule'/);
  });

  it('fingerprints do not depend on line numbers', () => {
    const linter = new Linter();
    const a = linter.lintText('p.json', TRUST).diagnostics.map((d) => d.fingerprint);
    const b = linter.lintText('p.json', '\n\n\n' + TRUST).diagnostics.map((d) => d.fingerprint);
    expect(b).toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it('gives the path of the offending value', () => {
    const [, d] = new Linter().lintText('p.json', TRUST).diagnostics;
    expect(d.path).toBe('Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]');
  });

  it('reports a policy string that is not JSON at the error inside the string', () => {
    const tf = '{"resource":{"aws_iam_role":{"r":{"assume_role_policy":"{\\"Statement\\": [}"}}}}';
    const diags = new Linter().lintText('main.tf.json', tf).diagnostics;
    expect(diags.map(located)).toEqual([{ ruleId: 'parse-error', line: 1, column: 74, endLine: 1, endColumn: 75 }]);
    expect(tf[73]).toBe('}');
    expect(diags[0].message).toBe('The policy in assume_role_policy is not valid JSON: value expected.');
  });

  it('does not report a Terraform policy string whose interpolations may render valid JSON', () => {
    const tf = JSON.stringify({ resource: { aws_iam_role: { r: { assume_role_policy: '{"Statement": ${jsonencode(local.statements)}}' } } } });
    // Read as a template: no parse error; what the text shows is still judged (it has no Version).
    expect(new Linter().lintText('main.tf.json', tf).diagnostics.map((d) => `${d.ruleId} ${d.severity}`)).toEqual(['policy-syntax warning']);
    // Every placeholder inside a string: nothing rendered can complete the JSON, so its error is reported.
    const broken = JSON.stringify({ resource: { aws_iam_role: { r: { assume_role_policy: '{"Statement": [{"Effect": "${var.effect}", "Action": "s3:GetObject", "Resource": "*"}' } } } });
    expect(new Linter().lintText('main.tf.json', broken).diagnostics.map((d) => d.ruleId)).toEqual(['parse-error']);
  });
});

describe('fixer', () => {
  it('renames a condition operator key in JSON, YAML and a JSON string', async () => {
    const { replaceString } = await import('../src/fixes/writer.js');
    const { parseJson } = await import('../src/parsers/json.js');
    const { parseYaml } = await import('../src/parsers/yaml.js');
    const json = parseJson('{"StringEqual": {}}').root!;
    expect(json.type === 'object' && replaceString(json, json.entries[0].keyRange, 'StringEquals')).toEqual({ start: 1, end: 14, text: '"StringEquals"' });
    const yaml = parseYaml('StringEqual: {}\n').documents[0];
    expect(yaml.type === 'object' && replaceString(yaml, yaml.entries[0].keyRange, 'StringEquals')).toEqual({ start: 0, end: 11, text: 'StringEquals' });
    const inner = parseJson('{"StringEqual": {}}', undefined, [(s) => JSON.stringify(s).slice(1, -1)]).root!;
    expect(inner.type === 'object' && replaceString(inner, inner.entries[0].keyRange, 'StringEquals')).toEqual({ start: 1, end: 14, text: '\\"StringEquals\\"' });
  });
});

describe('values rendered by other tools', () => {
  it('treats {{ ... }} and {% ... %} as unknown parts, never as malformed values', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::{{ .Values.accountId }}:oidc-provider/oidc.eks.{{ .Values.region }}.amazonaws.com/id/{{ .Values.id }}' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'oidc.eks.{{ .Values.region }}.amazonaws.com/id/{{ .Values.id }}:aud': 'sts.amazonaws.com', 'oidc.eks.{{ .Values.region }}.amazonaws.com/id/{{ .Values.id }}:sub': 'system:serviceaccount:{% ns %}:app' } },
        },
      ],
    });
    expect(new Linter().lintText('trust.json', text).diagnostics).toEqual([]);
  });
});
