/**
 * Test harness: one raw policy, wrapped in every input format trustlint reads, and the exact place
 * where a value of it lands in each wrapped file (computed from the text, not from the linter).
 */
import { stringify } from 'yaml';
import { Linter } from '../src/linter.js';
import { SourceFile } from '../src/parsers/source.js';
import type { Diagnostic } from '../src/engine/diagnostic.js';

export type Format = 'policy-json' | 'policy-yaml' | 'cfn-yaml' | 'cfn-json' | 'tf-string' | 'tf-data' | 'plan';
export const FORMATS: Format[] = ['policy-json', 'policy-yaml', 'cfn-yaml', 'cfn-json', 'tf-string', 'tf-data', 'plan'];

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type Policy = { [k: string]: Json };

export interface Wrapped {
  path: string;
  text: string;
  /** How a string value of the policy is written in this file. */
  encode(value: string): string[];
}

const asList = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `data "aws_iam_policy_document"` form of a policy. */
function toDataDocument(policy: Policy): Json {
  const statements = asList(policy.Statement).map((s) => {
    const st = s as { [k: string]: Json };
    const out: { [k: string]: Json } = {};
    if (st.Sid !== undefined) out.sid = st.Sid;
    if (st.Effect !== undefined) out.effect = st.Effect;
    if (st.Action !== undefined) out.actions = asList(st.Action);
    if (st.NotAction !== undefined) out.not_actions = asList(st.NotAction);
    if (st.Resource !== undefined) out.resources = asList(st.Resource);
    if (st.Principal !== undefined) {
      const p = st.Principal;
      out.principals =
        p === '*'
          ? [{ type: '*', identifiers: ['*'] }]
          : Object.entries(p as { [k: string]: Json }).map(([type, ids]) => ({ type, identifiers: asList(ids) }));
    }
    if (st.Condition !== undefined) {
      out.condition = Object.entries(st.Condition as { [k: string]: { [k: string]: Json } }).flatMap(([test, keys]) =>
        Object.entries(keys).map(([variable, values]) => ({ test, variable, values: asList(values) })),
      );
    }
    return out;
  });
  const doc: { [k: string]: Json } = {};
  if (policy.Version !== undefined) doc.version = policy.Version;
  doc.statement = statements;
  return doc;
}

const jsonLit = (v: string) => [JSON.stringify(v)];
const embeddedLit = (v: string) => [JSON.stringify(JSON.stringify(v)).slice(1, -1)];

export function wrap(policy: Policy, format: Format): Wrapped {
  switch (format) {
    case 'policy-json':
      return { path: 'policy.json', text: JSON.stringify(policy, null, 2) + '\n', encode: jsonLit };
    case 'policy-yaml':
      return { path: 'policy.yaml', text: stringify(policy), encode: yamlLit };
    case 'cfn-yaml':
    case 'cfn-json': {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: { DeployRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } },
      };
      return format === 'cfn-yaml'
        ? { path: 'template.yaml', text: stringify(template), encode: yamlLit }
        : { path: 'template.json', text: JSON.stringify(template, null, 2) + '\n', encode: jsonLit };
    }
    case 'tf-string': {
      const tf = { resource: { aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: JSON.stringify(policy) } } } };
      return { path: 'main.tf.json', text: JSON.stringify(tf, null, 2) + '\n', encode: embeddedLit };
    }
    case 'tf-data': {
      const tf = {
        data: { aws_iam_policy_document: { trust: toDataDocument(policy) } },
        resource: { aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } } },
      };
      return { path: 'main.tf.json', text: JSON.stringify(tf, null, 2) + '\n', encode: jsonLit };
    }
    case 'plan': {
      const plan = {
        format_version: '1.2',
        terraform_version: '1.9.5',
        planned_values: {
          root_module: {
            resources: [
              {
                address: 'aws_iam_role.deploy',
                mode: 'managed',
                type: 'aws_iam_role',
                name: 'deploy',
                provider_name: 'registry.terraform.io/hashicorp/aws',
                values: { name: 'deploy', assume_role_policy: JSON.stringify(policy) },
              },
            ],
          },
        },
      };
      return { path: 'plan.json', text: JSON.stringify(plan) + '\n', encode: embeddedLit };
    }
  }
}

function yamlLit(v: string): string[] {
  return [`"${v}"`, `'${v}'`, v];
}

export interface Expected {
  ruleId: string;
  /** The offending value as it appears in the policy (a string value or key). */
  on: string;
  /** Which occurrence of the encoded value (0-based), when it appears more than once. */
  nth?: number;
  severity?: Diagnostic['severity'];
  message?: string | RegExp;
}

export interface Located {
  ruleId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where `value` is written in the wrapped file, as the range a finding on it must have. */
export function locate(w: Wrapped, value: string, nth = 0): Omit<Located, 'ruleId'> {
  const file = new SourceFile(w.path, w.text);
  for (const lit of w.encode(value)) {
    // A value's range: a quoted literal with its quotes, a YAML plain scalar as it is.
    const re = new RegExp(`(?<![\\w])${lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w*?/-]|::)`, 'g');
    const hits = [...w.text.matchAll(re)];
    if (hits.length > nth) {
      const start = hits[nth].index!;
      const a = file.position(start);
      const b = file.position(start + lit.length);
      return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    }
  }
  throw new Error(`value ${JSON.stringify(value)} not found in ${w.path}:\n${w.text}`);
}

export function lint(path: string, text: string, rules?: string[]): Diagnostic[] {
  const diags = new Linter().lintText(path, text).diagnostics;
  return rules ? diags.filter((d) => rules.includes(d.ruleId)) : diags;
}

export function located(d: Diagnostic): Located {
  return { ruleId: d.ruleId, line: d.range.start.line, column: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column };
}

export interface InvalidCase {
  name: string;
  policy: Policy;
  errors: Expected[];
  formats?: Format[];
}

export interface ValidCase {
  name: string;
  policy: Policy;
  formats?: Format[];
}

const order = (a: Located, b: Located) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);

/**
 * Runs one rule's cases in every format: each invalid case must give exactly the expected findings
 * at exactly the place its value is written; each valid case must give none of this rule's.
 */
export function ruleCases(
  t: { describe: (n: string, f: () => void) => void; it: (n: string, f: () => void) => void; expect: (v: unknown) => { toEqual(v: unknown): void; toMatch(v: string | RegExp): void; toBe(v: unknown): void } },
  ruleId: string,
  cases: { valid: ValidCase[]; invalid: InvalidCase[] },
): void {
  const { describe, it, expect } = t;
  describe(`${ruleId}: invalid`, () => {
    for (const c of cases.invalid) {
      for (const format of c.formats ?? FORMATS) {
        it(`${c.name} [${format}]`, () => {
          const w = wrap(c.policy, format);
          const diags = lint(w.path, w.text, [ruleId]);
          const expected = c.errors.map((e) => ({ ruleId: e.ruleId, ...locate(w, e.on, e.nth) })).sort(order);
          expect(diags.map(located).sort(order)).toEqual(expected);
          for (const e of c.errors) {
            const at = locate(w, e.on, e.nth);
            const d = diags.find((x) => x.range.start.line === at.line && x.range.start.column === at.column);
            if (e.severity) expect(d?.severity).toBe(e.severity);
            if (e.message) expect(d?.message ?? '').toMatch(e.message);
          }
        });
      }
    }
  });
  describe(`${ruleId}: valid`, () => {
    for (const c of cases.valid) {
      for (const format of c.formats ?? FORMATS) {
        it(`${c.name} [${format}]`, () => {
          const w = wrap(c.policy, format);
          expect(lint(w.path, w.text, [ruleId]).map(located)).toEqual([]);
        });
      }
    }
  });
}
