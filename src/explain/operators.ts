/**
 * IAM condition operators, evaluated with AWS's documented truth tables
 * (reference_policies_elements_condition_operators, reference_policies_condition-single-vs-multi-valued-context-keys):
 *
 * - a key absent from the request: positive operators are false, negated ones (`StringNotEquals`,
 *   `ArnNotLike`, `NotIpAddress`, ...) are true, `...IfExists` is true, `Null: true` is true;
 * - `ForAllValues:` is true for an absent key or an empty set, `ForAnyValue:` is false;
 * - several policy values are ORed; a negated operator is true when the value matches none of them;
 * - string values are case-sensitive except with `...IgnoreCase`; `StringLike` and the ARN operators
 *   take `*` (any run of characters, also none) and `?` (one character) over the whole value.
 *
 * Values may hold holes (text the file does not determine): a comparison is then `unknown` unless the
 * known text already decides it.
 */
import type { ParsedOperator } from '../iam/conditions.js';
import { escapeRegExp } from '../model/template.js';
import type { Tri } from './types.js';

export interface PolicyValue {
  value: string;
  holes?: ReadonlyArray<readonly [number, number]>;
  unknown?: boolean;
  /** `${...}` in the text is literal (a policy without `Version: 2012-10-17`, or already substituted). */
  noVariables?: boolean;
}

/** The request's values for a key: `values` undefined when the key is absent. */
export interface ContextInput {
  values?: string[];
  /** The value exists but cannot be known offline. */
  unknown?: boolean;
}

export type Rule =
  | 'compared'
  | 'key-absent'
  | 'key-absent-negated'
  | 'key-absent-if-exists'
  | 'for-all-values-empty'
  | 'for-any-value-empty'
  | 'null-check'
  | 'single-operator-multivalued'
  | 'context-unknown'
  | 'invalid-operator';

export interface OperatorOutcome {
  result: Tri;
  rule: Rule;
  /** The request values for which the per-value test was true. */
  matched: string[];
}

export function and3(xs: Tri[]): Tri {
  if (xs.includes('false')) return 'false';
  return xs.includes('unknown') ? 'unknown' : 'true';
}

export function or3(xs: Tri[]): Tri {
  if (xs.includes('true')) return 'true';
  return xs.includes('unknown') ? 'unknown' : 'false';
}

export function not3(x: Tri): Tri {
  return x === 'unknown' ? 'unknown' : x === 'true' ? 'false' : 'true';
}

const tri = (b: boolean): Tri => (b ? 'true' : 'false');

/** The operator a negated one negates: `StringNotLike` → `StringLike`, `NotIpAddress` → `IpAddress`. */
export function positiveBase(base: string): string {
  if (base === 'NotIpAddress') return 'IpAddress';
  return base.replace('Not', '');
}

function outsideHoles(pv: PolicyValue): string {
  let out = '';
  let pos = 0;
  for (const [a, b] of pv.holes ?? []) {
    out += pv.value.slice(pos, a) + '\u0000';
    pos = b;
  }
  return out + pv.value.slice(pos);
}

/**
 * A value with its IAM policy variables put in, as IAM does for a `Version: 2012-10-17` policy:
 * `${key}` by the request's one value of that key, and `${*}`, `${?}`, `${$}` by the character (for
 * the operators that compare literally; a `StringLike` pattern keeps them undecided). Undefined
 * when some variable cannot be put in (a key absent, unknown or multivalued, a default value).
 * Without that Version, IAM reads `${...}` as plain text: `versioned` false.
 */
export function substituteVariables(pv: PolicyValue, versioned: boolean, glob: boolean, lookup: (key: string) => string[] | undefined): PolicyValue | undefined {
  if (pv.unknown || pv.noVariables) return pv;
  if (!versioned) return { ...pv, noVariables: true };
  const re = /\$\{([^}]*)\}/g;
  const holes = pv.holes ?? [];
  let out = '';
  let pos = 0;
  const newHoles: Array<readonly [number, number]> = [];
  let h = 0;
  const copyUpTo = (end: number) => {
    // Copies text and the holes inside it, shifted to their new place.
    while (h < holes.length && holes[h][1] <= end) {
      const [a, b] = holes[h];
      const at = out.length + (a - pos);
      newHoles.push([at, at + (b - a)]);
      h++;
    }
    out += pv.value.slice(pos, end);
    pos = end;
  };
  for (let m = re.exec(pv.value); m; m = re.exec(pv.value)) {
    const start = m.index;
    const end = start + m[0].length;
    if (holes.some(([a, b]) => start < b && end > a)) continue;
    const name = m[1].trim();
    let text: string | undefined;
    // In a pattern, `${*}` and `${?}` are the characters themselves, not wildcards.
    if (name === '*' || name === '?' || name === '$') text = glob ? (name === '*' ? LITERAL_STAR : name === '?' ? LITERAL_QUESTION : '$') : name;
    else if (!name.includes(',')) {
      const values = lookup(name);
      text = values && values.length === 1 ? values[0] : undefined;
    }
    if (text === undefined) return undefined;
    copyUpTo(start);
    out += text;
    pos = end;
  }
  copyUpTo(pv.value.length);
  return { value: out, holes: newHoles.length > 0 ? newHoles : undefined, noVariables: true };
}

/** `${*}` and `${?}` put into a pattern: characters that stand for themselves (see valueRegExp). */
const LITERAL_STAR = '\uE001';
const LITERAL_QUESTION = '\uE002';

/** An IAM policy variable (`${aws:username}`, `${*}`) in the known text of a value. */
export function hasPolicyVariable(pv: PolicyValue): boolean {
  return /\$\{[^}]*\}/.test(outsideHoles(pv));
}


/** A regular expression for a policy value: `glob` reads `*` and `?` as wildcards; holes match anything. */
export function valueRegExp(pv: PolicyValue, glob: boolean, ignoreCase = false): RegExp {
  const char = (c: string) => (c === LITERAL_STAR ? '\\*' : c === LITERAL_QUESTION ? '\\?' : escapeRegExp(c));
  const text = (s: string) => (glob ? s.split('').map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : char(c))).join('') : s.split('').map(char).join(''));
  let src = '';
  let pos = 0;
  for (const [a, b] of pv.holes ?? []) {
    src += text(pv.value.slice(pos, a)) + '[\\s\\S]*';
    pos = b;
  }
  src += text(pv.value.slice(pos));
  return new RegExp(`^${src}$`, ignoreCase ? 'i' : '');
}

/**
 * What the holes of a policy value must stand for so that it matches `actual`: for
 * `repo:${GitHubOrg}/app:*` and `repo:octo-org/app:ref:refs/heads/main`, `["octo-org"]`.
 */
export function holeValues(pv: PolicyValue, actual: string, glob: boolean): string[] | undefined {
  if (!pv.holes || pv.holes.length === 0 || pv.unknown) return undefined;
  const text = (s: string) => (glob ? s.split('').map((c) => (c === '*' ? '[\\s\\S]*?' : c === '?' ? '[\\s\\S]' : escapeRegExp(c))).join('') : escapeRegExp(s));
  let src = '';
  let pos = 0;
  for (const [a, b] of pv.holes) {
    src += text(pv.value.slice(pos, a)) + '([\\s\\S]*?)';
    pos = b;
  }
  src += text(pv.value.slice(pos));
  const m = new RegExp(`^${src}$`).exec(actual);
  return m ? m.slice(1) : undefined;
}

function parseDate(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  return Date.parse(t);
}

/** An IPv4 or IPv6 address as a number and its width in bits. */
function parseIp(s: string): { n: bigint; width: 32 | 128 } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { n: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), width: 32 };
  }
  if (!s.includes(':')) return undefined;
  let text = s;
  const v4 = /(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    // `::ffff:192.0.2.1`: the dotted tail is the last two 16-bit groups.
    const ip = parseIp(v4[1]);
    if (!ip) return undefined;
    text = text.slice(0, -v4[1].length) + `${(ip.n >> 16n).toString(16)}:${(ip.n & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? 8 - total : 0).fill('0'), ...rest];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return { n: all.map((g) => parseInt(g, 16)).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n), width: 128 };
}

export function cidrContains(cidr: string, address: string): boolean {
  const [net, bitsText] = cidr.trim().split('/');
  const a = parseIp(address.trim());
  const b = parseIp(net);
  if (!a || !b || a.width !== b.width) return false;
  const bits = bitsText === undefined ? b.width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > b.width) return false;
  const shift = BigInt(b.width - bits);
  return a.n >> shift === b.n >> shift;
}

/** `arn:partition:service:region:account:resource`, the resource keeping its colons. */
function arnParts(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** One request value against one policy value, for a positive (non-negated) base operator. */
export function compareOne(base: string, actual: string, pv: PolicyValue): Tri {
  if (pv.unknown) return 'unknown';
  const holes = !!pv.holes && pv.holes.length > 0;
  const decided = (known: boolean): Tri => (known ? (holes ? 'unknown' : 'true') : 'false');
  if (base.startsWith('String')) {
    if (!pv.noVariables && hasPolicyVariable(pv)) return 'unknown';
    const re = valueRegExp(pv, base === 'StringLike', base === 'StringEqualsIgnoreCase');
    return decided(re.test(actual));
  }
  if (base === 'ArnEquals' || base === 'ArnLike') {
    if (!pv.noVariables && hasPolicyVariable(pv)) return 'unknown';
    if (holes) return valueRegExp(pv, true).test(actual) ? 'unknown' : 'false';
    const want = arnParts(pv.value);
    const got = arnParts(actual);
    if (!want || !got) return tri(want === undefined && got === undefined && valueRegExp(pv, true).test(actual));
    return tri(want.every((w, i) => valueRegExp({ value: w }, true).test(got[i])));
  }
  if (holes) return 'unknown';
  if (base.startsWith('Numeric')) {
    const a = Number(actual.trim());
    const b = Number(pv.value.trim());
    if (actual.trim() === '' || pv.value.trim() === '' || !Number.isFinite(a) || !Number.isFinite(b)) return 'false';
    switch (base) {
      case 'NumericEquals':
        return tri(a === b);
      case 'NumericLessThan':
        return tri(a < b);
      case 'NumericLessThanEquals':
        return tri(a <= b);
      case 'NumericGreaterThan':
        return tri(a > b);
      case 'NumericGreaterThanEquals':
        return tri(a >= b);
    }
    return 'false';
  }
  if (base.startsWith('Date')) {
    const a = parseDate(actual);
    const b = parseDate(pv.value);
    if (Number.isNaN(a) || Number.isNaN(b)) return 'false';
    switch (base) {
      case 'DateEquals':
        return tri(a === b);
      case 'DateLessThan':
        return tri(a < b);
      case 'DateLessThanEquals':
        return tri(a <= b);
      case 'DateGreaterThan':
        return tri(a > b);
      case 'DateGreaterThanEquals':
        return tri(a >= b);
    }
    return 'false';
  }
  if (base === 'Bool') {
    const want = pv.value.trim().toLowerCase();
    return tri((want === 'true' || want === 'false') && want === actual.trim().toLowerCase());
  }
  if (base === 'BinaryEquals') return tri(pv.value === actual);
  if (base === 'IpAddress') return tri(cidrContains(pv.value, actual));
  return 'false';
}

/**
 * One condition entry (operator, key, policy values) against the request's values for the key.
 * `listUnknown`: the policy's value list has items the file does not determine.
 */
export function evaluateOperator(op: ParsedOperator, ctx: ContextInput, values: PolicyValue[], listUnknown = false): OperatorOutcome {
  if (!op.valid) return { result: 'false', rule: 'invalid-operator', matched: [] };
  const extra: Tri[] = listUnknown ? ['unknown'] : [];
  if (op.base === 'Null') {
    if (ctx.unknown) return { result: 'unknown', rule: 'context-unknown', matched: [] };
    const present = !!ctx.values && ctx.values.length > 0;
    const results = values.map((pv): Tri => {
      if (pv.unknown || (pv.holes && pv.holes.length > 0)) return 'unknown';
      const want = pv.value.trim().toLowerCase();
      if (want === 'true') return tri(!present);
      if (want === 'false') return tri(present);
      return 'false';
    });
    return { result: or3([...results, ...extra]), rule: 'null-check', matched: [] };
  }
  if (ctx.unknown) return { result: 'unknown', rule: 'context-unknown', matched: [] };
  if (!ctx.values || ctx.values.length === 0) {
    if (op.ifExists) return { result: 'true', rule: 'key-absent-if-exists', matched: [] };
    if (op.qualifier === 'ForAllValues') return { result: 'true', rule: 'for-all-values-empty', matched: [] };
    if (op.qualifier === 'ForAnyValue') return { result: 'false', rule: 'for-any-value-empty', matched: [] };
    if (op.negated) return { result: 'true', rule: 'key-absent-negated', matched: [] };
    return { result: 'false', rule: 'key-absent', matched: [] };
  }
  const base = positiveBase(op.base);
  const single = (v: string): Tri => {
    const any = or3([...values.map((pv) => compareOne(base, v, pv)), ...extra]);
    return op.negated ? not3(any) : any;
  };
  const perValue = ctx.values.map(single);
  const matched = ctx.values.filter((_, i) => perValue[i] === 'true');
  if (op.qualifier === 'ForAnyValue') return { result: or3(perValue), rule: 'compared', matched };
  if (op.qualifier === 'ForAllValues') return { result: and3(perValue), rule: 'compared', matched };
  if (ctx.values.length > 1) {
    // A single-valued operator against a request set of several values: the set is never equal to one
    // value. AWS asks for a set operator here; the result is taken as "no match" (negated: "match").
    return { result: op.negated ? 'true' : 'false', rule: 'single-operator-multivalued', matched: [] };
  }
  return { result: perValue[0], rule: 'compared', matched };
}
