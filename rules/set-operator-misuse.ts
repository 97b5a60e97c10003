import {
  defineRule,
  fillHoles,
  isAllow,
  isMultivaluedKey,
  parseOperator,
  splitProviderKey,
  statementName,
  type ConditionEntry,
  type Fix,
  type LString,
  type ParsedOperator,
  type RuleContext,
  type Statement,
} from '../src/rule-kit/index.js';

type MessageIds = 'forAllValues' | 'missingSetOperator';

const AMR = 'cognito-identity.amazonaws.com:amr';

const literal = (s: LString) => !s.unknown && !(s.holes && s.holes.length > 0);

/**
 * A claim of a web-identity token (`<issuer>:<claim>`): single-valued, except `amr` (an array claim:
 * Cognito's lists `authenticated` and the login provider).
 */
function isSingleValuedClaim(key: LString): boolean {
  if (key.unknown) return false;
  const split = splitProviderKey(key);
  if (!split || split.claim.includes('${') || split.claim.toLowerCase() === 'amr') return false;
  const prefixHoles = key.holes?.filter(([, b]) => b <= split.prefix.length);
  // An issuer is a host name: a prefix whose known text has no dot could be anything.
  return fillHoles({ value: split.prefix, holes: prefixHoles }, '').includes('.');
}

interface Group {
  operator: LString;
  op: ParsedOperator;
  entries: ConditionEntry[];
}

/** Condition entries by operator (one `"ForAllValues:StringLike": {...}` block holds several keys). */
function groups(st: Statement): Group[] {
  const out = new Map<string, Group>();
  for (const entry of st.condition?.entries ?? []) {
    if (!literal(entry.operator)) continue;
    const at = `${entry.operator.range.start}:${entry.operator.range.end}`;
    let g = out.get(at);
    if (!g) {
      g = { operator: entry.operator, op: parseOperator(entry.operator.value), entries: [] };
      out.set(at, g);
    }
    g.entries.push(entry);
  }
  return [...out.values()];
}

export default defineRule<MessageIds>({
  meta: {
    id: 'set-operator-misuse',
    description: 'Set operators belong on multivalued condition keys only: no `ForAllValues:` on a single-valued token claim, and `ForAnyValue:` for `amr` and other multivalued keys.',
    defaultSeverity: 'warning',
    securitySeverity: 6.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity', 'security'],
    messages: {
      forAllValues:
        '`{{operator}}` on `{{keys}}` in the {{statement}}: {{what}} single-valued, and `ForAllValues:` is true when the request has no value for the key, so this condition does not require the claim: a token without it (a claim the provider leaves out for some jobs, or one STS never sets) passes. Use `{{replacement}}`{{ifExists}}.',
      missingSetOperator:
        '`{{operator}}` on `{{keys}}` in the {{statement}}: {{what}} multivalued{{example}}, and a multivalued key needs a set operator — without one the request\'s values are not compared one by one, so the condition does not test what it says. Use {{replacement}}.',
    },
  },
  create(ctx) {
    return {
      Statement(st) {
        if (st.unknown || !st.condition) return;
        const all = groups(st);
        // The operator names, for fixes: only when something is reported.
        let names: Set<string> | undefined;
        const namesOf = () => (names ??= new Set(all.map((g) => g.operator.value)));
        for (const g of all) {
          if (!g.op.valid) continue;
          if (g.op.qualifier === 'ForAllValues' && !g.op.negated && isAllow(st)) forAllValues(ctx, st, g, namesOf);
          if (!g.op.qualifier && g.op.base !== 'Null') missingSetOperator(ctx, st, g, namesOf);
        }
      },
    };
  },
});

const keyList = (entries: ConditionEntry[]) => entries.map((e) => e.key.value).join('`, `');

/** A fix renaming the operator, unless the condition already has an operator of that name (it would become a duplicate key). */
function rename(ctx: RuleContext<MessageIds>, g: Group, to: string, names: () => Set<string>): Fix | undefined {
  if (names().has(to)) return undefined;
  const edit = ctx.fixer.replaceValue(g.operator, to);
  return edit ? { title: `Change the operator to \`${to}\``, applicability: 'unsafe', edits: [edit] } : undefined;
}

function forAllValues(ctx: RuleContext<MessageIds>, st: Statement, g: Group, names: () => Set<string>): void {
  const offending = g.entries.filter((e) => isSingleValuedClaim(e.key));
  if (offending.length === 0) return;
  const replacement = g.op.text.slice('ForAllValues:'.length);
  // Renaming the operator changes every key of the block: only when all of them are single-valued claims.
  const fix = offending.length === g.entries.length ? rename(ctx, g, replacement, names) : undefined;
  ctx.report({
    node: g.operator,
    messageId: 'forAllValues',
    data: {
      operator: g.operator.value,
      keys: keyList(offending),
      statement: statementName(st),
      what: offending.length === 1 ? 'a token claim is' : 'token claims are',
      replacement,
      ifExists: g.op.ifExists ? ' (and drop `IfExists` too, unless a token without the claim is meant to pass)' : ', which fails when the claim is missing',
    },
    suggestions: fix ? [fix] : undefined,
  });
}

function missingSetOperator(ctx: RuleContext<MessageIds>, st: Statement, g: Group, names: () => Set<string>): void {
  const offending = g.entries.filter((e) => literal(e.key) && isMultivaluedKey(e.key.value));
  if (offending.length === 0) return;
  const amr = offending.every((e) => e.key.value.toLowerCase() === AMR);
  const anyValue = `ForAnyValue:${g.op.text}`;
  const allValues = `ForAllValues:${g.op.text}`;
  // Cognito documents `ForAnyValue:` for `amr`; for other keys which one is meant depends on the policy.
  const targets = amr && !g.op.negated ? [anyValue] : [anyValue, allValues];
  const fixes =
    offending.length === g.entries.length ? targets.map((t) => rename(ctx, g, t, names)).filter((f): f is Fix => !!f) : [];
  ctx.report({
    node: g.operator,
    messageId: 'missingSetOperator',
    data: {
      operator: g.operator.value,
      keys: keyList(offending),
      statement: statementName(st),
      what: offending.length === 1 ? 'this key is' : 'these keys are',
      example: amr ? ' (an authenticated Cognito identity carries `authenticated` and its login provider, e.g. `graph.facebook.com`)' : '',
      replacement:
        targets.length === 1
          ? `\`${anyValue}\`, as the Cognito documentation does`
          : `\`${anyValue}\` (at least one of the request's values matches) or \`${allValues}\` (every value matches; also true when the key is absent)`,
    },
    suggestions: fixes.length > 0 ? fixes : undefined,
  });
}
