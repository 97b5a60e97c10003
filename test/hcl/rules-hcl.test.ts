/**
 * Every rule that reads policy content, run on the same policies written as Terraform HCL: the
 * findings must be the same as in Terraform JSON, at the mapped positions. The JSON reference is the
 * `tf-string` form (`assume_role_policy` as a JSON string) for `jsonencode`, heredoc and quoted JSON,
 * and the `tf-data` form for `data "aws_iam_policy_document"` blocks. Each finding is mapped by the
 * value it is on (and which occurrence of it), and that value is located in the HCL text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { Linter } from '../../src/linter.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import { parseText } from '../../src/engine/parse.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import type { ProviderSettings } from '../../src/engine/config.js';
import { locate, wrap, type Format, type Policy, type Wrapped } from '../harness.js';
import { ACCOUNT, COGNITO_GOOD, DOCUMENTED_GOOD, EKS_ARN, EKS_ISSUER, GITHUB_ARN, trust } from '../rules/policies.js';
import { HCL_FORMATS, wrapHcl, type HclFormat } from './harness-hcl.js';

const GH = 'token.actions.githubusercontent.com';
const AUD = { [`${GH}:aud`]: 'sts.amazonaws.com' };
const SUB = { [`${GH}:sub`]: 'repo:octo-org/octo-repo:ref:refs/heads/main' };
const SETTINGS: ProviderSettings = { github: { owners: ['octo-org'] } };

function github(condition: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Policy {
  return trust({ Sid: 'GitHubDeploy', Effect: 'Allow', Principal: { Federated: GITHUB_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}), ...extra });
}

function eks(sub: string, operator = 'StringLike'): Policy {
  return trust({
    Effect: 'Allow',
    Principal: { Federated: EKS_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' }, [operator]: { [`${EKS_ISSUER}:sub`]: sub } },
  });
}

function oidc(host: string, condition: Record<string, unknown>): Policy {
  return trust({ Sid: 'Deploy', Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });
}

interface Case {
  /** The rule the case is for (it must find something in the JSON reference, unless `valid`). */
  rule: string;
  name: string;
  policy: Policy;
  valid?: boolean;
  /** HCL forms to run (default: all four). */
  formats?: HclFormat[];
}

const CASES: Case[] = [
  ...DOCUMENTED_GOOD.map(([name, policy]): Case => ({ rule: '*', name: `documented ${name} trust`, policy, valid: true })),

  { rule: 'missing-audience', name: 'GitHub trust with only a subject', policy: github({ StringLike: SUB }) },
  { rule: 'missing-audience', name: 'two providers without an audience, NotAction', policy: trust({ Effect: 'Allow', Principal: { Federated: [GITHUB_ARN, EKS_ARN] }, NotAction: 'sts:AssumeRoleWithSAML' }) },

  {
    rule: 'federated-principal-mismatch',
    name: 'EKS principal, keys of another cluster',
    policy: trust({
      Effect: 'Allow',
      Principal: { Federated: EKS_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub': 'system:serviceaccount:default:app', [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com' } },
    }),
  },
  { rule: 'federated-principal-mismatch', name: 'a bare issuer host as the Federated principal', policy: trust({ Effect: 'Allow', Principal: { Federated: GH }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { ...AUD, ...SUB } } }) },
  { rule: 'federated-principal-mismatch', name: 'an AWS principal with AssumeRoleWithWebIdentity', policy: trust({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRoleWithWebIdentity' }) },

  { rule: 'wildcard-subject', name: 'repo:*', policy: github({ StringEquals: AUD, StringLike: { [`${GH}:sub`]: 'repo:*' } }) },
  {
    rule: 'wildcard-subject',
    name: 'a list: one any-owner pattern, one owner-wide (two findings)',
    policy: github({ StringEquals: AUD, 'ForAnyValue:StringLike': { [`${GH}:sub`]: ['repo:octo-org/octo-repo:ref:refs/heads/main', 'repo:*:ref:refs/heads/main', 'repo:octo-org/*'] } }),
  },
  { rule: 'wildcard-subject', name: 'EKS: any namespace', policy: eks('system:serviceaccount:*') },
  { rule: 'wildcard-subject', name: 'GitLab: project_path:*', policy: oidc('gitlab.com', { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' }, StringLike: { 'gitlab.com:sub': 'project_path:*' } }) },
  { rule: 'wildcard-subject', name: 'non-ASCII text before the finding (UTF-16 columns)', policy: github({ StringEquals: AUD, StringLike: { [`${GH}:sub`]: ['repo:octo-org/café:*', 'repo:*/😀-app:*'] } }) },

  {
    rule: 'unknown-action',
    name: 'misspelt actions, an unknown service, a wildcard matching nothing',
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Ci', Effect: 'Allow', Action: ['ecr:GetAuthorisationToken', 'cloudfromation:DescribeStacks', 's3:Frobnicate*', 's3:Get*'], Resource: '*' }],
    },
  },
  { rule: 'unknown-action', name: 'NotAction with a misspelt action', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: ['iam:CreateUsr'], Resource: '*' }] } },

  { rule: 'missing-subject', name: 'GitHub with only an audience', policy: oidc(GH, { StringEquals: AUD }) },
  { rule: 'missing-subject', name: 'HCP Terraform with only an audience', policy: oidc('app.terraform.io', { StringEquals: { 'app.terraform.io:aud': 'aws.workload.identity' } }) },

  { rule: 'string-equals-wildcard', name: 'a pattern under StringEquals', policy: github({ StringEquals: { ...AUD, [`${GH}:sub`]: 'repo:octo-org/*' } }) },

  { rule: 'unexpected-audience', name: "GitHub's default audience", policy: github({ StringEquals: { [`${GH}:aud`]: 'https://github.com/octo-org' }, StringLike: SUB }) },
  { rule: 'unexpected-audience', name: 'EKS audience with a trailing slash', policy: trust({ Effect: 'Allow', Principal: { Federated: EKS_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${EKS_ISSUER}:aud`]: 'sts.amazonaws.com/', [`${EKS_ISSUER}:sub`]: 'system:serviceaccount:default:app' } } }) },

  { rule: 'invalid-subject-format', name: 'owner/repo without repo:', policy: github({ StringEquals: AUD, StringLike: { [`${GH}:sub`]: 'octo-org/octo-repo' } }) },
  { rule: 'invalid-subject-format', name: 'EKS subject without system:serviceaccount:', policy: eks('default:app', 'StringEquals') },

  { rule: 'assume-action-mismatch', name: 'GitHub provider with sts:AssumeRole', policy: github({ StringEquals: { ...AUD, ...SUB } }, { Action: 'sts:AssumeRole' }) },
  {
    rule: 'assume-action-mismatch',
    name: 'a SAML provider with AssumeRoleWithWebIdentity',
    policy: trust({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }),
  },

  { rule: 'unknown-condition-operator', name: 'StringEqual', policy: github({ StringEqual: { ...AUD, ...SUB } }) },
  { rule: 'unknown-condition-operator', name: 'ForAnyValues:StringLike', policy: github({ StringEquals: AUD, 'ForAnyValues:StringLike': SUB }) },

  { rule: 'unknown-condition-key', name: 'a GitHub subject written `subject`', policy: github({ StringEquals: AUD, StringLike: { [`${GH}:subject`]: 'repo:octo-org/octo-repo:*' } }) },
  { rule: 'unknown-condition-key', name: 'a key with https://', policy: github({ StringEquals: { [`https://${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: SUB }) },

  { rule: 'set-operator-misuse', name: 'ForAllValues:StringLike on the subject', policy: github({ StringEquals: AUD, 'ForAllValues:StringLike': { [`${GH}:sub`]: 'repo:octo-org/octo-repo:*' } }) },

  {
    rule: 'cognito-missing-amr',
    name: 'an audience but no amr',
    policy: trust({ Sid: 'AppUsers', Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456790ab' } } }),
  },
  { rule: 'cognito-missing-amr', name: 'documented Cognito trust', policy: COGNITO_GOOD, valid: true },

  { rule: 'wildcard-principal', name: '"Principal": "*" with sts:AssumeRole', policy: trust({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }) },
  { rule: 'wildcard-principal', name: '{"AWS": "*"} with sts:AssumeRole', policy: trust({ Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }) },

  { rule: 'untrusted-subject-owner', name: 'a repository of an owner outside the allow-list', policy: github({ StringEquals: AUD, StringLike: { [`${GH}:sub`]: 'repo:evil-org/octo-repo:*' } }) },

  { rule: 'action-case', name: 'the web-identity action in lower case', policy: github({ StringEquals: { ...AUD, ...SUB } }, { Action: 'sts:assumerolewithwebidentity' }) },

  { rule: 'policy-syntax', name: 'an invalid Version', policy: { ...github({ StringEquals: { ...AUD, ...SUB } }), Version: '2012-10-18' } },
  { rule: 'policy-syntax', name: 'an invalid Effect', policy: github({ StringEquals: { ...AUD, ...SUB } }, { Effect: 'allow' }) },
  { rule: 'policy-syntax', name: 'a Resource in a trust policy', policy: github({ StringEquals: { ...AUD, ...SUB } }, { Resource: '*' }) },
  { rule: 'policy-syntax', name: 'an invalid Sid', policy: github({ StringEquals: { ...AUD, ...SUB } }, { Sid: 'GitHub-Deploy' }) },
  {
    rule: 'policy-syntax',
    name: 'a policy variable (written $${...} in HCL) beside an unknown element',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*', Conditions: {} }] },
    formats: ['hcl-jsonencode', 'hcl-heredoc', 'hcl-string'],
  },
];

/** Rules that need more than one policy's content, each tested in its own file. */
const NOT_POLICY_CONTENT: Record<string, string> = {
  'parse-error': 'a file that does not parse: test/hcl/hcl.test.ts',
  'internal-error': 'a rule that throws',
  'duplicate-key': 'a repeated key cannot be written in a JavaScript object: test/hcl/hcl.test.ts writes one in HCL',
  'audience-not-registered': 'needs an aws_iam_openid_connect_provider beside the policy: test/hcl/hcl.test.ts',
  'unused-suppression': 'suppression comments, not policy content',
};

const linter = new Linter({ config: { rules: {}, providers: SETTINGS } });

beforeAll(async () => {
  await linter.prepare();
});

interface Found {
  ruleId: string;
  severity: string;
  message: string;
  at: string;
}

const lintWrapped = (w: Wrapped): Diagnostic[] => linter.lintText(w.path, w.text).diagnostics;
const at = (r: { line: number; column: number; endLine: number; endColumn: number }) => `${r.line}:${r.column}-${r.endLine}:${r.endColumn}`;

/** The string value a finding is on, decoded from the text at its range, and which occurrence it is. */
function valueOf(w: Wrapped, d: Diagnostic): { value: string; nth: number } | undefined {
  const text = w.text.slice(d.offsets.start, d.offsets.end);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    try {
      v = JSON.parse(JSON.parse(`"${text}"`) as string);
    } catch {
      return undefined;
    }
  }
  if (typeof v !== 'string') return undefined;
  const want = at({ line: d.range.start.line, column: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column });
  for (let nth = 0; nth < 100; nth++) {
    let found;
    try {
      found = locate(w, v, nth);
    } catch {
      return undefined;
    }
    if (at(found) === want) return { value: v, nth };
  }
  return undefined;
}

const REFERENCE: Record<HclFormat, Format> = { 'hcl-jsonencode': 'tf-string', 'hcl-heredoc': 'tf-string', 'hcl-string': 'tf-string', 'hcl-data': 'tf-data' };
const order = (a: Found, b: Found) => a.at.localeCompare(b.at) || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);

const seen = new Set<string>();

describe('every rule finds the same in HCL as in Terraform JSON, at the mapped positions', () => {
  for (const c of CASES) {
    for (const format of c.formats ?? HCL_FORMATS) {
      it(`${c.rule}: ${c.name} [${format}]`, () => {
        const ref = wrap(c.policy, REFERENCE[format]);
        const refDiags = lintWrapped(ref);
        const hcl = wrapHcl(c.policy, format);
        const hclDiags = lintWrapped(hcl);
        if (c.valid) {
          expect(refDiags.filter((d) => c.rule === '*' || d.ruleId === c.rule)).toEqual([]);
        } else {
          expect(refDiags.map((d) => d.ruleId), 'the case must exercise its rule').toContain(c.rule);
        }
        for (const d of refDiags) seen.add(d.ruleId);
        const expected: Found[] = refDiags.map((d) => {
          const v = valueOf(ref, d);
          if (!v) throw new Error(`cannot map ${d.ruleId} at ${ref.text.slice(d.offsets.start, d.offsets.end)} in ${ref.path}`);
          return { ruleId: d.ruleId, severity: d.severity, message: d.message, at: at(locate(hcl, v.value, v.nth)) };
        });
        const actual: Found[] = hclDiags.map((d) => ({
          ruleId: d.ruleId,
          severity: d.severity,
          message: d.message,
          at: `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`,
        }));
        expect(actual.sort(order), hcl.text).toEqual(expected.sort(order));
      });
    }
  }

  it('fixes (safe and unsafe) applied to every case leave valid HCL', () => {
    for (const c of CASES) {
      for (const format of c.formats ?? HCL_FORMATS) {
        const w = wrapHcl(c.policy, format);
        const out = fixToFixedPoint(w.path, w.text, (t) => linter.lintText(w.path, t).diagnostics, { unsafe: true });
        expect(parseText(w.path, out.output).error, `${c.name} [${format}]\n${out.output}`).toBeUndefined();
        expect(out.dropped, `${c.name} [${format}]`).toBe(0);
        expect(out.diagnostics.filter((d) => d.ruleId === 'parse-error')).toEqual([]);
      }
    }
  });

  it('covers every rule that reads policy content', () => {
    const ids = RULES.map((r) => r.meta.id).filter((id) => !(id in NOT_POLICY_CONTENT));
    expect(ids.filter((id) => !seen.has(id))).toEqual([]);
  });
});
