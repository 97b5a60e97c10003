/**
 * The client ids (audiences) registered for an issuer by the OIDC providers defined in the same file
 * (`AWS::IAM::OIDCProvider.ClientIdList`, `aws_iam_openid_connect_provider.client_id_list`). STS
 * refuses a token whose `aud` is not in its provider's list, whatever the trust policy says.
 */
import { fillHoles, iamWildcardSource, templateRegExp } from '../model/template.js';
import type { LString, OidcProviderDefinition } from '../model/types.js';
import { keyMatchesIssuer, type FederatedPrincipal } from './providers.js';

type Template = { value: string; holes?: ReadonlyArray<readonly [number, number]> };

const hasHoles = (t: Template) => !!t.holes && t.holes.length > 0;

/**
 * Could the two issuer texts name the same issuer? Case-insensitive; a hole matches anything. An
 * issuer whose known text has no host left (`${var.issuer_url}`) matches nothing: it could be any
 * provider, defined in this file or not.
 */
export function issuersMatch(a: Template, b: Template): boolean {
  const strip = (t: Template): Template => {
    // The same issuer is written with or without a trailing slash in different places.
    if (!t.value.endsWith('/') || (t.holes ?? []).some(([, e]) => e === t.value.length)) return t;
    return { value: t.value.slice(0, -1), holes: t.holes };
  };
  const x = strip(a);
  const y = strip(b);
  for (const t of [x, y]) if (!fillHoles(t, '').includes('.')) return false;
  if (!hasHoles(x) && !hasHoles(y)) return x.value.toLowerCase() === y.value.toLowerCase();
  if (!hasHoles(x)) return templateRegExp(y).test(x.value);
  if (!hasHoles(y)) return templateRegExp(x).test(y.value);
  return templateRegExp(x).test(fillHoles(y, 'x')) || templateRegExp(y).test(fillHoles(x, 'x'));
}

/** The OIDC providers of the file that an issuer (a principal's or a condition key's) may name. */
export function definitionsForIssuer(issuer: Template, definitions: readonly OidcProviderDefinition[]): OidcProviderDefinition[] {
  return definitions.filter((d) => !d.issuer.unknown && issuersMatch(issuer, d.issuer));
}

/** The ids of a definition's client id list, or undefined when the list is absent or not fully known. */
export function knownClientIds(def: OidcProviderDefinition): LString[] | undefined {
  const list = def.clientIds;
  if (!list || list.unknown || list.items.some((i) => i.unknown)) return undefined;
  return list.items;
}

/**
 * Is `value` one of the ids (exactly, or case-insensitively for `StringEqualsIgnoreCase`)?
 * `unknown` when an id has holes that could stand for it.
 */
export function idListed(value: string, ids: readonly LString[], ignoreCase = false): 'yes' | 'no' | 'unknown' {
  let unknown = false;
  for (const id of ids) {
    if (hasHoles(id)) {
      if (templateRegExp(id, ignoreCase ? 'i' : '').test(value)) unknown = true;
      continue;
    }
    if (ignoreCase ? id.value.toLowerCase() === value.toLowerCase() : id.value === value) return 'yes';
  }
  return unknown ? 'unknown' : 'no';
}

/** IAM's string wildcards (`*` any run, `?` one character), case-sensitive unless asked. */
export function stringLikeRegExp(pattern: string, ignoreCase = false): RegExp {
  return new RegExp(`^${iamWildcardSource(pattern)}$`, ignoreCase ? 'is' : 's');
}

/** The providers of the file behind an audience condition, and the client ids they register. */
export interface Registration {
  definitions: OidcProviderDefinition[];
  ids: LString[];
}

/**
 * For a condition key on a trust statement's principals: the OIDC providers defined in the file that
 * those principals name, with their client ids. Undefined unless every principal the key belongs to
 * (an `oidc-provider/` ARN with the key's issuer) is such a provider and every list is known and not
 * empty: then and only then is the list what STS will check the token's audience against.
 */
export function registrationFor(
  key: LString,
  federated: readonly FederatedPrincipal[],
  definitions: readonly OidcProviderDefinition[],
): Registration | undefined {
  if (key.unknown || definitions.length === 0) return undefined;
  const principals = federated.filter((fp) => fp.kind === 'oidc' && fp.issuerValue && keyMatchesIssuer(key, fp));
  if (principals.length === 0) return undefined;
  const defs: OidcProviderDefinition[] = [];
  for (const fp of principals) {
    const found = definitionsForIssuer(fp.issuerValue!, definitions);
    if (found.length === 0) return undefined;
    for (const d of found) if (!defs.includes(d)) defs.push(d);
  }
  const ids: LString[] = [];
  for (const d of defs) {
    const list = knownClientIds(d);
    // An absent or empty list is another problem (CloudFormation requires one); an unknown one could hold anything.
    if (!list || list.length === 0) return undefined;
    ids.push(...list);
  }
  return { definitions: defs, ids };
}
