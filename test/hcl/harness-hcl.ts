/**
 * The HCL side of the test harness: one raw policy written as Terraform HCL in four ways, and where a
 * value of it lands in each (computed from the text, not from the linter), as `test/harness.ts` does
 * for the other formats.
 *  - `hcl-jsonencode`: `assume_role_policy = jsonencode({...})` in HCL object syntax, bare keys where
 *    they are identifiers (`Version = ...`), quoted keys otherwise (`"token...:sub" = [...]`);
 *  - `hcl-heredoc`: the policy JSON in a `<<-EOF` heredoc;
 *  - `hcl-string`: the policy JSON in a quoted string, escapes and all;
 *  - `hcl-data`: a `data "aws_iam_policy_document"` with statement, principals and condition blocks,
 *    linked from the role by `data.aws_iam_policy_document.trust.json`.
 */
import type { Policy, Wrapped } from '../harness.js';

export type HclFormat = 'hcl-jsonencode' | 'hcl-heredoc' | 'hcl-string' | 'hcl-data';
export const HCL_FORMATS: HclFormat[] = ['hcl-jsonencode', 'hcl-heredoc', 'hcl-string', 'hcl-data'];

type Json = Policy[string];

/** `${` and `%{` are template syntax in HCL strings and heredocs: written doubled. */
export const hclEscape = (s: string): string => s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
/** An HCL quoted string (JSON's escapes are HCL's). */
export const hclString = (s: string): string => hclEscape(JSON.stringify(s));

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS = new Set(['true', 'false', 'null', 'for', 'in', 'if']);
const bareKey = (k: string) => IDENT.test(k) && !KEYWORDS.has(k);

/** A JSON value in HCL expression syntax, one element per line. */
export function hclValue(v: Json, indent = ''): string {
  const inner = indent + '  ';
  if (v === null) return 'null';
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${inner}${hclValue(x, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${bareKey(k) ? k : hclString(k)} = ${hclValue(x, inner)}`).join('\n')}\n${indent}}`;
}

const asList = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const list = (v: Json | undefined, indent: string) => hclValue(asList(v), indent);

/** The `aws_iam_policy_document` form of a policy, as blocks. */
export function hclDataDocument(policy: Policy, name = 'trust'): string {
  const out: string[] = [`data "aws_iam_policy_document" "${name}" {`];
  if (policy.Version !== undefined) out.push(`  version = ${hclValue(policy.Version)}`);
  for (const s of asList(policy.Statement)) {
    const st = s as { [k: string]: Json };
    out.push('  statement {');
    const I = '    ';
    if (st.Sid !== undefined) out.push(`${I}sid = ${hclValue(st.Sid, I)}`);
    if (st.Effect !== undefined) out.push(`${I}effect = ${hclValue(st.Effect, I)}`);
    if (st.Action !== undefined) out.push(`${I}actions = ${list(st.Action, I)}`);
    if (st.NotAction !== undefined) out.push(`${I}not_actions = ${list(st.NotAction, I)}`);
    if (st.Resource !== undefined) out.push(`${I}resources = ${list(st.Resource, I)}`);
    if (st.NotResource !== undefined) out.push(`${I}not_resources = ${list(st.NotResource, I)}`);
    for (const [key, block] of [
      ['Principal', 'principals'],
      ['NotPrincipal', 'not_principals'],
    ] as const) {
      const p = st[key];
      if (p === undefined) continue;
      const entries: Array<[string, Json]> = p === '*' ? [['*', ['*']]] : Object.entries(p as { [k: string]: Json });
      for (const [type, ids] of entries) {
        out.push(`${I}${block} {`, `${I}  type        = ${hclString(type)}`, `${I}  identifiers = ${list(ids, I + '  ')}`, `${I}}`);
      }
    }
    if (st.Condition !== undefined) {
      for (const [test, keys] of Object.entries(st.Condition as { [k: string]: { [k: string]: Json } })) {
        for (const [variable, values] of Object.entries(keys)) {
          out.push(`${I}condition {`, `${I}  test     = ${hclString(test)}`, `${I}  variable = ${hclString(variable)}`, `${I}  values   = ${list(values, I + '  ')}`, `${I}}`);
        }
      }
    }
    out.push('  }');
  }
  out.push('}');
  return out.join('\n');
}

const role = (value: string) => `resource "aws_iam_role" "deploy" {\n  name               = "deploy"\n  assume_role_policy = ${value}\n}\n`;

/** One raw policy as a `.tf` file in the given form. */
export function wrapHcl(policy: Policy, format: HclFormat): Wrapped {
  switch (format) {
    case 'hcl-jsonencode':
      return {
        path: 'main.tf',
        text: role(`jsonencode(${hclValue(policy)})`),
        // Keys that are identifiers are written bare.
        encode: (v) => (bareKey(v) ? [hclString(v), v] : [hclString(v)]),
      };
    case 'hcl-heredoc': {
      const json = hclEscape(JSON.stringify(policy, null, 2))
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
      return { path: 'main.tf', text: role(`<<-EOF\n${json}\n  EOF`), encode: (v) => [hclEscape(JSON.stringify(v))] };
    }
    case 'hcl-string':
      return {
        path: 'main.tf',
        text: role(hclString(JSON.stringify(policy))),
        encode: (v) => [hclEscape(JSON.stringify(JSON.stringify(v)).slice(1, -1))],
      };
    case 'hcl-data':
      return {
        path: 'main.tf',
        text: `${hclDataDocument(policy)}\n\n${role('data.aws_iam_policy_document.trust.json')}`,
        // Argument names (`resources`) are written bare.
        encode: (v) => (bareKey(v) ? [hclString(v), v] : [hclString(v)]),
      };
  }
}
