/**
 * The HCL grammar (WebAssembly) loads asynchronously and only for Terraform files: `lintText` stays
 * synchronous and throws a clear error on a `.tf` file until `prepare()` (or a `lintFile`) loaded it.
 * This file must not load it before its first test: tests of one file share the module state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { hclLoaded, HclNotLoadedError } from '../../src/parsers/hcl.js';

const TF = 'resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "sts:AssumeRole" }] })\n}\n';

describe('loading the HCL grammar', () => {
  it('is not loaded for other files', () => {
    const linter = new Linter();
    linter.lintText('policy.json', '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}');
    linter.lintText('template.yaml', 'Resources: {}\n');
    linter.lintText('main.tf.json', '{"resource": {}}');
    expect(hclLoaded()).toBe(false);
  });

  it('lintText on a .tf file before prepare() throws, saying what to do', () => {
    expect(() => new Linter().lintText('main.tf', TF)).toThrow(HclNotLoadedError);
    expect(() => new Linter().lintText('main.tf', TF)).toThrow('call `await linter.prepare()` (or lint the file with `lintFile`) before linting a .tf file with `lintText`');
  });

  it('lintFile loads it by itself; then lintText works for every Linter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlint-load-'));
    writeFileSync(join(dir, 'main.tf'), TF);
    const r = await new Linter().lintFile(join(dir, 'main.tf'), 'main.tf', true);
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['wildcard-principal']);
    expect(hclLoaded()).toBe(true);
    expect(new Linter().lintText('other.tf', TF).diagnostics.map((d) => d.ruleId)).toEqual(['wildcard-principal']);
  });

  it('prepare() can be called again at no cost', async () => {
    const linter = new Linter();
    await Promise.all([linter.prepare(), linter.prepare()]);
    expect(hclLoaded()).toBe(true);
  });
});
