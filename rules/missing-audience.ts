import {
  defineRule,
  isPositiveMatch,
  keyMatchesIssuer,
  splitProviderKey,
  statementName,
  type FederatedPrincipal,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

function audienceKey(fp: FederatedPrincipal): string {
  return `${fp.issuerValue!.value}:${fp.provider!.audienceKey}`;
}

export default defineRule({
  meta: {
    id: 'missing-audience',
    description: 'A web-identity trust statement must check the token audience of its provider.',
    defaultSeverity: 'error',
    securitySeverity: 7.5,
    fix: 'unsafe',
    hasSuggestions: false,
    tags: ['trust-policy', 'web-identity'],
    messages: {
      missing:
        'The {{statement}} trusts {{provider}} tokens but has no condition on `{{key}}`: tokens issued to any client of this provider are accepted. Add `"StringEquals": {"{{key}}": "{{value}}"}`.',
    },
  },
  create(ctx) {
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        if (!ws.allowsWebIdentity || ws.conditionsUnknown) return;
        for (const fp of ws.federated) {
          if ((fp.kind !== 'oidc' && fp.kind !== 'bare') || !fp.provider || !fp.issuerValue) continue;
          const audience = fp.provider.audienceKey.toLowerCase();
          const checked = ws.conditions.some(({ entry, op }) => {
            if (!isPositiveMatch(op) || !keyMatchesIssuer(entry.key, fp)) return false;
            const claim = splitProviderKey(entry.key)?.claim.toLowerCase();
            return claim === audience || claim?.startsWith('${') === true;
          });
          if (checked) continue;
          const key = audienceKey(fp);
          const expected = fp.provider.expectedAudience;
          // Only when the provider issues one audience and the issuer is literal text.
          const edit = expected && !fp.issuerValue.holes?.length ? ctx.fixer.addCondition(ws.document, ws.statement, 'StringEquals', key, expected) : undefined;
          ctx.report({
            fix: edit ? { title: `Add "StringEquals": {"${key}": "${expected}"}`, applicability: 'unsafe', edits: [edit] } : undefined,
            node: fp.source,
            messageId: 'missing',
            data: {
              statement: statementName(ws.statement),
              provider: fp.provider.name,
              key: audienceKey(fp),
              value: fp.provider.expectedAudience ?? fp.provider.audienceHint,
            },
          });
        }
      },
    };
  },
});
