import {
  allOperators,
  defineRule,
  formatPath,
  isLiteral,
  nearest,
  parseOperator,
  statementName,
  type ConditionEntry,
  type Fix,
  type LString,
} from '../src/rule-kit/index.js';

const QUALIFIERS = ['ForAnyValue', 'ForAllValues'];

/**
 * The valid operator nearest to `text`: qualifier, base and `IfExists` are corrected separately
 * (`ForAnyValues:StringLike` → `ForAnyValue:StringLike`, `StringLikeIfExist` → `StringLikeIfExists`),
 * case-insensitively; `Null` loses the modifiers it cannot take.
 */
function nearestOperator(text: string): string | undefined {
  const all = allOperators();
  const trimmed = text.trim();
  const exact = all.find((o) => o.toLowerCase() === trimmed.toLowerCase());
  if (exact) return exact;
  const bases = all.filter((o) => !o.includes(':') && !o.endsWith('IfExists'));
  let rest = trimmed;
  let qualifier: string | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    qualifier = QUALIFIERS.find((q) => q.toLowerCase() === rest.slice(0, colon).toLowerCase()) ?? nearest(rest.slice(0, colon), QUALIFIERS);
    rest = rest.slice(colon + 1);
    if (!qualifier) return nearest(trimmed, all);
  }
  let ifExists = false;
  const m = /if_?exists?$/i.exec(rest);
  if (m && m.index > 0) {
    ifExists = true;
    rest = rest.slice(0, m.index);
  }
  const base = bases.find((b) => b.toLowerCase() === rest.toLowerCase()) ?? nearest(rest, bases);
  if (!base) return nearest(trimmed, all);
  if (base === 'Null') return 'Null';
  const out = `${qualifier ? `${qualifier}:` : ''}${base}${ifExists ? 'IfExists' : ''}`;
  return all.includes(out) ? out : undefined;
}

/** `Null` written with `IfExists` or a set qualifier (`NullIfExists`, `ForAnyValue:Null`). */
function isNullWithModifier(text: string): boolean {
  const op = parseOperator(text);
  return op.base === 'Null' && (op.ifExists || !!op.qualifier);
}

const parent = (s: LString) => formatPath(s.path.slice(0, -1));

export default defineRule({
  meta: {
    id: 'unknown-condition-operator',
    description: 'Condition operators must be spelled exactly as IAM defines them; anything else makes IAM reject the policy.',
    defaultSeverity: 'error',
    securitySeverity: 3.0,
    fix: 'unsafe',
    hasSuggestions: false,
    tags: ['correctness'],
    messages: {
      unknown:
        '`{{operator}}` in {{statement}} is not an IAM condition operator: AWS rejects the whole policy as malformed (IAM: MalformedPolicyDocument, "Syntax errors in policy"), so the deployment that carries it fails.{{didYouMean}}',
      wrongCase:
        '`{{operator}}` in {{statement}} is not an IAM condition operator: operator names are case-sensitive, so AWS rejects the whole policy as malformed (IAM: MalformedPolicyDocument, "Syntax errors in policy") and the deployment fails. Write `{{replacement}}`.',
      nullModifier:
        '`{{operator}}` in {{statement}} is not an IAM condition operator: `Null` already tests whether the key is present, so it takes neither `IfExists` nor a `ForAnyValue:`/`ForAllValues:` qualifier, and AWS rejects the whole policy as malformed (IAM: MalformedPolicyDocument). Write `Null`.',
    },
  },
  create(ctx) {
    return {
      Statement(st) {
        if (st.unknown || !st.condition) return;
        const entries: ConditionEntry[] = st.condition.entries;
        let seen: Set<string> | undefined;
        for (const { operator } of entries) {
          if (!isLiteral(operator) || parseOperator(operator.value).valid) continue;
          // A block with several keys repeats its operator for each key: judge it once.
          const id = `${operator.range.start}:${operator.range.end}`;
          seen ??= new Set<string>();
          if (seen.has(id)) continue;
          seen.add(id);
          const text = operator.value;
          const replacement = nearestOperator(text);
          // Renaming onto an operator the same Condition block already has would make a duplicate key.
          const clash =
            !!replacement &&
            entries.some((e) => e.operator !== operator && e.operator.value === replacement && e.operator.path[e.operator.path.length - 1] === replacement && parent(e.operator) === parent(operator));
          const edit = replacement && !clash ? ctx.fixer.replaceValue(operator, replacement) : undefined;
          const fix: Fix | undefined = edit ? { title: `Replace with \`${replacement}\``, applicability: 'unsafe', edits: [edit] } : undefined;
          const statement = statementName(st);
          if (isNullWithModifier(text)) {
            ctx.report({ node: operator, messageId: 'nullModifier', data: { operator: text, statement }, fix });
          } else if (replacement && replacement.toLowerCase() === text.trim().toLowerCase() && replacement !== text.trim()) {
            ctx.report({ node: operator, messageId: 'wrongCase', data: { operator: text, statement, replacement }, fix });
          } else {
            const didYouMean = replacement
              ? clash
                ? ` Did you mean \`${replacement}\`? The block already has \`${replacement}\`: move these keys into it.`
                : ` Did you mean \`${replacement}\`?`
              : '';
            ctx.report({ node: operator, messageId: 'unknown', data: { operator: text, statement, didYouMean }, fix });
          }
        }
      },
    };
  },
});
