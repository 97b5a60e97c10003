/**
 * The web-identity provider catalogue: for each provider, how its Federated principal looks, which
 * condition keys carry the audience and the subject, and what values they take. Data, not code.
 */
import { fillHoles, templateRegExp } from '../model/template.js';
import type { LString } from '../model/types.js';
import { ownString } from './own-string.js';

export type ProviderId =
  | 'github'
  | 'eks'
  | 'gitlab'
  | 'terraform'
  | 'circleci'
  | 'bitbucket'
  | 'cognito'
  | 'google'
  | 'facebook'
  | 'amazon'
  | 'oidc';

/**
 * How far the issuer itself limits who can hold a token: `shared` issuers serve every customer of the
 * platform, `tenant` issuers one organisation/workspace, `cluster` one Kubernetes cluster.
 */
export type IssuerScope = 'shared' | 'tenant' | 'cluster';

export interface ProviderSpec {
  id: ProviderId;
  name: string;
  /** Issuer host/path, as in the principal ARN and condition keys, lower case; `{x}` stands for a part. */
  issuer: RegExp;
  /** The principal is the bare host (Cognito, Google, Facebook, Amazon) rather than an ARN. */
  bare: boolean;
  /** Suffix of the audience condition key (`<issuer>:aud`). */
  audienceKey: string;
  /** The audience the provider issues by default (for messages and fixes). */
  expectedAudience?: string;
  /** How to describe the audience value when it varies per tenant. */
  audienceHint: string;
  /** Suffix of the subject condition key. */
  subjectKey: string;
  subjectHint: string;
  /** Other keys whose condition scopes the identity as a subject condition does. */
  scopingKeys: string[];
  /** Scope of the issuer for this match: a function of the issuer text. */
  scope: (issuer: string) => IssuerScope;
  docs: string;
}

/**
 * GitHub claims that, like `sub`, tie a token to one repository, owner or enterprise. `environment`,
 * `ref`, `workflow` and `actor` do not: any repository can have an environment called `prod`.
 */
const GITHUB_SCOPING = ['sub', 'repository', 'repository_id', 'repository_owner_id', 'job_workflow_ref', 'enterprise_id'];

export const PROVIDERS: ProviderSpec[] = [
  {
    id: 'github',
    name: 'GitHub Actions',
    issuer: /^token\.actions\.githubusercontent\.com(\/[^/:]+)?$/,
    bare: false,
    audienceKey: 'aud',
    expectedAudience: 'sts.amazonaws.com',
    audienceHint: 'sts.amazonaws.com',
    subjectKey: 'sub',
    subjectHint: 'repo:<owner>/<repo>:ref:refs/heads/<branch>',
    scopingKeys: GITHUB_SCOPING,
    scope: (i) => (i.includes('/') ? 'tenant' : 'shared'),
    docs: 'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
  },
  {
    id: 'eks',
    name: 'Amazon EKS (IRSA)',
    issuer: /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[^/:]+$/,
    bare: false,
    audienceKey: 'aud',
    expectedAudience: 'sts.amazonaws.com',
    audienceHint: 'sts.amazonaws.com',
    subjectKey: 'sub',
    subjectHint: 'system:serviceaccount:<namespace>:<service-account>',
    scopingKeys: ['sub'],
    scope: () => 'cluster',
    docs: 'https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html',
  },
  {
    id: 'gitlab',
    name: 'GitLab',
    issuer: /^gitlab\.com$/,
    bare: false,
    audienceKey: 'aud',
    expectedAudience: 'https://gitlab.com',
    audienceHint: 'https://gitlab.com',
    subjectKey: 'sub',
    subjectHint: 'project_path:<group>/<project>:ref_type:branch:ref:<branch>',
    scopingKeys: ['sub', 'project_id', 'namespace_id'],
    scope: () => 'shared',
    docs: 'https://docs.gitlab.com/ci/cloud_services/aws/',
  },
  {
    id: 'terraform',
    name: 'HCP Terraform',
    issuer: /^app\.terraform\.io$/,
    bare: false,
    audienceKey: 'aud',
    expectedAudience: 'aws.workload.identity',
    audienceHint: 'aws.workload.identity',
    subjectKey: 'sub',
    subjectHint: 'organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>',
    scopingKeys: ['sub'],
    scope: () => 'shared',
    docs: 'https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration',
  },
  {
    id: 'circleci',
    name: 'CircleCI',
    issuer: /^oidc\.circleci\.com\/org\/[^/:]+$/,
    bare: false,
    audienceKey: 'aud',
    audienceHint: '<organization-id>',
    subjectKey: 'sub',
    subjectHint: 'org/<org-id>/project/<project-id>/user/<user-id>',
    scopingKeys: ['sub', 'oidc.circleci.com/project-id'],
    scope: () => 'tenant',
    docs: 'https://circleci.com/docs/openid-connect-tokens/',
  },
  {
    id: 'bitbucket',
    name: 'Bitbucket Pipelines',
    issuer: /^api\.bitbucket\.org\/2\.0\/workspaces\/[^/:]+\/pipelines-config\/identity\/oidc$/,
    bare: false,
    audienceKey: 'aud',
    audienceHint: 'ari:cloud:bitbucket::workspace/<workspace-uuid>',
    subjectKey: 'sub',
    subjectHint: '{<repository-uuid>}[<environment-uuid>]:{<step-uuid>}',
    scopingKeys: ['sub'],
    scope: () => 'tenant',
    docs: 'https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/',
  },
  {
    id: 'cognito',
    name: 'Amazon Cognito identity pools',
    issuer: /^cognito-identity\.amazonaws\.com$/,
    bare: true,
    audienceKey: 'aud',
    audienceHint: '<region>:<identity-pool-uuid>',
    subjectKey: 'amr',
    subjectHint: 'authenticated',
    scopingKeys: ['aud'],
    scope: () => 'shared',
    docs: 'https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html',
  },
  {
    id: 'google',
    name: 'Google',
    issuer: /^accounts\.google\.com$/,
    bare: true,
    audienceKey: 'aud',
    audienceHint: '<oauth-client-id>.apps.googleusercontent.com',
    subjectKey: 'sub',
    subjectHint: '<google-user-id>',
    scopingKeys: ['aud', 'oaud', 'azp', 'sub'],
    scope: () => 'shared',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
  },
  {
    id: 'facebook',
    name: 'Facebook',
    issuer: /^graph\.facebook\.com$/,
    bare: true,
    audienceKey: 'app_id',
    audienceHint: '<facebook-app-id>',
    subjectKey: 'id',
    subjectHint: '<facebook-user-id>',
    scopingKeys: ['app_id', 'id'],
    scope: () => 'shared',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
  },
  {
    id: 'amazon',
    name: 'Login with Amazon',
    issuer: /^www\.amazon\.com$/,
    bare: true,
    audienceKey: 'app_id',
    audienceHint: '<login-with-amazon-app-id>',
    subjectKey: 'user_id',
    subjectHint: '<amazon-user-id>',
    scopingKeys: ['app_id', 'user_id'],
    scope: () => 'shared',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
  },
];

/** Any other OpenID Connect issuer registered as an IAM OIDC provider. */
export const GENERIC_OIDC: ProviderSpec = {
  id: 'oidc',
  name: 'OpenID Connect provider',
  issuer: /^.+$/,
  bare: false,
  audienceKey: 'aud',
  audienceHint: '<client-id registered for the provider>',
  subjectKey: 'sub',
  subjectHint: '<subject issued by the provider>',
  scopingKeys: ['sub'],
  scope: () => 'tenant',
  docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
};

/** Self-managed GitLab is recognised by its subject keys, never by host; it is one tenant's. */
export const BARE_HOSTS = new Set(PROVIDERS.filter((p) => p.bare).map((p) => p.issuer.source.replace(/^\^|\$$/g, '').replace(/\\\./g, '.')));

export interface FederatedPrincipal {
  /** The principal value as written. */
  source: LString;
  kind: 'oidc' | 'saml' | 'bare' | 'malformed' | 'unknown';
  /** Issuer host/path (`token.actions.githubusercontent.com`), lower case, holes kept in `issuerValue`. */
  issuer?: string;
  /** The issuer with its holes, for matching condition-key prefixes. */
  issuerValue?: { value: string; holes?: ReadonlyArray<readonly [number, number]> };
  provider?: ProviderSpec;
  /**
   * Why a malformed value is malformed; for an `oidc` or `saml` provider ARN, what is wrong with it
   * besides its issuer or name (the partition, the account id), which STS refuses too.
   */
  problem?: string;
  /** What to write instead, when it is clear. */
  replacement?: string;
}

const ARN_RE = /^arn:([^:]*):iam::([^:]*):(oidc-provider|saml-provider)\/(.*)$/;
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);

function providerFor(issuer: string): ProviderSpec {
  const i = issuer.toLowerCase();
  return PROVIDERS.find((p) => !p.bare && p.issuer.test(i)) ?? GENERIC_OIDC;
}

/** The provider whose bare host this is (`accounts.google.com`), if any. */
export function bareProvider(host: string): ProviderSpec | undefined {
  return PROVIDERS.find((p) => p.bare && p.issuer.test(host.toLowerCase()));
}

/** The provider whose condition-key prefix this is, judged from the prefix alone. */
export function providerForKeyPrefix(prefix: string): ProviderSpec {
  return bareProvider(prefix) ?? providerFor(prefix);
}

/**
 * Reads a `Federated` principal value. A value with holes (`${AWS::AccountId}`) is judged on its
 * known parts only: a hole is never the reason for calling a value malformed.
 */
export function parseFederated(source: LString): FederatedPrincipal {
  if (source.unknown) return { source, kind: 'unknown' };
  const filled = fillHoles(source, 'x');
  const holes = !!source.holes && source.holes.length > 0;
  // Holes become one neutral character, so that `${AWS::Partition}` does not break the ARN's fields.
  const HOLE = '\u0001';
  const m = ARN_RE.exec(fillHoles(source, HOLE));
  if (m) {
    const [, partition, account, type] = m;
    if (type === 'saml-provider') {
      const fp: FederatedPrincipal = { source, kind: 'saml' };
      if (!partition.includes(HOLE) && !PARTITIONS.has(partition)) fp.problem = `\`${partition}\` is not an AWS partition`;
      else if (!account.includes(HOLE) && !/^\d{12}$/.test(account)) fp.problem = `the account id \`${account}\` is not 12 digits`;
      return fp;
    }
    const marker = source.value.lastIndexOf(':oidc-provider/');
    const prefixLen = marker + ':oidc-provider/'.length;
    const rest = source.value.slice(prefixLen);
    const issuerValue = {
      value: rest,
      holes: source.holes?.filter(([a]) => a >= prefixLen).map(([a, b]) => [a - prefixLen, b - prefixLen] as const),
    };
    const restFilled = fillHoles(issuerValue, 'x');
    const fp: FederatedPrincipal = { source, kind: 'oidc', issuer: restFilled.toLowerCase(), issuerValue };
    const badPartition = !partition.includes(HOLE) && !PARTITIONS.has(partition) ? `\`${partition}\` is not an AWS partition` : undefined;
    const badAccount = !account.includes(HOLE) && !/^\d{12}$/.test(account) ? `the account id \`${account}\` is not 12 digits` : undefined;
    const badIssuer = /^https?:\/\//i.test(rest)
      ? 'the provider part must not include `https://`'
      : // A trailing `/` is kept: Auth0's issuer is `https://<tenant>.auth0.com/`, and the provider's ARN ends with it.
        restFilled === '' || /\s/.test(restFilled) || !/^[a-z0-9.-]+(:\d+)?(\/\S*)?$/i.test(restFilled)
        ? `\`${rest}\` is not an issuer host name and path`
        : undefined;
    if (badIssuer) {
      const replacement = badIssuer.includes('https://') && !holes ? source.value.replace(/oidc-provider\/https?:\/\//i, 'oidc-provider/') : undefined;
      return { ...fp, kind: 'malformed', problem: badPartition ?? badAccount ?? badIssuer, replacement: badPartition || badAccount ? undefined : replacement };
    }
    fp.provider = providerFor(restFilled);
    // The issuer is readable: the conditions are still judged against it (a placeholder account
    // such as `AWS_ACCOUNT` in an example must not hide a missing audience), and the ARN's own
    // defect is reported as a problem of an OIDC principal.
    if (badPartition || badAccount) fp.problem = badPartition ?? badAccount;
    return fp;
  }
  const bare = bareProvider(filled);
  if (bare) return { source, kind: 'bare', issuer: filled.toLowerCase(), issuerValue: { value: source.value, holes: source.holes }, provider: bare };
  if (holes) return { source, kind: 'unknown' };
  if (/^arn:/i.test(source.value)) {
    if (/^arn:[^:]*:iam:[^:]+:/.test(source.value) && /:(oidc|saml)-provider\//.test(source.value)) {
      return { source, kind: 'malformed', problem: 'an IAM ARN has no region: write `arn:aws:iam::<account>:...`', replacement: source.value.replace(/^(arn:[^:]*:iam):[^:]+:/, '$1::') };
    }
    return { source, kind: 'malformed', problem: 'a Federated principal must be an `oidc-provider/` or `saml-provider/` ARN' };
  }
  const host = source.value.replace(/^https?:\/\//i, '').replace(/\/$/, '');
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(host)) {
    return {
      source,
      kind: 'malformed',
      problem: `IAM needs the OIDC provider's ARN here, not the bare host \`${source.value}\``,
      replacement: `arn:aws:iam::<account-id>:oidc-provider/${host}`,
      issuer: host.toLowerCase(),
      issuerValue: { value: host },
      provider: providerFor(host),
    };
  }
  return { source, kind: 'malformed', problem: `\`${source.value}\` is neither an OIDC/SAML provider ARN nor a supported identity provider` };
}

const NO_HOLES: ReadonlyArray<readonly [number, number]> = [];
/** Splits of keys without holes, by key (a policy repeats a handful; bounded against hostile input). */
const splits = new Map<string, Readonly<{ prefix: string; claim: string }> | null>();
const CACHE_LIMIT = 10_000;

/** Splits a condition key into issuer prefix and claim (`token.actions.githubusercontent.com:sub`). */
export function splitProviderKey(
  k: string | { value: string; holes?: ReadonlyArray<readonly [number, number]> },
): Readonly<{ prefix: string; claim: string }> | undefined {
  // Issuers hold no colon (CircleCI's claim `oidc.circleci.com/project-id` follows the first one);
  // service and global keys (`aws:`, `sts:`, `saml:`) have no dot in their prefix. A colon inside a
  // hole (`${AWS::Region}`) does not count.
  const key = typeof k === 'string' ? k : k.value;
  const holes = typeof k === 'string' ? NO_HOLES : (k.holes ?? NO_HOLES);
  if (holes.length === 0) {
    let split = splits.get(key);
    if (split === undefined) {
      const own = ownString(key);
      split = splitKey(own, NO_HOLES) ?? null;
      if (splits.size >= CACHE_LIMIT) splits.clear();
      splits.set(own, split);
    }
    return split ?? undefined;
  }
  return splitKey(key, holes);
}

function splitKey(key: string, holes: ReadonlyArray<readonly [number, number]>): Readonly<{ prefix: string; claim: string }> | undefined {
  let i = -1;
  for (let j = key.indexOf(':'); j >= 0; j = key.indexOf(':', j + 1)) {
    if (!holes.some(([a, b]) => j >= a && j < b)) {
      i = j;
      break;
    }
  }
  if (i <= 0) return undefined;
  const prefix = key.slice(0, i);
  if (!prefix.includes('.') && !prefix.includes('${')) return undefined;
  return Object.freeze({ prefix, claim: key.slice(i + 1) });
}

/** Does a condition-key prefix (with holes) name this principal's issuer? Case-insensitive. */
export function keyMatchesIssuer(key: { value: string; holes?: ReadonlyArray<readonly [number, number]> }, fp: FederatedPrincipal): boolean {
  if (!fp.issuerValue) return false;
  const split = splitProviderKey(key);
  if (!split) return false;
  // No holes on either side (the common case): compare the text.
  if (!key.holes?.length && !fp.issuerValue.holes?.length) return split.prefix.toLowerCase() === fp.issuerValue.value.toLowerCase();
  const prefixHoles = key.holes?.filter(([, b]) => b <= split.prefix.length);
  const prefix = { value: split.prefix, holes: prefixHoles };
  const keyHoles = !!prefixHoles && prefixHoles.length > 0;
  const issuerHoles = !!fp.issuerValue.holes && fp.issuerValue.holes.length > 0;
  if (!keyHoles && !issuerHoles) return prefix.value.toLowerCase() === fp.issuerValue.value.toLowerCase();
  if (!keyHoles) return templateRegExp(fp.issuerValue).test(prefix.value);
  if (!issuerHoles) return templateRegExp(prefix).test(fp.issuerValue.value);
  // Both have holes: compare their known text with the holes filled the same way.
  return templateRegExp(fp.issuerValue).test(fillHoles(prefix, 'x')) || templateRegExp(prefix).test(fillHoles(fp.issuerValue, 'x'));
}
