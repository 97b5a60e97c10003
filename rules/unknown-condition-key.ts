import {
  canonicalAction,
  conditionKeyCandidates,
  conditionPrefixExists,
  defineRule,
  findConditionKey,
  formatPath,
  isIssuerPrefix,
  isKnown,
  isLiteral,
  nearest,
  parseFederated,
  parseOperator,
  providerClaims,
  serviceExists,
  serviceHasConditionKey,
  serviceKeys,
  statementName,
  type ConditionEntry,
  type Fix,
  type LString,
  type ParsedOperator,
  type Statement,
  type ValueList,
} from '../src/rule-kit/index.js';

type MessageId = 'unknownGlobal' | 'unknownServiceKey' | 'unknownPrefix' | 'noPrefix' | 'unknownClaim' | 'scheme' | 'providerArn' | 'notInRequest';

interface Verdict {
  messageId: MessageId;
  data: Record<string, string>;
  /** The key to write instead, when one is clear (never with a `<placeholder>`). */
  replacement?: string;
}

const code = (s: string) => `\`${s}\``;

/** `a`, `a and b`, `a, b and c`. */
function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What a test on a key that is absent from the request evaluates to. */
function absentOutcome(op: ParsedOperator, values: ValueList): 'never' | 'always' | undefined {
  if (!op.valid) return undefined;
  if (op.base === 'Null') {
    if (values.unknown || values.items.length === 0 || !values.items.every(isLiteral)) return undefined;
    // `Null: true` matches an absent key; several values are alternatives.
    return values.items.some((v) => v.value.toLowerCase() === 'true') ? 'always' : 'never';
  }
  if (op.ifExists) return 'always';
  if (op.qualifier === 'ForAllValues') return 'always';
  if (op.qualifier === 'ForAnyValue') return 'never';
  // A negated operator (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`) is true when the key is absent.
  return op.negated ? 'always' : 'never';
}

/** The assume-role action a statement allows, for messages about trust statements. */
function assumeAction(st: Statement): string | undefined {
  for (const a of st.action?.items ?? []) {
    if (!isLiteral(a)) continue;
    if (/^sts:assumerole(withwebidentity|withsaml)?$/i.test(a.value)) return canonicalAction(a.value) ?? a.value;
  }
  return undefined;
}

/** What the test on a key that is never in the request does to the statement. */
function consequence(st: Statement, entry: ConditionEntry): string {
  const outcome = absentOutcome(parseOperator(entry.operator.value), entry.values);
  const effect = isKnown(st.effect) ? st.effect.value : undefined;
  const name = statementName(st);
  if (!outcome || (effect !== 'Allow' && effect !== 'Deny')) return 'this test does not check what it seems to';
  const assume = assumeAction(st);
  if (effect === 'Allow') {
    if (outcome === 'never') {
      return assume
        ? `this test is never true: ${name} never applies, and STS refuses every ${assume} call it was meant to allow ("Not authorized to perform ${assume}")`
        : `this test is never true and ${name} never grants anything`;
    }
    return assume
      ? `this test is always true and restricts nothing: it does not narrow who can call ${assume} on the role`
      : `this test is always true and restricts nothing in ${name}`;
  }
  return outcome === 'never'
    ? `this test is never true and the Deny in ${name} never applies: the guardrail does not exist`
    : `this test is always true and ${name} denies its actions unconditionally`;
}

/** The services of a statement's `Action`, when every value is a literal action of a known service. */
function actionServices(st: Statement): string[] | undefined {
  const actions = st.action;
  if (!actions || actions.unknown || actions.items.length === 0) return undefined;
  const out = new Set<string>();
  for (const a of actions.items) {
    if (!isLiteral(a) || a.value === '*') return undefined;
    const i = a.value.indexOf(':');
    if (i <= 0) return undefined;
    const service = a.value.slice(0, i);
    if (/[*?]/.test(service) || !serviceExists(service)) return undefined;
    out.add(serviceKeys().get(service.toLowerCase())!);
  }
  return [...out].sort();
}

/** Aliases people write for a provider's audience and subject claims. */
function claimAlias(claim: string, audienceKey: string, subjectKey: string): string | undefined {
  const c = claim.toLowerCase();
  if (['aud', 'audience', 'client_id', 'clientid'].includes(c)) return audienceKey;
  if (['sub', 'subject'].includes(c)) return subjectKey;
  return undefined;
}

/** The nearest name among `candidates` (`prefix:name`), compared on the name part. */
function nearestKey(prefix: string, name: string, candidates: string[]): string | undefined {
  const byName = new Map<string, string>();
  for (const c of candidates) byName.set(c.slice(c.indexOf(':') + 1), c);
  // A key with a variable part written without it (`aws:PrincipalTag`): point at the template.
  for (const [n, c] of byName) {
    const lt = n.indexOf('<');
    if (lt > 0 && [name.toLowerCase(), `${name.toLowerCase()}/`].includes(n.slice(0, lt).toLowerCase())) return c;
  }
  const near = nearest(name, [...byName.keys()]);
  return near ? byName.get(near) : undefined;
}

function didYouMean(s: string | undefined): string {
  return s ? ` Did you mean ${code(s)}?` : '';
}

/** A `Federated` issuer of the statement, when it has exactly one. */
function statementIssuer(st: Statement): string | undefined {
  const issuers = new Set<string>();
  for (const e of st.principal?.entries ?? []) {
    if (e.type.value !== 'Federated') continue;
    for (const v of e.values.items) {
      const fp = parseFederated(v);
      if ((fp.kind === 'oidc' || fp.kind === 'bare') && fp.issuerValue && !fp.issuerValue.holes?.length) issuers.add(fp.issuerValue.value);
    }
  }
  return issuers.size === 1 ? [...issuers][0] : undefined;
}

/** Judges a key as written; undefined when it is known and present in the statement's requests. */
function judge(key: string, st: Statement, entry: ConditionEntry): Verdict | undefined {
  const statement = statementName(st);
  const scheme = /^https?:\/\//i.exec(key);
  if (scheme) {
    const fixed = key.slice(scheme[0].length);
    const inner = judge(fixed, st, entry);
    const replacement = inner?.replacement ?? fixed;
    return { messageId: 'scheme', data: { key, statement, scheme: scheme[0], fixed: replacement, consequence: consequence(st, entry) }, replacement };
  }
  const arn = /^arn:[^:]*:iam::[^:]*:oidc-provider\//i.exec(key);
  if (arn) {
    const fixed = key.slice(arn[0].length);
    const inner = judge(fixed, st, entry);
    const replacement = inner?.replacement ?? fixed;
    return { messageId: 'providerArn', data: { key, statement, fixed: replacement, consequence: consequence(st, entry) }, replacement };
  }
  const colon = key.indexOf(':');
  if (colon <= 0) {
    const issuer = statementIssuer(st);
    let replacement: string | undefined;
    if (issuer) {
      const { claims } = providerClaims(issuer);
      const claim = claims.find((c) => c.toLowerCase() === key.toLowerCase());
      if (claim) replacement = `${issuer}:${claim}`;
    }
    return { messageId: 'noPrefix', data: { key, statement, consequence: consequence(st, entry), didYouMean: didYouMean(replacement) }, replacement };
  }
  const prefix = key.slice(0, colon);
  const name = key.slice(colon + 1);
  if (isIssuerPrefix(prefix)) {
    const { provider, claims } = providerClaims(prefix);
    if (claims.some((c) => c.toLowerCase() === name.toLowerCase())) return undefined;
    const alias = claimAlias(name, provider.audienceKey, provider.subjectKey);
    const near = alias && claims.includes(alias) ? alias : nearest(name, claims);
    const replacement = near ? `${prefix}:${near}` : undefined;
    return {
      messageId: 'unknownClaim',
      data: {
        key,
        statement,
        claim: name,
        provider: provider.id === 'oidc' ? code(prefix) : provider.name,
        supported: list(claims.map(code)),
        consequence: consequence(st, entry),
        didYouMean: didYouMean(replacement),
      },
      replacement,
    };
  }
  if (!conditionPrefixExists(prefix)) {
    const candidates = ['aws', ...serviceKeys().values()];
    const nearPrefix = nearest(prefix, candidates);
    const candidate = nearPrefix ? `${nearPrefix}:${name}` : undefined;
    const info = candidate ? findConditionKey(candidate) : undefined;
    const replacement = info && candidate ? (info.key.includes('${') ? candidate : info.key) : undefined;
    return { messageId: 'unknownPrefix', data: { key, statement, prefix, consequence: consequence(st, entry), didYouMean: didYouMean(replacement) }, replacement };
  }
  const info = findConditionKey(key);
  if (!info) {
    const near = nearestKey(prefix, name, conditionKeyCandidates(prefix));
    const replacement = near && !near.includes('<') ? near : undefined;
    const isGlobal = prefix.toLowerCase() === 'aws';
    return {
      messageId: isGlobal ? 'unknownGlobal' : 'unknownServiceKey',
      data: { key, statement, service: prefix.toLowerCase(), consequence: consequence(st, entry), didYouMean: didYouMean(near) },
      replacement,
    };
  }
  if (info.global) return undefined;
  const services = actionServices(st);
  if (!services) return undefined;
  if (services.some((s) => info.services.includes(s) || serviceHasConditionKey(s, key))) return undefined;
  return {
    messageId: 'notInRequest',
    data: {
      key,
      statement,
      keyService: list(info.services.map(code)),
      actionServices: list(services.map(code)),
      consequence: consequence(st, entry),
    },
  };
}

const parent = (s: LString) => formatPath(s.path.slice(0, -1));

export default defineRule<MessageId>({
  meta: {
    id: 'unknown-condition-key',
    description: 'Condition keys must be keys that AWS puts in the request: a global key, a key of the statement\'s services, or a claim STS takes from the identity provider\'s token.',
    defaultSeverity: 'warning',
    securitySeverity: 5.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['correctness', 'trust-policy', 'web-identity'],
    messages: {
      unknownGlobal: '`{{key}}` in {{statement}} is not an AWS global condition key, so it is never in the request context and {{consequence}}.{{didYouMean}}',
      unknownServiceKey:
        '`{{key}}` in {{statement}} is not a condition key of `{{service}}`, so it is never in the request context and {{consequence}}.{{didYouMean}}',
      unknownPrefix:
        '`{{key}}` in {{statement}}: `{{prefix}}` is neither `aws`, an AWS service prefix nor an identity-provider issuer, so the key is never in the request context and {{consequence}}.{{didYouMean}}',
      noPrefix:
        '`{{key}}` in {{statement}} has no prefix: condition keys are written `<prefix>:<name>` (`aws:SourceAccount`, `<issuer>:sub`), so it is never in the request context and {{consequence}}.{{didYouMean}}',
      unknownClaim:
        '`{{key}}` in {{statement}}: AWS STS takes no `{{claim}}` claim from {{provider}} tokens (it supports {{supported}}), so the key is never in the request context and {{consequence}}.{{didYouMean}}',
      scheme:
        '`{{key}}` in {{statement}} starts with `{{scheme}}`, but condition keys never carry `https://`: the key is never in the request context and {{consequence}}. Write `{{fixed}}`.',
      providerArn:
        '`{{key}}` in {{statement}} starts with the provider ARN, but a web-identity condition key starts with the issuer host and path only: the key is never in the request context and {{consequence}}. Write `{{fixed}}`.',
      notInRequest:
        '`{{key}}` is a key of {{keyService}}, but the actions of {{statement}} are all {{actionServices}}: it is never present in their requests, so {{consequence}}. Test a key of {{actionServices}} or a global `aws:` key, or move the condition to a statement with {{keyService}} actions.',
    },
  },
  create(ctx) {
    return {
      Statement(st) {
        if (st.unknown || !st.condition) return;
        const entries = st.condition.entries;
        for (const entry of entries) {
          const key = entry.key;
          // A key with a placeholder or a policy variable in it is not ours to judge.
          if (!isLiteral(key) || /[$&]\{/.test(key.value)) continue;
          const verdict = judge(key.value, st, entry);
          if (!verdict) continue;
          const { replacement } = verdict;
          // Renaming onto a key the same operator block already has would make a duplicate key.
          const clash =
            !!replacement &&
            entries.some((e) => e.key !== key && e.key.value.toLowerCase() === replacement.toLowerCase() && String(e.key.path[e.key.path.length - 1]).toLowerCase() === replacement.toLowerCase() && parent(e.key) === parent(key));
          const edit = replacement && !clash ? ctx.fixer.replaceValue(key, replacement) : undefined;
          const suggestions: Fix[] | undefined = edit ? [{ title: `Replace with \`${replacement}\``, applicability: 'unsafe', edits: [edit] }] : undefined;
          ctx.report({ node: key, messageId: verdict.messageId, data: verdict.data, suggestions });
        }
      },
    };
  },
});
