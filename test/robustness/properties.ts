/**
 * Issue 9, property-based robustness: the invariants every input must keep, and the inputs that
 * try to break them — random but realistic policies (web-identity principals, actions, conditions)
 * in every format trustlint reads, and random mutations of every fixture's text.
 *
 * Used by `properties.test.ts` (seeded, a few thousand cases in CI) and by `scripts/fuzz.mjs` (as
 * many cases as asked, unseeded), so this module imports nothing from vitest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Linter, summarize } from '../../src/linter.js';
import { parseText } from '../../src/engine/parse.js';
import { fixToFixedPoint } from '../../src/fixes/apply.js';
import { formatJson } from '../../src/formatters/json.js';
import { formatSarif } from '../../src/formatters/sarif.js';
import { formatStylish } from '../../src/formatters/stylish.js';
import { formatGithub } from '../../src/formatters/github.js';
import { SourceFile } from '../../src/parsers/source.js';
import type { Diagnostic, FileResult } from '../../src/engine/diagnostic.js';
import { FORMATS, wrap, type Format, type Policy } from '../harness.js';

export { fc };

/** The seed of the CI runs (the issue number): the same cases on every machine. */
export const CI_SEED = 9;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The invariants

const position = { type: 'object', required: ['line', 'column'], additionalProperties: false, properties: { line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1 } } };
const fixSchema = {
  type: 'object',
  required: ['title', 'applicability', 'edits'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1 },
    applicability: { enum: ['safe', 'unsafe', 'display-only'] },
    edits: {
      type: 'array',
      items: { type: 'object', required: ['start', 'end', 'text'], additionalProperties: false, properties: { start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 0 }, text: { type: 'string' } } },
    },
  },
};
const count = { type: 'integer', minimum: 0 };

/** The JSON report contract of DESIGN.md ("Contracts"). */
export const JSON_REPORT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['version', 'diagnostics', 'summary'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['ruleId', 'severity', 'message', 'file', 'range', 'path', 'fingerprint', 'docsUrl'],
        additionalProperties: false,
        properties: {
          ruleId: { type: 'string', pattern: '^[a-z]+(-[a-z]+)*$' },
          severity: { enum: ['error', 'warning', 'info'] },
          message: { type: 'string', minLength: 1 },
          file: { type: 'string', minLength: 1 },
          range: { type: 'object', required: ['start', 'end'], additionalProperties: false, properties: { start: position, end: position } },
          path: { type: 'string' },
          fix: fixSchema,
          suggestions: { type: 'array', items: fixSchema },
          fingerprint: { type: 'string', minLength: 1 },
          docsUrl: { type: 'string', format: 'uri' },
        },
      },
    },
    summary: { type: 'object', required: ['files', 'errors', 'warnings', 'infos'], additionalProperties: false, properties: { files: count, errors: count, warnings: count, infos: count } },
  },
};

export interface Context {
  linter: Linter;
  fixtures: Array<{ path: string; text: string }>;
  validateJson: (data: unknown) => boolean;
  validateSarif: (data: unknown) => boolean;
  errorsOf: (which: 'json' | 'sarif') => string;
}

/** Files under fixtures/ that trustlint reads (policy templates, Terraform, explain inputs too). */
function fixtureFiles(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.(json|ya?ml|template|tf|tftpl|json\.tpl|json\.tmpl|cfn|policy)$/i.test(name)) out.push({ path: relative(ROOT, abs).split('\\').join('/'), text: readFileSync(abs, 'utf8') });
    }
  };
  walk(join(ROOT, 'fixtures'));
  return out;
}

export async function createContext(): Promise<Context> {
  const linter = new Linter();
  await linter.prepare();
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const sarif = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/data/sarif-2.1.0.json'), 'utf8')) as object);
  const report = ajv.compile(JSON_REPORT_SCHEMA);
  return {
    linter,
    fixtures: fixtureFiles(),
    validateJson: (d) => report(d) as boolean,
    validateSarif: (d) => sarif(d) as boolean,
    errorsOf: (which) => ajv.errorsText((which === 'json' ? report : sarif).errors),
  };
}

class Broken extends Error {}

function fail(path: string, text: string, what: string): never {
  const shown = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  throw new Broken(`${what}\n--- ${path} (${text.length} characters) ---\n${shown}`);
}

/** A finding that does not lie inside the file, or (not a parse error) covers no character of it. */
function checkRange(file: SourceFile, d: Diagnostic): string | undefined {
  const { start, end } = d.offsets;
  const len = file.text.length;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= len)) return `offsets ${start}-${end} outside 0-${len}`;
  const a = file.position(start);
  const b = file.position(end);
  if (a.line !== d.range.start.line || a.column !== d.range.start.column || b.line !== d.range.end.line || b.column !== d.range.end.column) {
    return `range ${JSON.stringify(d.range)} is not where offsets ${start}-${end} are (${JSON.stringify({ start: a, end: b })})`;
  }
  if (d.range.start.line > file.lineCount || d.range.end.line > file.lineCount) return `line past the end (${file.lineCount} lines)`;
  if (d.ruleId !== 'parse-error' && len > 0) {
    if (end === start) return 'an empty range';
    if (file.text.slice(start, end).trim() === '') return `a range of white space only (${JSON.stringify(file.text.slice(start, end))})`;
  }
  for (const fix of [d.fix, ...(d.suggestions ?? [])]) {
    if (!fix) continue;
    let last = -1;
    for (const e of [...fix.edits].sort((x, y) => x.start - y.start)) {
      if (e.start < 0 || e.end < e.start || e.end > len) return `fix "${fix.title}" edits ${e.start}-${e.end} outside the file`;
      if (e.start < last) return `fix "${fix.title}" has overlapping edits`;
      last = e.end;
    }
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Lints `text` as `path` and checks every invariant: nothing throws, no rule crashes, every finding
 * inside the file and on a non-empty span, the JSON and SARIF reports valid, stylish and github
 * output free of control characters, and `--fix --unsafe-fixes` output that still parses.
 */
export function checkText(ctx: Context, path: string, text: string): void {
  let result: FileResult;
  try {
    result = ctx.linter.lintText(path, text);
  } catch (e) {
    fail(path, text, `lintText threw: ${(e as Error).stack ?? String(e)}`);
  }
  const body = result.text ?? text;
  const file = new SourceFile(path, body);
  for (const d of result.diagnostics) {
    if (d.ruleId === 'internal-error') fail(path, body, `a rule crashed: ${d.message}`);
    const problem = checkRange(file, d);
    if (problem) fail(path, body, `${d.ruleId} at ${d.range.start.line}:${d.range.start.column}: ${problem} (${d.message})`);
  }
  const results = summarize([result]);
  const report = JSON.parse(formatJson(results)) as { diagnostics: Array<{ severity: string }>; summary: { errors: number; warnings: number; infos: number } };
  if (!ctx.validateJson(report)) fail(path, body, `invalid JSON report: ${ctx.errorsOf('json')}`);
  const bySeverity = (s: string) => report.diagnostics.filter((d) => d.severity === s).length;
  if (report.summary.errors !== bySeverity('error') || report.summary.warnings !== bySeverity('warning') || report.summary.infos !== bySeverity('info')) fail(path, body, 'JSON summary does not count the findings');
  const sarif = JSON.parse(formatSarif(results, ctx.linter.describeRules(), { toolVersion: '0.0.0' })) as unknown;
  if (!ctx.validateSarif(sarif)) fail(path, body, `invalid SARIF: ${ctx.errorsOf('sarif')}`);
  for (const [name, out] of [
    ['stylish', formatStylish(results, { color: false })],
    ['github', formatGithub(results)],
  ] as const) {
    const m = CONTROL.exec(out);
    if (m) fail(path, body, `${name} output holds the control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (!parseText(path, body).error && result.diagnostics.some((d) => d.fix)) {
    let fixed: string;
    try {
      fixed = fixToFixedPoint(path, body, (t) => ctx.linter.lintText(path, t).diagnostics, { unsafe: true }).output;
    } catch (e) {
      fail(path, body, `--fix threw: ${(e as Error).stack ?? String(e)}`);
    }
    const after = parseText(path, fixed).error;
    if (after) fail(path, fixed, `--fix --unsafe-fixes output does not parse: ${after.message} at ${after.offset}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Random policies

const ACCOUNT = '123456789012';
const oidc = (host: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;
const HOSTS = [
  'token.actions.githubusercontent.com',
  'token.actions.githubusercontent.com/acme',
  'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
  'gitlab.com',
  'gitlab.example.com',
  'app.terraform.io',
  'oidc.circleci.com/org/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6',
  'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
  'idp.example.com/auth',
];
const BARE = ['cognito-identity.amazonaws.com', 'accounts.google.com', 'graph.facebook.com', 'www.amazon.com'];
const CLAIMS = ['aud', 'sub', 'amr', 'oaud', 'azp', 'app_id', 'job_workflow_ref', 'repository_id', 'repository_owner_id', 'environment', 'subject'];

/** Sometimes any JSON at all in place of a realistic value. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const or = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 12, arbitrary: a }, { weight: 1, arbitrary: anyJson });
const oneOrMore = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.array(a, { minLength: 0, maxLength: 3 }));
const oddString = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('', ' ', '*', '?', '${aws:username}', '${token.actions.githubusercontent.com:sub}', 'é', '\u202e', '"', '\\', '\n'));

const host = fc.constantFrom(...HOSTS, ...BARE);
const federated = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTS).map(oidc) },
  { weight: 3, arbitrary: fc.constantFrom(...BARE) },
  { weight: 1, arbitrary: fc.constantFrom(`arn:aws:iam::${ACCOUNT}:saml-provider/Okta`, 'token.actions.githubusercontent.com', 'arn:aws:iam::12:oidc-provider/', `arn:aws:iam::${ACCOUNT}:oidc-provider/https://gitlab.com`, '*') },
  { weight: 1, arbitrary: oddString },
);
const principal = fc.oneof(
  { weight: 6, arbitrary: fc.record({ Federated: oneOrMore(federated) }) },
  { weight: 1, arbitrary: fc.record({ AWS: oneOrMore(fc.constantFrom(`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT, '*', `arn:aws:iam::${ACCOUNT}:role/ci`)) }) },
  { weight: 1, arbitrary: fc.record({ Service: oneOrMore(fc.constantFrom('ec2.amazonaws.com', 'lambda.amazonaws.com')) }) },
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('Federated', 'F\u0435derated', 'federated', 'CanonicalUser', 'Fede\u200brated'), oneOrMore(federated), { maxKeys: 2 }) },
);
const action = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole', 'sts:TagSession', 'sts:AssumeRoleWithSAML', 'sts:*', '*') },
  { weight: 2, arbitrary: fc.constantFrom('sts:assumerolewithwebidentity', 'STS:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithWebIdentiy', 's3:GetObject', 's3:Get*', 's3:GetObjekt', 'foo:Bar', 'sts:', ':') },
  { weight: 1, arbitrary: oddString },
);
const conditionKey = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(host, fc.constantFrom(...CLAIMS)).map(([h, c]) => `${h}:${c}`) },
  { weight: 1, arbitrary: fc.tuple(host, fc.constantFrom(...CLAIMS)).map(([h, c]) => `https://${h}:${c}`) },
  { weight: 1, arbitrary: fc.constantFrom('aws:SourceIp', 'sts:RoleSessionName', 'aws:PrincipalTag/team', 'aws:RequestTag/${aws:username}') },
  { weight: 1, arbitrary: oddString },
);
const operator = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('StringEquals', 'StringLike', 'StringNotEquals', 'ForAnyValue:StringLike', 'ForAllValues:StringEquals', 'StringEqualsIfExists', 'StringLikeIfExists') },
  { weight: 2, arbitrary: fc.constantFrom('StringEqual', 'ForAnyValues:StringLike', 'Null', 'Bool', 'ArnLike', 'IpAddress', 'StringEqualsIgnoreCase', 'stringequals') },
  { weight: 1, arbitrary: oddString },
);
const conditionValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('sts.amazonaws.com', 'repo:acme/app:ref:refs/heads/main', 'repo:acme/*', 'repo:*', '*', 'repo:acme/app:*', 'system:serviceaccount:payroll:worker', 'project_path:acme/app:ref_type:branch:ref:main', 'authenticated', 'unauthenticated', 'https://gitlab.com', 'organization:acme:project:*:workspace:*:run_phase:*', 'us-east-1:12345678-90ab-cdef-1234-567890abcdef') },
  { weight: 1, arbitrary: oddString },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.integer()) },
);
const condition = fc.dictionary(operator, fc.dictionary(conditionKey, oneOrMore(conditionValue), { minKeys: 1, maxKeys: 3 }), { minKeys: 0, maxKeys: 3 });
const statement = fc
  .record(
    {
      Sid: or(fc.oneof(fc.constantFrom('GitHubDeploy', 'Eks', 'x1'), oddString)),
      Effect: or(fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny', 'allow', 'Maybe')),
      Principal: or(principal),
      NotPrincipal: or(principal),
      Action: or(oneOrMore(action)),
      NotAction: or(oneOrMore(action)),
      Resource: or(oneOrMore(fc.constantFrom('*', `arn:aws:s3:::bucket/*`))),
      Condition: or(condition),
      Extra: anyJson,
    },
    { requiredKeys: [] },
  )
  // Mostly the shapes of real trust statements; the odd one out keeps NotPrincipal, NotAction and extra keys.
  .map((s) => {
    const out = { ...s } as Record<string, unknown>;
    if ('NotPrincipal' in out && 'Principal' in out && typeof out.Sid === 'string' && out.Sid.length % 3 !== 0) delete out.NotPrincipal;
    if ('NotAction' in out && 'Action' in out && typeof out.Effect === 'string' && out.Effect !== 'Maybe') delete out.NotAction;
    if ('Extra' in out && typeof out.Sid !== 'number') delete out.Extra;
    return out;
  });
/** A web-identity trust statement as people write them: one provider, conditions on its own claims. */
const trustStatement = fc.constantFrom(...HOSTS, ...BARE).chain((h) =>
  fc.record(
    {
      Sid: fc.constantFrom('GitHubDeploy', 'Eks', 'Ci1'),
      Effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
      Principal: fc.record({ Federated: BARE.includes(h) ? fc.constant(h) : fc.oneof(fc.constant(oidc(h)), oneOrMore(fc.constant(oidc(h)))) }),
      Action: oneOrMore(fc.constantFrom('sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:assumerolewithwebidentity', 'sts:AssumeRole')),
      Condition: fc.dictionary(
        fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringLike', 'StringEqualsIfExists', 'StringEqual', 'ForAllValues:StringEquals'),
        fc.dictionary(fc.constantFrom(...CLAIMS.map((c) => `${h}:${c}`)), oneOrMore(conditionValue), { minKeys: 1, maxKeys: 2 }),
        { minKeys: 0, maxKeys: 2 },
      ),
    },
    { requiredKeys: ['Effect', 'Principal', 'Action'] },
  ),
);

const policy: fc.Arbitrary<Policy> = fc
  .record(
    {
      Version: or(fc.constantFrom('2012-10-17', '2012-10-17', '2008-10-17', '2012-10-18')),
      Id: fc.string({ maxLength: 6 }),
      Statement: fc.oneof(
        { weight: 6, arbitrary: fc.array(trustStatement, { minLength: 1, maxLength: 3 }) },
        { weight: 3, arbitrary: fc.array(fc.oneof(trustStatement, statement), { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: statement },
        { weight: 1, arbitrary: anyJson },
      ),
    },
    { requiredKeys: ['Statement'] },
  )
  .map((p) => p as Policy);

/** A random policy in one of the formats trustlint reads (raw, CloudFormation, Terraform, plan). */
export const randomPolicyFile: fc.Arbitrary<{ format: Format; path: string; text: string }> = fc
  .tuple(policy, fc.constantFrom(...FORMATS))
  .map(([p, format]) => {
    try {
      return { format, ...wrap(p, format) };
    } catch {
      // The harness's data-document form needs object statements; any other shape goes raw.
      return { format: 'policy-json' as const, ...wrap(p, 'policy-json') };
    }
  });

// ---------------------------------------------------------------------------------------------
// Mutated fixtures

const CHARS = ['"', "'", '{', '}', '[', ']', ':', ',', '\n', '\r', '\r\n', '\t', ' ', '  ', '-', '- ', '!', '!Ref ', '&a ', '*a', '#', '\\', '\\u', '${', '%{', '}}', '\u0000', 'é', '\u202e', '\ud800', '😀', '\ufeff', '\u0435', 'true', 'null', '0x', '1e999', '<<: ', '|', '>-'];

export type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'delete-line' | 'duplicate-line'; line: number }
  | { kind: 'swap-lines'; line: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CHARS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), line: fc.nat(), other: fc.nat() }),
);

/** Applies a mutation; positions are taken modulo the text's length, so every mutation applies. */
export function mutate(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.kind) {
    case 'delete': {
      const at = n === 0 ? 0 : m.at % n;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'insert': {
      const at = m.at % (n + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicate': {
      const at = n === 0 ? 0 : m.at % n;
      return text.slice(0, at + m.length) + text.slice(at, at + m.length) + text.slice(at + m.length);
    }
    default: {
      const lines = text.split('\n');
      const i = m.line % lines.length;
      if (m.kind === 'swap-lines') {
        const j = m.other % lines.length;
        [lines[i], lines[j]] = [lines[j], lines[i]];
      } else if (m.kind === 'delete-line') lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
  }
}

export function mutatedFixture(ctx: Context): fc.Arbitrary<{ path: string; text: string; mutations: Mutation[] }> {
  return fc.tuple(fc.integer({ min: 0, max: ctx.fixtures.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([i, mutations]) => {
    const f = ctx.fixtures[i];
    return { path: f.path, text: mutations.reduce(mutate, f.text), mutations };
  });
}

// ---------------------------------------------------------------------------------------------
// The properties

export interface NamedProperty {
  name: string;
  /** Cases the seeded CI run checks. */
  ciRuns: number;
  property: fc.IPropertyWithHooks<[{ path: string; text: string }]>;
}

export function properties(ctx: Context): NamedProperty[] {
  const holds = (input: { path: string; text: string }) => {
    checkText(ctx, input.path, input.text);
  };
  return [
    { name: 'random policies in every format', ciRuns: 1200, property: fc.property(randomPolicyFile, holds) },
    { name: 'random mutations of every fixture', ciRuns: 1500, property: fc.property(mutatedFixture(ctx), holds) },
    {
      name: 'random mutations of random policies',
      ciRuns: 300,
      property: fc.property(
        fc.tuple(randomPolicyFile, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([f, ms]) => ({ path: f.path, text: ms.reduce(mutate, f.text) })),
        holds,
      ),
    },
  ];
}
