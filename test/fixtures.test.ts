/**
 * Snapshot and hand-checked findings over `fixtures/`, a mini repository of the kind a platform team
 * keeps: CloudFormation (YAML, JSON, SAM, a policy as `!Sub` JSON text), Terraform JSON and a plan,
 * raw policies, broken files, files that are none of our formats, and a git-ignored directory.
 * The CLI runs in-process with the repository root as working directory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Position {
  line: number;
  column: number;
}

interface JsonDiagnostic {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file: string;
  range: { start: Position; end: Position };
  path: string;
  fingerprint: string;
  docsUrl: string;
}

interface JsonReport {
  version: number;
  diagnostics: JsonDiagnostic[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, {
    cwd: ROOT,
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    isTTY: false,
    env: {},
  });
  return { code, out, err };
}

/** The text a 1-based, end-exclusive range covers in a fixture (lines joined with `\n`). */
function textAt(file: string, range: { start: Position; end: Position }): string {
  const lines = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split(/\r\n|\n/);
  if (range.start.line === range.end.line) return lines[range.start.line - 1].slice(range.start.column - 1, range.end.column - 1);
  const parts = [lines[range.start.line - 1].slice(range.start.column - 1)];
  for (let l = range.start.line + 1; l < range.end.line; l++) parts.push(lines[l - 1]);
  parts.push(lines[range.end.line - 1].slice(0, range.end.column - 1));
  return parts.join('\n');
}

/** `ruleId file:line:col-line:col`, as the hand checks below compare them. */
function located(d: JsonDiagnostic): string {
  const { start, end } = d.range;
  return `${d.ruleId} ${d.file}:${start.line}:${start.column}-${end.line}:${end.column}`;
}

let result: { code: number; out: string; err: string };
let report: JsonReport;

beforeAll(async () => {
  result = await cli(['--format', 'json', 'fixtures/']);
  report = JSON.parse(result.out) as JsonReport;
});

const inFile = (file: string) => report.diagnostics.filter((d) => d.file === file);

describe('fixtures/ as JSON', () => {
  it('matches the reviewed snapshot (relative paths, no times)', async () => {
    expect(result.err).toBe('');
    expect(result.out).not.toContain(ROOT);
    expect(result.out).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    await expect(result.out).toMatchFileSnapshot('./__snapshots__/fixtures.json');
  });

  it('exits 1: the fixtures hold errors', () => {
    expect(result.code).toBe(1);
    expect(report.version).toBe(1);
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it('lints every fixture in our formats, and only those', () => {
    // Counted independently of discover.ts: our extensions, minus the git-ignored directory.
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).filter((e) => e.name !== 'node_modules').flatMap((e) =>
        e.isDirectory() ? walk(`${dir}/${e.name}`) : /\.(json|ya?ml|template|tf|tftpl|tpl|tmpl)$/.test(e.name) ? [`${dir}/${e.name}`] : [],
      );
    const expected = walk('fixtures').filter((f) => !f.startsWith('fixtures/ignored/'));
    expect(expected).toContain('fixtures/not-ours/package.json');
    expect(report.summary.files).toBe(expected.length);
    const files = new Set(report.diagnostics.map((d) => d.file));
    // The bad files of the mini repository all have findings...
    for (const f of [
      'fixtures/broken/bad.json',
      'fixtures/broken/truncated.yaml',
      'fixtures/cloudformation/eks-irsa.json',
      'fixtures/cloudformation/github-oidc-bad.yaml',
      'fixtures/cloudformation/policy-as-string.yaml',
      'fixtures/cloudformation/sam-function.yaml',
      'fixtures/policies/bad-wildcards.yaml',
      'fixtures/terraform/github.tf.json',
      'fixtures/terraform/plan.json',
    ]) {
      expect(files).toContain(f);
    }
    // ...and every file with a finding is one of them or a rule's own fixture.
    for (const f of files) expect(f, f).toMatch(/^fixtures\/(broken|cloudformation|policies|terraform|terraform-hcl|rules\/[\w-]+)\//);
  });

  it.each([
    'fixtures/cloudformation/github-oidc-good.yaml',
    'fixtures/policies/gitlab-trust.json',
    'fixtures/policies/cognito-trust.json',
    'fixtures/policies/terraform-cloud-trust.json',
  ])('finds nothing in the good, AWS-documented %s', (file) => {
    expect(inFile(file)).toEqual([]);
  });

  it('reports nothing for files that are none of our formats, nor errors', () => {
    expect(report.diagnostics.filter((d) => d.file.startsWith('fixtures/not-ours/'))).toEqual([]);
  });

  it('does not read the git-ignored directory', () => {
    // The file is there (committed with `git add -f`), so its absence from the report means something.
    expect(existsSync(new URL('../fixtures/ignored/bad.yaml', import.meta.url))).toBe(true);
    expect(report.diagnostics.filter((d) => d.file.startsWith('fixtures/ignored/'))).toEqual([]);
    expect(result.out).not.toContain('fixtures/ignored');
  });

  it('writes relative POSIX paths, docs URLs and fingerprints on every finding', () => {
    for (const d of report.diagnostics) {
      expect(d.file).toMatch(/^fixtures\/[\w./-]+$/);
      expect(d.docsUrl).toMatch(new RegExp(`/docs/rules/${d.ruleId}\\.md$`));
      expect(d.fingerprint).toMatch(/^[0-9a-f]{16,}$/);
    }
    expect(new Set(report.diagnostics.map((d) => d.fingerprint)).size).toBe(report.diagnostics.length);
  });

  it('locates every finding on a non-empty range, never at 1:1 for lack of a location', () => {
    for (const d of report.diagnostics) {
      const where = located(d);
      expect(`${d.range.start.line}:${d.range.start.column}`, where).not.toBe('1:1');
      expect(textAt(d.file, d.range).trim(), where).not.toBe('');
    }
  });
});

describe('fixtures/cloudformation/github-oidc-bad.yaml', () => {
  const FILE = 'fixtures/cloudformation/github-oidc-bad.yaml';

  it('reports several rules, each at the offending value', () => {
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `missing-audience ${FILE}:24:31-24:41 error GithubOidc`,
      `wildcard-subject ${FILE}:28:58-28:64 error repo:*`,
      `unknown-action ${FILE}:36:21-36:46 error ecr:GetAuthorisationToken`,
      `unknown-action ${FILE}:44:25-44:54 error cloudfromation:DescribeStacks`,
      `wildcard-subject ${FILE}:63:58-63:73 warning repo:octo-org/*`,
      `federated-principal-mismatch ${FILE}:78:26-78:61 error token.actions.githubusercontent.com`,
      `federated-principal-mismatch ${FILE}:87:15-87:18 error AWS`,
    ]);
  });

  it('reports `repo:*` as any repository of any owner', () => {
    const d = inFile(FILE).find((x) => x.ruleId === 'wildcard-subject' && x.severity === 'error')!;
    expect(d.range).toEqual({ start: { line: 28, column: 58 }, end: { line: 28, column: 64 } });
    expect(d.path).toBe('Resources.CiDeployRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]');
    expect(d.message).toContain('`repo:*`');
    expect(d.message).toContain('any GitHub repository');
  });

  it('suggests the real action for a misspelt one', () => {
    const d = inFile(FILE).find((x) => x.ruleId === 'unknown-action' && x.range.start.line === 36)!;
    expect(d.message).toContain('`ecr:GetAuthorizationToken`');
  });
});

describe('findings inside policies written as JSON text', () => {
  it('points into the escaped Terraform JSON string at the misspelt action', () => {
    const FILE = 'fixtures/terraform/github.tf.json';
    const d = inFile(FILE).find((x) => x.ruleId === 'unknown-action')!;
    expect(d.range).toEqual({ start: { line: 44, column: 230 }, end: { line: 44, column: 246 } });
    expect(textAt(FILE, d.range)).toBe('\\"s3:PutObjetc\\"');
    expect(d.message).toContain('`s3:PutObject`');
  });

  it('follows the data.aws_iam_policy_document a role links to, and resolves the provider ARN there', () => {
    const FILE = 'fixtures/terraform/github.tf.json';
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `unknown-action ${FILE}:44:230-44:246 error \\"s3:PutObjetc\\"`,
      `missing-audience ${FILE}:58:33-58:80 error "\${aws_iam_openid_connect_provider.github.arn}"`,
      `wildcard-subject ${FILE}:65:28-65:58 warning "repo:octo-org/*:pull_request"`,
    ]);
  });

  it('points into the policy strings of a Terraform plan, once per resource (planned_values and resource_changes)', () => {
    const FILE = 'fixtures/terraform/plan.json';
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `wildcard-subject ${FILE}:64:262-64:272 error \\"repo:*\\"`,
      `unknown-action ${FILE}:89:132-89:149 error \\"ecr:PutImages\\"`,
    ]);
    expect(inFile(FILE)[0].path).toBe('planned_values.root_module.child_modules[0].resources[0].values.assume_role_policy.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]');
  });

  it('points into a `!Sub |` block of JSON text, lines and columns of the template', () => {
    const FILE = 'fixtures/cloudformation/policy-as-string.yaml';
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `missing-audience ${FILE}:27:30-27:87 error "arn:aws:iam::\${AWS::AccountId}:oidc-provider/gitlab.com"`,
      `wildcard-subject ${FILE}:32:37-32:87 warning "project_path:platform/*:ref_type:branch:ref:main"`,
      `unknown-action ${FILE}:46:65-46:97 error "cloudfront:CreateInvalidations"`,
    ]);
  });
});

describe('other formats', () => {
  it('CloudFormation JSON with long-form intrinsics: another cluster’s key, and every service account', () => {
    const FILE = 'fixtures/cloudformation/eks-irsa.json';
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `missing-audience ${FILE}:83:30-83:159 error "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"`,
      `federated-principal-mismatch ${FILE}:89:19-89:93 error "oidc.eks.us-west-2.amazonaws.com/id/5C7AE1F9B2D84E21A1B3C2D4E5F60718:aud"`,
      `wildcard-subject ${FILE}:92:95-92:120 error "system:serviceaccount:*"`,
    ]);
    // The good role of the same template is silent.
    expect(inFile(FILE).filter((d) => d.path.includes('PaymentsApiRole'))).toEqual([]);
  });

  it('SAM: lints inline statements of a function, skips managed policy names and SAM policy templates', () => {
    const FILE = 'fixtures/cloudformation/sam-function.yaml';
    const ds = inFile(FILE);
    expect(ds.map((d) => `${located(d)} ${textAt(FILE, d.range)}`)).toEqual([`unknown-action ${FILE}:51:19-51:35 sqs:SendMessages`]);
    expect(ds[0].path).toBe('Resources.ProcessOrderFunction.Properties.Policies[3].Statement[0].Action[0]');
  });

  it('raw YAML policy: one finding per wildcard subject, with the severity of its reach', () => {
    const FILE = 'fixtures/policies/bad-wildcards.yaml';
    expect(inFile(FILE).map((d) => `${located(d)} ${d.severity} ${textAt(FILE, d.range)}`)).toEqual([
      `wildcard-subject ${FILE}:16:13-16:28 warning repo:octo-org/*`,
      `wildcard-subject ${FILE}:17:13-17:16 error "*"`,
      `wildcard-subject ${FILE}:27:25-27:39 error project_path:*`,
      `wildcard-subject ${FILE}:37:31-37:47 error 'organization:*'`,
    ]);
  });
});

describe('fixtures/broken/', () => {
  it('reports a JSON syntax error once, where the parser stopped', () => {
    const ds = inFile('fixtures/broken/bad.json');
    expect(ds.map(located)).toEqual(['parse-error fixtures/broken/bad.json:10:7-10:18']);
    expect(ds[0].message).toMatch(/^JSON syntax error: ',' expected\./);
  });

  it('reports the unterminated string of the truncated YAML template at its opening quote', () => {
    const ds = inFile('fixtures/broken/truncated.yaml');
    expect(ds).toHaveLength(1);
    expect(ds[0].ruleId).toBe('parse-error');
    expect(ds[0].message).toMatch(/^YAML syntax error: Missing closing "quote/);
    // Line 18 holds `...:sub: "repo:octo-org/docs:ref:refs/heads/ma` and nothing closes the quote at column 58.
    expect(ds[0].range.start).toEqual({ line: 18, column: 58 });
    expect(ds[0].range.end).toEqual({ line: 18, column: 95 });
  });
});
