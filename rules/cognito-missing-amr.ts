import {
  defineRule,
  isPositiveMatch,
  keyMatchesIssuer,
  splitProviderKey,
  statementName,
  wildcardRegExp,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

const AMR = 'amr';

export default defineRule({
  meta: {
    id: 'cognito-missing-amr',
    description: 'A Cognito identity pool trust must say whether authenticated or unauthenticated (guest) identities may assume the role.',
    defaultSeverity: 'warning',
    securitySeverity: 6.5,
    fix: 'none',
    hasSuggestions: false,
    tags: ['trust-policy', 'web-identity', 'cognito'],
    messages: {
      missing:
        'The {{statement}} trusts Amazon Cognito identity pool identities but has no condition on `{{key}}`: if the identity pool allows guest access, unauthenticated (guest) identities can assume this role too. Add `"ForAnyValue:StringLike": {"{{key}}": "authenticated"}` (or `"unauthenticated"` for a deliberate guest role).',
    },
  },
  create(ctx) {
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        if (!ws.allowsWebIdentity || ws.conditionsUnknown) return;
        for (const fp of ws.federated) {
          if (fp.kind !== 'bare' || fp.provider?.id !== 'cognito' || !fp.issuerValue) continue;
          const checked = ws.conditions.some(({ entry, op }) => {
            if (!op.valid || op.base === 'Null') return false;
            // A key the file does not determine might be the amr key.
            const split = splitProviderKey(entry.key);
            if (entry.key.unknown || (!split && entry.key.holes?.length)) return isPositiveMatch(op);
            if (!split || !keyMatchesIssuer(entry.key, fp)) return false;
            const claimStart = split.prefix.length + 1;
            const claimUnknown = !!entry.key.holes?.some(([, b]) => b > claimStart);
            if (!claimUnknown && split.claim.toLowerCase() !== AMR) return false;
            if (isPositiveMatch(op)) return true;
            // `ForAnyValue:StringNotLike … "unauthenticated"` keeps guests out as well.
            return op.negated && op.base.startsWith('String') && excludesGuests(entry.values.items, op.pattern);
          });
          if (checked) continue;
          ctx.report({
            node: fp.source,
            messageId: 'missing',
            data: { statement: statementName(ws.statement), key: `${fp.issuerValue.value}:amr` },
          });
        }
      },
    };
  },
});

function excludesGuests(values: ReadonlyArray<{ value: string; unknown?: boolean; holes?: ReadonlyArray<readonly [number, number]> }>, pattern: boolean): boolean {
  return values.some((v) => v.unknown || (v.holes && v.holes.length > 0) || (pattern ? wildcardRegExp(v.value).test('unauthenticated') : v.value === 'unauthenticated'));
}
