/** IAM condition operators: their grammar and what they mean for a rule. */
import { ownString } from './own-string.js';
import type { ValueList } from '../model/types.js';

export const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

export type BaseOperator = (typeof BASE_OPERATORS)[number];

export interface ParsedOperator {
  text: string;
  qualifier?: 'ForAnyValue' | 'ForAllValues';
  base: string;
  ifExists: boolean;
  /** The operator is in IAM's grammar (names are case-sensitive). */
  valid: boolean;
  /** Matches when the value differs (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`). */
  negated: boolean;
  /** Matches values with `*` and `?` wildcards (`StringLike`, `ArnLike`). */
  pattern: boolean;
  /** Compares strings literally (`StringEquals` family), where `*` means a star. */
  literalString: boolean;
}

const BASES = new Set<string>(BASE_OPERATORS);

/** Parsed operators by text (a policy uses a handful of spellings; bounded against hostile input). */
const parsed = new Map<string, ParsedOperator>();
const CACHE_LIMIT = 1_000;

/** Reads an operator's qualifier, base and `IfExists`. The result is shared (frozen): do not change it. */
export function parseOperator(text: string): ParsedOperator {
  let op = parsed.get(text);
  if (!op) {
    const own = ownString(text);
    op = Object.freeze(readOperator(own));
    if (parsed.size >= CACHE_LIMIT) parsed.clear();
    parsed.set(own, op);
  }
  return op;
}

function readOperator(text: string): ParsedOperator {
  let rest = text;
  let qualifier: ParsedOperator['qualifier'];
  const q = /^(ForAnyValue|ForAllValues):/.exec(rest);
  if (q) {
    qualifier = q[1] as ParsedOperator['qualifier'];
    rest = rest.slice(q[0].length);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const valid = BASES.has(rest) && !(rest === 'Null' && (ifExists || qualifier));
  return {
    text,
    qualifier,
    base: rest,
    ifExists,
    valid,
    negated: /Not/.test(rest),
    pattern: /Like$/.test(rest),
    literalString: /^String(Not)?Equals(IgnoreCase)?$/.test(rest),
  };
}

/** All operator spellings IAM accepts, for "did you mean" suggestions. */
export function allOperators(): string[] {
  const out: string[] = [];
  for (const b of BASE_OPERATORS) {
    for (const q of ['', 'ForAnyValue:', 'ForAllValues:']) {
      if (b === 'Null' && q) continue;
      out.push(q + b);
      if (b !== 'Null') out.push(q + b + 'IfExists');
    }
  }
  return out;
}

/**
 * True when a condition with this operator limits who matches to the listed values: a positive
 * string/ARN comparison. Negated operators and `Null` do not scope an identity.
 */
export function isPositiveMatch(op: ParsedOperator): boolean {
  return op.valid && !op.negated && op.base !== 'Null' && !/^(Numeric|Date|Bool|Binary|Ip)/.test(op.base);
}

/**
 * Every value of a condition is a text the file fixes: there is at least one, none is unknown,
 * holds a hole or is empty, and under a `...Like` operator none is a pattern `wild` matches
 * (by default, any value with a wildcard).
 */
export function literalValues(values: ValueList, op: ParsedOperator, wild: RegExp = /[*?]/): boolean {
  if (values.unknown || values.items.length === 0) return false;
  return values.items.every((v) => !v.unknown && !v.holes?.length && v.value !== '' && !(op.pattern && wild.test(v.value)));
}
