/**
 * Terraform HCL: what is read (jsonencode, heredocs, quoted JSON, policy documents, OIDC providers,
 * templatefile() templates), what is resolved (variables, locals, providers, across the files of a
 * module), what stays Unresolved (and so never causes a finding), syntax errors, and fixes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Linter } from '../../src/linter.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import { parseText } from '../../src/engine/parse.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { GITHUB_ARN } from '../rules/policies.js';

const linter = new Linter();

beforeAll(async () => {
  await linter.prepare();
});

/** `ruleId line:col-line:col severity text`, the text being what the range covers. */
function show(text: string, d: Diagnostic): string {
  return `${d.ruleId} ${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.severity} ${text.slice(d.offsets.start, d.offsets.end)}`;
}

function lint(text: string, path = 'main.tf', rules?: string[]): string[] {
  const diags = linter.lintText(path, text).diagnostics;
  return diags.filter((d) => !rules || rules.includes(d.ruleId)).map((d) => show(text, d));
}

/** A directory of files, linted from disk as the CLI does (module facts read by lintFile). */
function tempModule(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustlint-hcl-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function lintFromDisk(dir: string, name: string, l = new Linter()): Promise<string[]> {
  const r = await l.lintFile(join(dir, name), name, true);
  return r.diagnostics.map((d) => show(r.text ?? '', d));
}

const GH_SUB = 'token.actions.githubusercontent.com:sub';
const GH_AUD = 'token.actions.githubusercontent.com:aud';

/** A role trusting GitHub, its subject written as `sub` (HCL source). */
function githubRole(sub: string, extra = ''): string {
  return `${extra}
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "${GITHUB_ARN}" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "${GH_AUD}" = "sts.amazonaws.com" }
        StringLike   = { "${GH_SUB}" = ${sub} }
      }
    }]
  })
}
`;
}

describe('syntax errors', () => {
  it('reports a missing brace at the end of the file, at its line and column', () => {
    const text = 'resource "aws_iam_role" "r" {\n  name = "r"\n';
    expect(lint(text)).toEqual(["parse-error 2:13-3:1 error \n"]);
    expect(linter.lintText('main.tf', text).diagnostics[0].message).toBe("HCL syntax error: '}' expected. The file was not linted; fix the syntax and run again.");
  });

  it('reports the innermost error, not the block around it', () => {
    const text = 'resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({\n    Resource = "a${aws:username}"\n  })\n}\n';
    const [d] = linter.lintText('main.tf', text).diagnostics;
    expect(d.ruleId).toBe('parse-error');
    expect(d.range.start).toEqual({ line: 3, column: 20 });
    expect(d.message).toContain("unexpected 'aws:username}");
  });

  it('does not report a broken .tf file that is not about IAM, named or not; reports one that is', () => {
    const text = 'resource "aws_s3_bucket" "b" {\n  bucket = \n';
    expect(linter.lintText('main.tf', text, false).diagnostics).toEqual([]);
    expect(linter.lintText('main.tf', text, true).diagnostics).toEqual([]);
    const iam = 'resource "aws_iam_role" "r" {\n  name = \n';
    expect(linter.lintText('main.tf', iam, false).diagnostics.map((d) => d.ruleId)).toEqual(['parse-error']);
  });

  it('reports a policy string that is not JSON at the position of the problem', () => {
    const text = 'resource "aws_iam_policy" "p" {\n  policy = "{\\"Version\\": \\"2012-10-17\\" \\"Statement\\": []}"\n}\n';
    expect(lint(text)).toEqual(['parse-error 2:42-2:43 error \\']);
    expect(linter.lintText('main.tf', text).diagnostics[0].message).toBe("The policy in policy is not valid JSON: ',' expected.");
  });
});

describe('positions inside heredocs and quoted strings', () => {
  const policy = (sub: string) => `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "${GITHUB_ARN}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"${GH_AUD}": "sts.amazonaws.com"}, "StringLike": {"${GH_SUB}": "${sub}"}}
  }]
}`;

  it('<<EOF and <<-EOF', () => {
    for (const marker of ['<<EOF', '<<-EOF']) {
      const body = marker === '<<EOF' ? policy('repo:*') : policy('repo:*').replace(/^/gm, '    ');
      const text = `resource "aws_iam_role" "r" {\n  assume_role_policy = ${marker}\n${body}\n${marker === '<<EOF' ? '' : '  '}EOF\n}\n`;
      const col = (marker === '<<EOF' ? 0 : 4) + 159;
      expect(lint(text, 'main.tf', ['wildcard-subject'])).toEqual([`wildcard-subject 9:${col}-9:${col + 8} error "repo:*"`]);
    }
  });

  it('a quoted string: every escape mapped (\\", \\u, $${...} for a literal ${...})', () => {
    const json = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Caf\u00e9', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' },
        { Effect: 'Allow', Action: 's3:GetObjetc', Resource: '*' },
      ],
    });
    const hcl = JSON.stringify(json).replace('\u00e9', '\\u00e9').replace('${', () => '$${');
    const text = `resource "aws_iam_policy" "p" {\n  policy = ${hcl}\n}\n`;
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => show(text, d))).toEqual([
      `policy-syntax 2:65-2:78 error \\"Caf\\u00e9\\"`,
      `unknown-action 2:216-2:232 error \\"s3:GetObjetc\\"`,
    ]);
    // The Sid is read decoded, and the policy variable is literal text (IAM's, not Terraform's).
    expect(diags[0].message).toContain('Sid `Café`');
  });

  it('CRLF line endings', () => {
    const text = githubRole('"repo:*"').replace(/\n/g, '\r\n');
    expect(lint(text, 'main.tf', ['wildcard-subject'])).toEqual(['wildcard-subject 12:70-12:78 error "repo:*"']);
  });
});

describe('values: what is resolved', () => {
  it('a template with a variable that has a default: the resolved value decides, the template is reported', () => {
    const text = githubRole('"repo:${var.org}/*"', 'variable "org" {\n  default = "octo-org"\n}\n');
    const [d] = linter.lintText('main.tf', text).diagnostics;
    expect(show(text, d)).toBe('wildcard-subject 15:70-15:89 warning "repo:${var.org}/*"');
    expect(d.message).toContain('`repo:octo-org/*`');
  });

  it('a local built from locals and variables, and a literal local', () => {
    const text = githubRole('[local.sub, local.any]', 'variable "org" {\n  default = "octo-org"\n}\nlocals {\n  repo = "${var.org}/app"\n  sub  = "repo:${local.repo}:*"\n  any  = "repo:*"\n}\n');
    expect(lint(text, 'main.tf', ['wildcard-subject'])).toEqual(['wildcard-subject 20:82-20:91 error local.any']);
  });

  it('the condition-key idiom `${replace(aws_iam_openid_connect_provider.x.url, "https://", "")}:sub` and the provider ARN', () => {
    const text = `resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "\${replace(aws_iam_openid_connect_provider.github.url, "https://", "")}:aud" = "sts.amazonaws.com" }
        StringLike   = { "\${trimprefix(aws_iam_openid_connect_provider.github.url, "https://")}:sub" = "repo:*" }
      }
    }]
  })
}
`;
    expect(lint(text, 'main.tf', ['wildcard-subject', 'missing-audience'])).toEqual(['wildcard-subject 13:104-13:112 error "repo:*"']);
  });

  it('`${aws_iam_openid_connect_provider.x.url}:sub` as it is: the URL IAM returns (and the state holds) has no scheme', () => {
    const text = `resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
data "aws_iam_openid_connect_provider" "gitlab" {
  url = "https://gitlab.com"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${aws_iam_openid_connect_provider.github.url}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "\${aws_iam_openid_connect_provider.github.url}:sub"
      values   = ["repo:*"]
    }
  }
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [data.aws_iam_openid_connect_provider.gitlab.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${data.aws_iam_openid_connect_provider.gitlab.url}:sub"
      values   = ["project_path:grp/proj:ref_type:branch:ref:main"]
    }
  }
}
`;
    // The keys are read as the issuer's: the wildcard subject and the missing audience are found, no unknown key.
    expect(lint(text)).toEqual(['wildcard-subject 23:19-23:27 error "repo:*"', 'missing-audience 30:22-30:69 error data.aws_iam_openid_connect_provider.gitlab.arn']);
  });

  it('a data.aws_iam_openid_connect_provider looked up by URL', () => {
    const text = `data "aws_iam_openid_connect_provider" "github" {
  url = "https://token.actions.githubusercontent.com"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [data.aws_iam_openid_connect_provider.github.arn]
    }
  }
}
`;
    expect(lint(text)).toEqual([
      'missing-audience 9:22-9:69 error data.aws_iam_openid_connect_provider.github.arn',
      'missing-subject 9:22-9:69 error data.aws_iam_openid_connect_provider.github.arn',
    ]);
  });

  it('OIDC providers of the file: an audience outside client_id_list', () => {
    const text = `resource "aws_iam_openid_connect_provider" "gh" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.gh.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["my-app"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:octo-org/octo-repo:ref:refs/heads/main"]
    }
  }
}
`;
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => show(text, d))).toEqual(['audience-not-registered 15:19-15:27 error "my-app"']);
    expect(diags[0].related).toEqual([{ message: 'client_id_list of `aws_iam_openid_connect_provider.gh`', range: { start: { line: 3, column: 20 }, end: { line: 3, column: 41 } } }]);
  });

  it('numbers and booleans are values too; a resource policy is read with its own kind', () => {
    const text = `resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = 1, Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*", Condition = { Bool = { "aws:SecureTransport" = true } } }]
  })
}
`;
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => show(text, d))).toEqual(['wildcard-principal 5:59-5:62 error "*"']);
    expect(diags[0].message).toContain('anyone');
  });
});

describe('values: what stays Unresolved never causes a finding', () => {
  const cases: Array<[string, string, string]> = [
    ['a variable without a default', '"repo:${var.repo}:*"', 'variable "repo" {}\n'],
    ['a whole variable that may be a list', 'var.subjects', 'variable "subjects" {\n  default = ["repo:*"]\n}\n'],
    ['a for expression', '[for r in ["a"] : "repo:*"]', ''],
    ['a conditional', 'var.open ? "repo:*" : "repo:octo-org/octo-repo:*"', ''],
    ['a function call', 'format("repo:%s", "*")', ''],
    ['another resource attribute', 'aws_s3_bucket.b.id', ''],
    ['a local that is a call', 'local.sub', 'locals {\n  sub = lower("REPO:*")\n}\n'],
    ['a directive in a string', '"repo:%{ if true }*%{ endif }"', ''],
    ['a variable whose default is "" (to be given by the caller)', '"${var.subject}"', 'variable "subject" {\n  default = ""\n}\n'],
  ];
  for (const [name, sub, extra] of cases) {
    it(name, () => {
      expect(lint(githubRole(sub, extra))).toEqual([]);
    });
  }

  it('a Statement written as a variable or a local may render a list: no finding; a literal string is one', () => {
    const policy = (statement: string) => `variable "statements" {}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = ${statement}
  })
}
`;
    expect(lint(policy('var.statements'), 'main.tf', ['policy-syntax'])).toEqual([]);
    expect(lint(policy('local.statements'), 'main.tf', ['policy-syntax'])).toEqual([]);
    expect(lint(policy('"AllowAll"'), 'main.tf', ['policy-syntax'])).toEqual(['policy-syntax 5:17-5:27 error "AllowAll"']);
  });

  it('jsonencode() of JSON text (a heredoc local, a document .json) is reported as encoded twice', () => {
    const text = `locals {
  trust = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
EOF
  object = { Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] }
}
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_role" "a" {
  assume_role_policy = jsonencode(local.trust)
}
resource "aws_iam_role" "b" {
  assume_role_policy = jsonencode(local.object)
}
resource "aws_iam_policy" "c" {
  policy = jsonencode(data.aws_iam_policy_document.doc.json)
}
`;
    expect(lint(text, 'main.tf', ['parse-error'])).toEqual(['parse-error 14:24-14:47 error jsonencode(local.trust)', 'parse-error 20:12-20:61 error jsonencode(data.aws_iam_policy_document.doc.json)']);
  });

  it('a principal from a variable whose default is "" is a placeholder, not an empty ARN', () => {
    const text = `variable "irsa_oidc_provider_arn" {
  type    = string
  default = ""
}
data "aws_iam_policy_document" "irsa" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.irsa_oidc_provider_arn]
    }
  }
}
`;
    expect(lint(text, 'main.tf', ['federated-principal-mismatch'])).toEqual([]);
  });

  it('common module patterns whose values are known at plan time only', () => {
    const text = `
variable "oidc_provider_arn" {}
variable "oidc_provider_url" {}
variable "namespace" { default = "payments" }
data "aws_iam_policy_document" "irsa" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "\${replace(var.oidc_provider_url, "https://", "")}:sub"
      values   = ["system:serviceaccount:\${var.namespace}:api"]
    }
  }
}
data "aws_iam_policy_document" "irsa2" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/\${var.oidc_provider_url}"]
    }
    condition {
      test     = "StringEquals"
      variable = "\${var.oidc_provider_url}:sub"
      values   = ["system:serviceaccount:\${var.namespace}:api"]
    }
    condition {
      test     = "StringEquals"
      variable = "\${var.oidc_provider_url}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" { assume_role_policy = data.aws_iam_policy_document.irsa.json }
resource "aws_iam_role" "r2" { assume_role_policy = data.aws_iam_policy_document.irsa2.json }
resource "aws_iam_role" "r3" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Principal = { AWS = [for a in var.accounts : "arn:aws:iam::\${a}:root"] }
      Action = "sts:AssumeRole"
      Condition = var.condition
    }, {
      Effect = var.effect
      Principal = { Service = "ec2.amazonaws.com" }
      Action = local.actions
    }]
  })
}
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "\${aws_s3_bucket.b.arn}/*" },
                 { Effect = "Allow", Action = local.actions, Resource = [for b in var.buckets : "arn:aws:s3:::\${b}"] }]
  })
}
`;
    expect(lint(text)).toEqual([]);
  });

  it('a computed key at the top of a policy makes the policy unknown', () => {
    const text = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    (local.k) = "x"\n    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "s3:GetObjetc", Resource = "*" }]\n  })\n}\n';
    expect(lint(text)).toEqual([]);
    expect(lint('{"${k}": "x", "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjetc", "Resource": "*"}]}', 'p.json.tpl')).toEqual([]);
  });

  it('a computed key in a statement makes the statement unknown', () => {
    const text = githubRole('"repo:*"').replace('Effect    = "Allow"', '(local.effect_key) = "Allow"');
    expect(lint(text)).toEqual([]);
  });

  it('dynamic blocks in a policy document', () => {
    const text = `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["${GITHUB_ARN}"]
    }
    dynamic "condition" {
      for_each = var.conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
  dynamic "statement" {
    for_each = var.extra
    content {
      actions = ["s3:GetObjetc"]
    }
  }
}
`;
    expect(lint(text)).toEqual([]);
  });
});

describe('policies in every place Terraform takes them', () => {
  it('inline_policy blocks, static and dynamic', () => {
    const text = `resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  inline_policy {
    name   = "a"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObjetc", Resource = "*" }] })
  }
  dynamic "inline_policy" {
    for_each = var.policies
    content {
      name   = inline_policy.key
      policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:DescribeInstancez", Resource = "*" }] })
    }
  }
}
`;
    expect(lint(text, 'main.tf', ['unknown-action'])).toEqual(['unknown-action 5:93-5:107 error "s3:GetObjetc"', 'unknown-action 11:95-11:118 error "ec2:DescribeInstancez"']);
    const paths = linter.lintText('main.tf', text).diagnostics.filter((d) => d.ruleId === 'unknown-action').map((d) => d.path);
    expect(paths).toEqual(['resource.aws_iam_role.r.inline_policy[0].policy.Statement[0].Action', 'resource.aws_iam_role.r.inline_policy[1].policy.Statement[0].Action']);
  });

  it('a repeated operator in a jsonencode object (duplicate-key), and a repeated argument in a policy document', () => {
    const text = `resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "${GITHUB_ARN}" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "${GH_AUD}" = "sts.amazonaws.com" }
        StringEquals = { "${GH_SUB}" = "repo:octo-org/octo-repo:ref:refs/heads/main" }
      }
    }]
  })
}
data "aws_iam_policy_document" "d" {
  statement {
    effect  = "Allow"
    effect  = "Deny"
    actions = ["s3:GetObject"]
    resources = ["*"]
  }
}
`;
    expect(lint(text, 'main.tf', ['duplicate-key'])).toEqual(['duplicate-key 9:9-9:21 error StringEquals', 'duplicate-key 17:5-17:11 error effect']);
  });

  it('source_policy_documents: the merged document is part of a trust policy too', () => {
    const text = `data "aws_iam_policy_document" "base" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}
data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`;
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => show(text, d))).toEqual(['policy-syntax 3:5-3:12 error actions']);
    expect(diags[0].message).toContain('a statement of a role trust policy must name who can assume the role');
  });
});

describe('a module is a directory: facts are read across its .tf files', () => {
  const ROLE = `resource "aws_iam_role" "ci" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role" "app" {
  assume_role_policy = jsonencode(local.app_trust)
}
resource "aws_iam_role" "web" {
  assume_role_policy = local.web_trust
}
`;
  const DOCS = `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}
locals {
  app_trust = {
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole" }]
  }
  web_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole" }]
  })
  unused = {
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObjetc" }]
  }
}
`;

  it('a document, and locals used as policies, take the kind of the role in another file', async () => {
    const dir = tempModule({ 'main.tf': ROLE, 'iam.tf': DOCS });
    const diags = (await new Linter().lintFile(join(dir, 'iam.tf'), 'iam.tf', true)).diagnostics;
    // Trust policies without a principal (identity policies would lack a resource instead).
    expect(diags.map((d) => `${d.ruleId} ${d.range.start.line} ${d.message.includes('role trust policy') ? 'trust' : 'other'}`)).toEqual([
      'policy-syntax 3 trust',
      'policy-syntax 9 trust',
      'policy-syntax 13 trust',
    ]);
    expect(await lintFromDisk(dir, 'main.tf')).toEqual([]);
  });

  it('a local that stands for a document, or for a rendered template, passes the kind on', async () => {
    const dir = tempModule({
      'main.tf': `locals {
  ci_trust  = data.aws_iam_policy_document.ci.json
  app_trust = templatefile("\${path.module}/app.json.tpl", {})
}
resource "aws_iam_role" "ci" {
  assume_role_policy = local.ci_trust
}
resource "aws_iam_role" "app" {
  assume_role_policy = local.app_trust
}
`,
      'iam.tf': 'data "aws_iam_policy_document" "ci" {\n  statement {\n    actions = ["sts:AssumeRole"]\n  }\n}\n',
      'app.json.tpl': '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}',
    });
    const trust = (ds: string[]) => ds.length === 1 && ds[0].startsWith('policy-syntax');
    const l = new Linter();
    const iam = (await l.lintFile(join(dir, 'iam.tf'), 'iam.tf', true)).diagnostics;
    const tpl = (await l.lintFile(join(dir, 'app.json.tpl'), 'app.json.tpl', true)).diagnostics;
    expect(trust(iam.map((d) => d.ruleId)) && iam[0].message.includes('role trust policy')).toBe(true);
    expect(trust(tpl.map((d) => d.ruleId)) && tpl[0].message.includes('role trust policy')).toBe(true);
  });

  it('the same text linted alone is a module of one file', () => {
    const diags = linter.lintText('iam.tf', DOCS).diagnostics;
    expect(diags.map((d) => `${d.ruleId} ${d.range.start.line} ${d.message.includes('role trust policy') ? 'trust' : 'other'}`)).toEqual(['policy-syntax 3 other']);
  });

  it('variables and providers of other files resolve; a fix re-lint keeps the module', async () => {
    const dir = tempModule({
      'variables.tf': 'variable "org" {\n  default = "octo-org"\n}\n',
      'oidc.tf': 'resource "aws_iam_openid_connect_provider" "github" {\n  url = "https://token.actions.githubusercontent.com"\n}\n',
      'main.tf': githubRole('"repo:${var.org}/*"').replace(`"${GITHUB_ARN}"`, 'aws_iam_openid_connect_provider.github.arn'),
    });
    const l = new Linter();
    expect(await lintFromDisk(dir, 'main.tf', l)).toEqual(['wildcard-subject 12:70-12:89 warning "repo:${var.org}/*"']);
    // lintText with the same display path (as the fixer re-lints) still knows the module.
    const text = githubRole('"repo:${var.org}/*"').replace(`"${GITHUB_ARN}"`, 'aws_iam_openid_connect_provider.github.arn');
    expect(l.lintText('main.tf', text).diagnostics.map((d) => d.message)[0]).toContain('`repo:octo-org/*`');
  });
});

describe('templatefile() templates', () => {
  const TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "GitHub",
    "Effect": "Allow",
    "Principal": {"Federated": "${GITHUB_ARN}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"${GH_AUD}": "\${audience}"},
      "StringLike": {"${GH_SUB}": ["repo:\${org}/*", "repo:\${repo}", %{ for r in extra ~}"repo:\${r}", %{ endfor ~} "repo:*"]}
    }
  }]
}
`;
  const caller = (vars: string, path = '${path.module}/templates/trust.json.tpl') =>
    `resource "aws_iam_role" "r" {\n  assume_role_policy = templatefile("${path}", ${vars})\n}\n`;

  it('resolves the literal variables the call passes; placeholders are holes; literals beside them are checked', async () => {
    const dir = tempModule({
      'main.tf': caller('{ org = var.org, repo = var.repo, audience = "sts.amazonaws.com", extra = [] }'),
      'variables.tf': 'variable "org" {\n  default = "octo-org"\n}\nvariable "repo" {}\n',
      'templates/trust.json.tpl': TEMPLATE,
    });
    expect(await lintFromDisk(dir, 'templates/trust.json.tpl')).toEqual([
      'wildcard-subject 10:66-10:81 warning "repo:${org}/*"',
      'wildcard-subject 10:145-10:153 error "repo:*"',
    ]);
  });

  it('a relative path, and callers that disagree: a variable they do not all pass alike is a hole', async () => {
    const dir = tempModule({
      'a.tf': caller('{ org = "octo-org", audience = "sts.amazonaws.com" }', 'templates/trust.json.tpl'),
      'b.tf': caller('{ org = "other-org", audience = "sts.amazonaws.com" }').replace('"r"', '"r2"'),
      'templates/trust.json.tpl': TEMPLATE,
    });
    expect(await lintFromDisk(dir, 'templates/trust.json.tpl')).toEqual(['wildcard-subject 10:66-10:81 warning "repo:${org}/*"', 'wildcard-subject 10:145-10:153 error "repo:*"']);
  });

  it('any .tpl / .tmpl file a templatefile() call names is a policy template; others are left alone unless named and JSON', async () => {
    const trust = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "\${trusted_entity}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringLike": {"${GH_SUB}": "repo:*"}}
  }]
}
`;
    const dir = tempModule({
      'main.tf': caller('{ trusted_entity = aws_iam_openid_connect_provider.gh.arn }', '${path.module}/assume_role.tpl').replace('"r"', '"deploy"'),
      'assume_role.tpl': trust,
      'stray.tmpl': trust,
      'chart/templates/_helpers.tpl': '{{- define "app.name" -}}\n{{ .Chart.Name }}\n{{- end }}\n',
    });
    const l = new Linter();
    const walked = async (name: string) => (await l.lintFile(join(dir, name), name, false)).diagnostics.map((d) => `${d.ruleId} ${d.range.start.line}:${d.range.start.column}`);
    // Rendered by the role's templatefile(): a trust policy, the placeholder principal no finding.
    expect(await walked('assume_role.tpl')).toEqual(['wildcard-subject 7:77']);
    // Found by the walk, rendered by nothing: some other tool's template.
    expect(await walked('stray.tmpl')).toEqual([]);
    expect(await walked('chart/templates/_helpers.tpl')).toEqual([]);
    // Named on the command line: read as a policy template when it holds JSON.
    expect((await lintFromDisk(dir, 'stray.tmpl')).map((d) => d.split(' ').slice(0, 2).join(' '))).toEqual(['wildcard-subject 7:77-7:85']);
    expect(await lintFromDisk(dir, 'chart/templates/_helpers.tpl')).toEqual([]);
  });

  it('a .json file a templatefile() call renders is read as a template: its loops and placeholders are no findings, literals are', async () => {
    const trust = `{
  "Version": "2012-10-17",
  "Statement": [
    %{ for arn in provider_arns ~}
    {
      "Effect": "Allow",
      "Principal": {"Federated": "\${arn}"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"${GH_AUD}": "sts.amazonaws.com"}, "StringLike": {"${GH_SUB}": "repo:*"}}
    },
    %{ endfor ~}
    {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
  ]
}
`;
    const dir = tempModule({
      'main.tf': caller('{ provider_arns = var.provider_arns }', '${path.module}/files/trust.json').replace('"r"', '"deploy"'),
      'files/trust.json': trust,
    });
    expect((await lintFromDisk(dir, 'files/trust.json')).map((d) => d.split(' ')[0])).toEqual(['wildcard-subject']);
  });

  it('a template with no caller: its placeholders are holes, an audience placeholder is no finding', () => {
    expect(lint(TEMPLATE, 'trust.json.tpl')).toEqual(['wildcard-subject 10:66-10:81 warning "repo:${org}/*"', 'wildcard-subject 10:145-10:153 error "repo:*"']);
  });

  it('${...} outside a JSON string stands for JSON of its own; a literal action beside it is still checked', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ${jsonencode(actions)}, "Resource": "*"},\n    {"Effect": "Allow", "Action": [${first}, "s3:GetObjetc"], "Resource": ${resources}}]\n}\n';
    expect(lint(text, 'policy.tftpl')).toEqual(['unknown-action 4:46-4:60 error "s3:GetObjetc"']);
  });

  it('keys written as placeholders: never a duplicate or an unknown element', () => {
    const text = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "\${extra}": "x", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"},
  "Condition": {"StringEquals": {"\${a}:sub": "x", "\${b}:sub": "y"}}}]}`;
    expect(lint(text, 'trust.json.tpl')).toEqual([]);
    const cond = text.replace('"${extra}": "x", ', '');
    expect(lint(cond, 'trust.json.tpl')).toEqual([]);
  });

  it('a template that only renders valid JSON is not reported; plain invalid JSON is', () => {
    expect(lint('{"Statement": [%{ for s in statements }${s}%{ endfor }]', 'p.json.tmpl')).toEqual([]);
    expect(lint('{"Statement": [}', 'p.json.tpl')).toEqual(['parse-error 1:16-1:17 error }']);
    // Placeholders only inside strings: no rendering completes the JSON, so the error is reported.
    expect(lint('{"Statement": [{"Effect": "Allow", "Resource": "${bucket}/*"}]', 'p.json.tpl')).toEqual(['parse-error 1:62-1:63 error ]']);
    const heredoc = 'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Resource": "${var.bucket}"}]\nEOF\n}\n';
    expect(lint(heredoc, 'main.tf').map((d) => d.split(' ')[0])).toEqual(['parse-error']);
  });

  it('parses once, as JSON with its regions', () => {
    const parsed = parseText('trust.json.tpl', TEMPLATE);
    expect(parsed.language).toBe('json');
    expect(parsed.template?.template.regions.map((r) => r.source)).toEqual(['${audience}', '${org}', '${repo}', '%{ for r in extra ~}', '${r}', '%{ endfor ~}']);
  });
});

describe('fixes in HCL', () => {
  const fix = (text: string, unsafe = true) => fixToFixedPoint('main.tf', text, (t) => linter.lintText('main.tf', t).diagnostics, { unsafe });

  it('a safe fix rewrites a quoted literal in place', () => {
    const text = githubRole('"repo:octo-org/octo-repo:*"').replace('"sts:AssumeRoleWithWebIdentity"', '"sts:assumerolewithwebidentity"');
    const out = fix(text, false);
    expect(out.output).toBe(text.replace('"sts:assumerolewithwebidentity"', '"sts:AssumeRoleWithWebIdentity"'));
    expect(out.diagnostics).toEqual([]);
  });

  it('never rewrites a reference with the value it resolves to', () => {
    const text = githubRole('"repo:octo-org/octo-repo:*"', 'variable "action" {\n  default = "sts:assumerolewithwebidentity"\n}\n').replace('"sts:AssumeRoleWithWebIdentity"', 'var.action');
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => [d.ruleId, d.fix])).toEqual([['action-case', undefined]]);
  });

  it('the missing-audience fix adds a condition block to an aws_iam_policy_document statement, with or without one there', () => {
    const doc = (conditions: string) => `data "aws_iam_policy_document" "trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["${GITHUB_ARN}"]
    }${conditions}
  }
}
`;
    const sub = `
    condition {
      test     = "StringLike"
      variable = "${GH_SUB}"
      values   = ["repo:octo-org/octo-repo:*"]
    }`;
    const aud = `
    condition {
      test     = "StringEquals"
      variable = "${GH_AUD}"
      values   = ["sts.amazonaws.com"]
    }`;
    const withSub = fix(doc(sub));
    expect(withSub.output).toBe(doc(sub + aud));
    expect(withSub.diagnostics).toEqual([]);
    // Without any condition block: the audience is added; the missing subject stays to be written by hand.
    const alone = fix(doc(''));
    expect(alone.output).toBe(doc(aud));
    expect(alone.diagnostics.map((d) => d.ruleId)).toEqual(['missing-subject']);
  });

  it('the missing-audience fix writes valid HCL into a jsonencode object and a heredoc', () => {
    const jsonencode = githubRole('"repo:octo-org/octo-repo:*"').replace(`StringEquals = { "${GH_AUD}" = "sts.amazonaws.com" }\n`, '');
    const out = fix(jsonencode);
    expect(out.output).not.toBe(jsonencode);
    expect(parseText('main.tf', out.output).error).toBeUndefined();
    expect(out.diagnostics).toEqual([]);
    const heredoc = `resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOF\n{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "${GITHUB_ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"${GH_SUB}": "repo:octo-org/octo-repo:*"}}}]}\nEOF\n}\n`;
    const fixed = fix(heredoc);
    expect(fixed.output).toBe(heredoc.replace('"repo:octo-org/octo-repo:*"}', `"repo:octo-org/octo-repo:*"}, "StringEquals": {"${GH_AUD}": "sts.amazonaws.com"}`));
    expect(fixed.diagnostics).toEqual([]);
  });

  it('writes HCL, never JSON, into policy-document blocks', () => {
    const text = `data "aws_iam_policy_document" "t" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n      type        = "Federated"\n      identifiers = ["${GITHUB_ARN}"]\n    }\n    condition {\n      test     = "StringLike"\n      variable = "${GH_SUB}"\n      values   = ["repo:octo-org/octo-repo:*"]\n    }\n  }\n}\n`;
    const diags = linter.lintText('main.tf', text).diagnostics;
    expect(diags.map((d) => d.ruleId)).toEqual(['missing-audience']);
    expect(diags[0].fix?.edits.map((e) => e.text)).toEqual([`\n    condition {\n      test     = "StringEquals"\n      variable = "${GH_AUD}"\n      values   = ["sts.amazonaws.com"]\n    }`]);
  });
});

describe('suppressions', () => {
  it('a `#` comment suppresses the next line, as in YAML', () => {
    expect(lint(githubRole('"repo:*"'))).toEqual(['wildcard-subject 12:70-12:78 error "repo:*"']);
    const next = githubRole('"repo:*"').replace('        StringLike', '        # trustlint-disable-next-line wildcard-subject -- a sandbox role\n        StringLike');
    expect(lint(next)).toEqual([]);
  });

  it('`//` comments work too, and a `#` inside a string is not a comment', () => {
    const slashes = githubRole('"repo:*"').replace('        StringLike', '        // trustlint-disable-next-line wildcard-subject\n        StringLike');
    expect(lint(slashes)).toEqual([]);
    const inString = githubRole('"repo:*"').replace('        StringLike', '        Sid = "x # trustlint-disable"\n        StringLike');
    expect(lint(inString)).toHaveLength(1);
  });
});
