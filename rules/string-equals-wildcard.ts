import { defineRule, parseOperator, statementName, type Fix, type LString, type ParsedOperator, type Statement } from '../src/rule-kit/index.js';

type MessageIds = 'literal';

/**
 * The wildcard characters of a value, outside what the file does not determine (holes) and outside
 * policy variables (`${aws:username}`, and `${*}` / `${?}`, IAM's way of writing a literal `*` / `?`).
 */
function wildcards(v: LString): string[] {
  let text = v.value;
  const blank = (a: number, b: number) => {
    text = text.slice(0, a) + ' '.repeat(b - a) + text.slice(b);
  };
  for (const [a, b] of v.holes ?? []) blank(a, b);
  for (const m of text.matchAll(/\$\{[^}]*\}/g)) blank(m.index!, m.index! + m[0].length);
  // A `?` that starts a URL's query string (`https://example.com/page?id=1`) is meant literally.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^?*]*\?[^?*]*=/i.test(text)) text = text.replace('?', ' ');
  return [...new Set(text.match(/[*?]/g) ?? [])];
}

function mayHaveWildcard(v: LString): boolean {
  return !v.unknown && (v.value.includes('*') || v.value.includes('?'));
}

/** `StringEquals` → `StringLike`, keeping the qualifier and `IfExists`; IgnoreCase has no Like form. */
function likeOperator(op: ParsedOperator): string {
  const base = op.negated ? 'StringNotLike' : 'StringLike';
  return `${op.qualifier ? `${op.qualifier}:` : ''}${base}${op.ifExists ? 'IfExists' : ''}`;
}

/**
 * What the literal comparison does here. `alone`: no other value of the list can match (a sole value,
 * or siblings that are literal wildcards too); otherwise this value only adds nothing.
 */
function consequence(st: Statement, op: ParsedOperator, alone: boolean | undefined): string {
  const effect = st.effect && !st.effect.unknown ? st.effect.value : undefined;
  if (op.negated) {
    if (effect === 'Allow') return 'it exempts no real value, so the statement applies more widely than the pattern intends';
    if (effect === 'Deny') return 'it exempts no real value, so the Deny also hits the requests the pattern was meant to exempt';
    return 'it exempts no real value';
  }
  if (effect === 'Allow') {
    if (alone) return 'no real request matches, so the statement grants nothing (a role trusted this way can never be assumed)';
    if (alone === false) return 'this value matches no real request, so the statement applies only through the other values';
  }
  if (effect === 'Deny') {
    if (alone) return 'no real request matches, so the Deny never applies and blocks nothing';
    if (alone === false) return 'this value matches no real request, so the Deny does not cover what the pattern was meant to';
  }
  return 'this value matches no real request';
}

export default defineRule<MessageIds>({
  meta: {
    id: 'string-equals-wildcard',
    description: 'A `*` or `?` under a `StringEquals`-family operator is matched literally: use `StringLike` for patterns.',
    defaultSeverity: 'warning',
    securitySeverity: 4.0,
    fix: 'unsafe',
    hasSuggestions: false,
    tags: ['correctness', 'security'],
    messages: {
      literal:
        '`{{value}}` under `{{operator}}` in the {{statement}} is compared literally: `*` and `?` are wildcards only in `StringLike`/`StringNotLike`, so it equals only a value of `{{key}}` that contains {{chars}} itself: {{consequence}}. If you meant a pattern, use `{{like}}`{{caseNote}}.',
    },
  },
  create(ctx) {
    return {
      Statement(st) {
        if (st.unknown || !st.condition) return;
        const condition = st.condition;
        let names: Set<string> | undefined;
        for (const entry of condition.entries) {
          const { operator, key } = entry;
          if (operator.unknown || (operator.holes && operator.holes.length > 0)) continue;
          const op = parseOperator(operator.value);
          if (!op.valid || !op.literalString) continue;
          // A value without `*` or `?` has no wildcard: the common case, decided without a copy.
          if (!entry.values.items.some(mayHaveWildcard)) continue;
          const taken = (names ??= new Set(condition.entries.map((e) => e.operator.value)));
          const like = likeOperator(op);
          const ignoreCase = op.base.endsWith('IgnoreCase');
          const flagged = entry.values.items.map((v) => (v.unknown ? [] : wildcards(v)));
          entry.values.items.forEach((v, i) => {
            const chars = flagged[i];
            if (chars.length === 0) return;
            // Can another value of the list match? Unknown when some of it cannot be seen.
            const others = entry.values.items.map((o, j) => ({ o, j })).filter(({ j }) => j !== i);
            const alone = others.some(({ o, j }) => !o.unknown && flagged[j].length === 0)
              ? false
              : entry.values.unknown || others.some(({ o }) => o.unknown)
                ? undefined
                : true;
            // Renaming the operator to one the condition already has would make a duplicate key.
            const edit = taken.has(like) ? undefined : ctx.fixer.replaceValue(operator, like);
            const fix: Fix | undefined = edit ? { title: `Change the operator to \`${like}\``, applicability: 'unsafe', edits: [edit] } : undefined;
            ctx.report({
              node: v,
              messageId: 'literal',
              data: {
                value: v.value,
                operator: operator.value,
                statement: statementName(st),
                key: key.value,
                chars: chars.map((c) => `\`${c}\``).join(' or '),
                consequence: consequence(st, op, alone),
                like,
                caseNote: ignoreCase ? ' (there is no case-insensitive `Like` operator: the comparison then becomes case-sensitive)' : '',
              },
              fix,
            });
          });
        }
      },
    };
  },
});
