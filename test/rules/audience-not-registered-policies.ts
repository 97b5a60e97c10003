/**
 * A trust policy together with the IAM OIDC provider it trusts, in every format that can define one
 * (CloudFormation YAML/JSON, Terraform JSON with a policy string or a policy-document data source,
 * Terraform plan JSON), with the principal pointing at that provider as a team would write it.
 * Raw policy files cannot define a provider: there, every case must be silent.
 */
import { stringify } from 'yaml';
import { lint, locate, located, wrap, type Expected, type Format, type Located, type Policy, type Wrapped } from '../harness.js';
import { ACCOUNT } from './policies.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Written as the Federated principal: the wrapper replaces it with a reference to the provider. */
export const PROVIDER = '__PROVIDER_ARN__';

export interface ProviderDef {
  /** Issuer host and path, without `https://`. */
  issuer: string;
  clientIds: string[];
}

export const PROVIDER_FORMATS: Format[] = ['cfn-yaml', 'cfn-json', 'tf-string', 'tf-data', 'plan'];

const asList = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function mapPrincipal(policy: Policy, to: Json): Policy {
  const swap = (v: Json): Json => {
    if (v === PROVIDER) return to;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return swap(policy) as Policy;
}

function dataDocument(policy: Policy): Json {
  return {
    version: policy.Version ?? '2012-10-17',
    statement: asList(policy.Statement).map((s) => {
      const st = s as { [k: string]: Json };
      const out: { [k: string]: Json } = {};
      if (st.Sid !== undefined) out.sid = st.Sid;
      if (st.Effect !== undefined) out.effect = st.Effect;
      if (st.Action !== undefined) out.actions = asList(st.Action);
      if (st.Principal !== undefined) {
        out.principals = Object.entries(st.Principal as { [k: string]: Json }).map(([type, ids]) => ({ type, identifiers: asList(ids) }));
      }
      if (st.Condition !== undefined) {
        out.condition = Object.entries(st.Condition as { [k: string]: { [k: string]: Json } }).flatMap(([test, keys]) =>
          Object.entries(keys).map(([variable, values]) => ({ test, variable, values: asList(values) })),
        );
      }
      return out;
    }),
  };
}

const jsonLit = (v: string) => [JSON.stringify(v)];
const embeddedLit = (v: string) => [JSON.stringify(JSON.stringify(v)).slice(1, -1)];
const yamlLit = (v: string) => [`"${v}"`, `'${v}'`, v];

/** The policy and the provider it trusts, in one file; the role comes first, so its values are found first. */
export function wrapWithProvider(policy: Policy, def: ProviderDef, format: Format): Wrapped {
  const url = `https://${def.issuer}`;
  const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${def.issuer}`;
  switch (format) {
    case 'cfn-yaml':
    case 'cfn-json': {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          DeployRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: mapPrincipal(policy, { Ref: 'GithubOidc' }) } },
          GithubOidc: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: url, ClientIdList: def.clientIds } },
        },
      };
      return format === 'cfn-yaml'
        ? { path: 'template.yaml', text: stringify(template), encode: yamlLit }
        : { path: 'template.json', text: JSON.stringify(template, null, 2) + '\n', encode: jsonLit };
    }
    case 'tf-string': {
      const tf = {
        resource: {
          aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: JSON.stringify(mapPrincipal(policy, '${aws_iam_openid_connect_provider.github.arn}')) } },
          aws_iam_openid_connect_provider: { github: { url, client_id_list: def.clientIds } },
        },
      };
      return { path: 'main.tf.json', text: JSON.stringify(tf, null, 2) + '\n', encode: embeddedLit };
    }
    case 'tf-data': {
      const tf = {
        data: { aws_iam_policy_document: { trust: dataDocument(mapPrincipal(policy, '${aws_iam_openid_connect_provider.github.arn}')) } },
        resource: {
          aws_iam_role: { deploy: { name: 'deploy', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
          aws_iam_openid_connect_provider: { github: { url, client_id_list: def.clientIds } },
        },
      };
      return { path: 'main.tf.json', text: JSON.stringify(tf, null, 2) + '\n', encode: jsonLit };
    }
    case 'plan': {
      const resource = (type: string, name: string, values: Json) => ({
        address: `${type}.${name}`,
        mode: 'managed',
        type,
        name,
        provider_name: 'registry.terraform.io/hashicorp/aws',
        values,
      });
      const plan = {
        format_version: '1.2',
        terraform_version: '1.9.5',
        planned_values: {
          root_module: {
            resources: [
              resource('aws_iam_role', 'deploy', { name: 'deploy', assume_role_policy: JSON.stringify(mapPrincipal(policy, arn)) }),
              resource('aws_iam_openid_connect_provider', 'github', { url, client_id_list: def.clientIds, arn }),
            ],
          },
        },
      };
      return { path: 'plan.json', text: JSON.stringify(plan) + '\n', encode: embeddedLit };
    }
    default:
      // A raw policy cannot define a provider: the principal is the provider's ARN.
      return wrap(mapPrincipal(policy, arn), format);
  }
}

export interface ProviderCase {
  name: string;
  policy: Policy;
  provider: ProviderDef;
  formats?: Format[];
}

const order = (a: Located, b: Located) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);

type T = {
  describe: (n: string, f: () => void) => void;
  it: (n: string, f: () => void) => void;
  expect: (v: unknown) => { toEqual(v: unknown): void; toMatch(v: string | RegExp): void; toBe(v: unknown): void };
};

/**
 * Like `ruleCases`, for a policy beside its provider: each invalid case gives exactly the expected
 * findings in every format that defines the provider (and none in raw policies); each valid case none.
 */
export function providerCases(t: T, ruleId: string, cases: { valid: ProviderCase[]; invalid: Array<ProviderCase & { errors: Expected[] }> }): void {
  const { describe, it, expect } = t;
  describe(`${ruleId}: invalid`, () => {
    for (const c of cases.invalid) {
      for (const format of c.formats ?? PROVIDER_FORMATS) {
        it(`${c.name} [${format}]`, () => {
          const w = wrapWithProvider(c.policy, c.provider, format);
          const diags = lint(w.path, w.text, [ruleId]);
          expect(diags.map(located).sort(order)).toEqual(c.errors.map((e) => ({ ruleId: e.ruleId, ...locate(w, e.on, e.nth) })).sort(order));
          for (const e of c.errors) {
            const at = locate(w, e.on, e.nth);
            const d = diags.find((x) => x.range.start.line === at.line && x.range.start.column === at.column);
            if (e.severity) expect(d?.severity).toBe(e.severity);
            if (e.message) expect(d?.message ?? '').toMatch(e.message);
          }
        });
      }
      for (const format of ['policy-json', 'policy-yaml'] as Format[]) {
        it(`${c.name} [${format}: no provider in the file]`, () => {
          const w = wrapWithProvider(c.policy, c.provider, format);
          expect(lint(w.path, w.text, [ruleId]).map(located)).toEqual([]);
        });
      }
    }
  });
  describe(`${ruleId}: valid`, () => {
    for (const c of cases.valid) {
      for (const format of c.formats ?? [...PROVIDER_FORMATS, 'policy-json', 'policy-yaml']) {
        it(`${c.name} [${format}]`, () => {
          const w = wrapWithProvider(c.policy, c.provider, format);
          expect(lint(w.path, w.text, [ruleId]).map(located)).toEqual([]);
        });
      }
    }
  });
}
