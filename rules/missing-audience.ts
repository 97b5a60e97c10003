import {
  defineRule,
  idListed,
  isPositiveMatch,
  registrationFor,
  keyMatchesIssuer,
  splitProviderKey,
  statementName,
  type FederatedPrincipal,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

function audienceKey(fp: FederatedPrincipal): string {
  return `${fp.issuerValue!.value}:${fp.provider!.audienceKey}`;
}

type Conditions = WebIdentityStatement['conditions'];
type Registration = NonNullable<ReturnType<typeof registrationFor>>;

/** A key as the file writes it (`${ClusterOidcIssuer}:sub` in a `!Sub` JSON policy), or undefined. */
function writtenKey(key: Conditions[number]['entry']['key']): string | undefined {
  const node = key.node;
  if (node.type === 'object') return node.entries.find((e) => e.keyRange.start === key.range.start && e.keyRange.end === key.range.end)?.key;
  return node.type === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/**
 * The audience key to write, as the file would write it: with the issuer prefix of another key of
 * this issuer in the statement (a placeholder such as `${ClusterOidcIssuer}` kept), or with the issuer
 * when the principal (or the provider's Url) writes it literally. Undefined when the issuer comes
 * from elsewhere (a parameter's default): writing that default would name another issuer once the
 * stack is deployed with another value.
 */
function keyToWrite(conditions: Conditions, fp: FederatedPrincipal, registered: Registration | undefined): string | undefined {
  const claim = fp.provider!.audienceKey;
  for (const { entry } of conditions) {
    if (entry.key.unknown || !keyMatchesIssuer(entry.key, fp)) continue;
    const split = splitProviderKey(entry.key);
    const raw = writtenKey(entry.key);
    if (!split || raw === undefined || !raw.endsWith(`:${split.claim}`)) continue;
    return `${raw.slice(0, raw.length - split.claim.length - 1)}:${claim}`;
  }
  const issuer = fp.issuerValue!.value;
  const literal = (node: FederatedPrincipal['source']['node']) => node.type === 'scalar' && typeof node.value === 'string' && node.value.includes(issuer);
  if (literal(fp.source.node) || registered?.definitions.some((d) => literal(d.issuer.node))) return `${issuer}:${claim}`;
  return undefined;
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
            // An operator IAM does not know (`stringEquals`) is unknown-condition-operator's to fix:
            // the audience it compares counts, or the two fixes would write the block twice.
            if ((op.valid && !isPositiveMatch(op)) || !keyMatchesIssuer(entry.key, fp)) return false;
            const claim = splitProviderKey(entry.key)?.claim.toLowerCase();
            // Google: `aud` is the token's `azp`, `oaud` its own audience; either names the client.
            if (fp.provider!.id === 'google' && claim === 'oaud') return true;
            return claim === audience || claim?.startsWith('${') === true;
          });
          if (checked) continue;
          const key = audienceKey(fp);
          const literalIssuer = !fp.issuerValue.holes?.length;
          // The audience to expect: the provider's own, unless the OIDC provider defined in this
          // file registers other client ids (STS refuses any other audience): then its one id.
          let expected = fp.provider.expectedAudience;
          let shown = expected ?? fp.provider.audienceHint;
          const registered = literalIssuer ? registrationFor({ value: key, range: fp.source.range, path: fp.source.path, node: fp.source.node }, ws.federated, ctx.oidcProviders) : undefined;
          if (registered && (!expected || idListed(expected, registered.ids) === 'no')) {
            const [only] = registered.ids;
            const literal = registered.ids.length === 1 && !only.unknown && !only.holes?.length;
            expected = literal ? only.value : undefined;
            shown = registered.ids.length === 1 ? only.value : `<one of ${registered.ids.map((id) => id.value).join(', ')}>`;
          }
          // Only when the audience is one literal text and the key can be written as the file would.
          const written = expected && literalIssuer ? keyToWrite(ws.conditions, fp, registered) : undefined;
          const edit = expected && written ? ctx.fixer.addCondition(ws.document, ws.statement, 'StringEquals', written, expected) : undefined;
          ctx.report({
            fix: edit ? { title: `Add "StringEquals": {"${written}": "${expected}"}`, applicability: 'unsafe', edits: [edit] } : undefined,
            node: fp.source,
            messageId: 'missing',
            data: {
              statement: statementName(ws.statement),
              provider: fp.provider.name,
              key,
              value: shown,
            },
          });
        }
      },
    };
  },
});
