/**
 * `fixtures/terraform-hcl/`: two modules written afresh in the style of the public
 * terraform-aws-modules IAM GitHub-OIDC and IRSA role modules (variables, locals, count, dynamic
 * blocks, data sources), a root configuration with mistakes in every form (jsonencode, heredoc,
 * policy documents across files, templatefile() templates, Terraform JSON beside HCL), and a file
 * that does not parse. The CLI runs in-process with the repository root as working directory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = 'fixtures/terraform-hcl';

interface Position {
  line: number;
  column: number;
}

interface JsonDiagnostic {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: Position; end: Position };
  path: string;
  fingerprint: string;
}

interface JsonReport {
  diagnostics: JsonDiagnostic[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

async function cli(args: string[]): Promise<{ code: number; report: JsonReport; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['--format', 'json', ...args], {
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
  return { code, report: JSON.parse(out) as JsonReport, err };
}

function textAt(file: string, range: { start: Position; end: Position }): string {
  const lines = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').split(/\r\n|\n/);
  if (range.start.line !== range.end.line) return '(several lines)';
  return lines[range.start.line - 1].slice(range.start.column - 1, range.end.column - 1);
}

const show = (d: JsonDiagnostic) => `${d.ruleId} ${d.file}:${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.severity} ${textAt(d.file, d.range)}`;

let result: { code: number; report: JsonReport; err: string };

beforeAll(async () => {
  result = await cli([`${DIR}/`]);
});

describe('fixtures/terraform-hcl/', () => {
  it('lints .tf, .tf.json and templatefile() templates together, and exits 1', () => {
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    // 13 .tf files, 1 .tf.json, 3 templates, 1 broken .tf, 1 Helm helper (walked, skipped).
    expect(result.report.summary).toEqual({ files: 19, errors: 8, warnings: 3, infos: 0 });
  });

  it('reports exactly these findings, each at the offending value', () => {
    expect(result.report.diagnostics.map(show)).toEqual([
      `wildcard-subject ${DIR}/app/legacy.tf.json:6:412-6:431 warning \\"repo:octo-org/*\\"`,
      `audience-not-registered ${DIR}/app/providers.tf:18:55-18:84 error "https://github.com/octo-org"`,
      `missing-audience ${DIR}/app/roles.tf:14:35-14:77 error aws_iam_openid_connect_provider.github.arn`,
      `wildcard-subject ${DIR}/app/roles.tf:18:44-18:70 warning "repo:\${var.github_org}/*"`,
      `wildcard-subject ${DIR}/app/roles.tf:41:72-41:80 error "repo:*"`,
      `unknown-action ${DIR}/app/roles.tf:59:37-59:51 error "s3:PutObjetc"`,
      `unknown-action ${DIR}/app/templates/ci-policy.json.tpl:13:18-13:45 error "ecr:GetAuthorisationToken"`,
      `wildcard-subject ${DIR}/app/templates/github-trust.json.tpl:20:13-20:21 error "repo:*"`,
      `string-equals-wildcard ${DIR}/app/trust.tf:20:19-20:66 warning "repo:\${var.github_org}/infra:ref:refs/heads/*"`,
      `parse-error ${DIR}/broken/main.tf:6:74-6:80 error Action`,
      `wildcard-subject ${DIR}/templated-role/assume_role.tpl:10:68-10:76 error "repo:*"`,
    ]);
  });

  it('finds nothing in the modules in the style of terraform-aws-modules (values known at plan time only)', () => {
    const inModules = result.report.diagnostics.filter((d) => d.file.startsWith(`${DIR}/github-oidc-role/`) || d.file.startsWith(`${DIR}/iam-role-for-service-accounts/`));
    expect(inModules).toEqual([]);
  });

  it('resolves values across the files of a module: a variable default, a local built from a provider URL', () => {
    const byRule = (id: string, file: string) => result.report.diagnostics.find((d) => d.ruleId === id && d.file === `${DIR}/app/${file}`)!;
    // `repo:${var.github_org}/*`: the variable's default is in variables.tf.
    const wide = byRule('wildcard-subject', 'roles.tf');
    expect(wide.message).toContain('`repo:octo-org/*`');
    expect(wide.message).toContain("'GitHubDeploy'");
    expect(wide.path).toBe('resource.aws_iam_role.deploy.assume_role_policy.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]');
    // `${local.github_issuer}:sub`, the local in roles.tf, the provider's URL in providers.tf.
    const literal = byRule('string-equals-wildcard', 'trust.tf');
    expect(literal.message).toContain('`repo:octo-org/infra:ref:refs/heads/*`');
    expect(literal.path).toBe('data.aws_iam_policy_document.ci_trust.statement[0].condition[1].values[0]');
    // The provider's ARN, defined in providers.tf, is a GitHub principal.
    expect(byRule('missing-audience', 'roles.tf').message).toContain('GitHub Actions');
  });

  it('links a template to its templatefile() call: a literal beside a placeholder is reported, the placeholder never', () => {
    const d = result.report.diagnostics.find((x) => x.file === `${DIR}/app/templates/github-trust.json.tpl`)!;
    expect(d.message).toContain("'GitHubTemplated'");
    expect(d.path).toBe('Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"][1]');
  });

  it('reports a syntax error at its line and column', () => {
    const d = result.report.diagnostics.find((x) => x.ruleId === 'parse-error')!;
    expect(d.message).toBe("HCL syntax error: unexpected 'Action'. The file was not linted; fix the syntax and run again.");
  });

  it('gives every finding its own fingerprint', () => {
    const fps = result.report.diagnostics.map((d) => d.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
  });

  it('reads the module of a file named on its own, and the caller of a template named on its own', async () => {
    const roles = await cli([`${DIR}/app/roles.tf`]);
    expect(roles.report.diagnostics.map(show)).toEqual(result.report.diagnostics.filter((d) => d.file === `${DIR}/app/roles.tf`).map(show));
    const tpl = await cli([`${DIR}/app/templates/github-trust.json.tpl`]);
    expect(tpl.report.diagnostics.map(show)).toEqual([`wildcard-subject ${DIR}/app/templates/github-trust.json.tpl:20:13-20:21 error "repo:*"`]);
  });
});
