import { describe, expect, it } from 'vitest';
import { lint } from './harness.js';

describe('.tf.json policy strings whose interpolations hold quotes', () => {
  it('are read with each ${...} as a placeholder, every finding at its place in the file', () => {
    // The policy text as Terraform reads it: the quotes of format() unescaped inside the interpolation.
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"${format("arn:aws:s3:::%s/*", var.bucket)}"}]}';
    const tf = { variable: { bucket: { default: 'reports' } }, resource: { aws_iam_policy: { p: { policy } } } };
    const text = JSON.stringify(tf, null, 2);
    const found = lint('main.tf.json', text);
    expect(found.map((d) => `${d.ruleId} ${text.slice(d.offsets.start, d.offsets.end)}`)).toEqual(['unknown-action \\"s3:GetObjekt\\"']);
  });

  it('a placeholder never causes a finding of its own; a literal beside it still does', () => {
    const statement = '{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"Federated\\": \\"${aws_iam_openid_connect_provider.gh.arn}\\"}, \\"Action\\": \\"sts:AssumeRoleWithWebIdentity\\", \\"Condition\\": {\\"StringEquals\\": {\\"token.actions.githubusercontent.com:aud\\": \\"${lookup(var.auds, \\"gh\\")}\\"}, \\"StringLike\\": {\\"token.actions.githubusercontent.com:sub\\": \\"repo:*\\"}}}';
    const text = `{"resource": {"aws_iam_role": {"r": {"assume_role_policy": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [${statement}]}"}}}}`;
    expect(JSON.parse(text)).toBeTruthy();
    const found = lint('main.tf.json', text);
    expect(found.map((d) => `${d.ruleId} ${text.slice(d.offsets.start, d.offsets.end)}`)).toEqual(['wildcard-subject \\"repo:*\\"']);
  });
});
