import {
  defineRule,
  fillHoles,
  idListed,
  isPositiveMatch,
  providerForKeyPrefix,
  registrationFor,
  splitProviderKey,
  statementName,
  stringLikeRegExp,
  type Fix,
  type LString,
  type OidcProviderDefinition,
  type ProviderId,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

type MessageIds = 'notRegistered' | 'patternNotRegistered' | 'defaultNotRegistered';

/** The audience these providers put in their tokens unless told otherwise: the list is then what is wrong. */
const DEFAULT_AUDIENCE: Partial<Record<ProviderId, string>> = { github: 'sts.amazonaws.com', eks: 'sts.amazonaws.com', terraform: 'aws.workload.identity' };

const WILDCARD = /[*?]/;

/** `ClientIdList` / `client_id_list`, as the file names it. */
function listName(def: OidcProviderDefinition): string {
  const last = def.clientIds?.path[def.clientIds.path.length - 1];
  return typeof last === 'string' ? last : 'ClientIdList';
}

function kindName(def: OidcProviderDefinition): string {
  const list = listName(def);
  return list === 'ClientIdList' || list === 'ClientIDList' ? 'OIDCProvider' : 'OIDC provider';
}

export default defineRule<MessageIds>({
  meta: {
    id: 'audience-not-registered',
    description: 'The audience a trust policy expects must be registered as a client id of the OIDC provider defined in the same file.',
    defaultSeverity: 'error',
    securitySeverity: 3.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity', 'correctness'],
    messages: {
      notRegistered:
        '`{{value}}` is not in the {{list}} of the {{kind}} `{{resource}}` ({{ids}}): STS checks a token\'s audience against the provider\'s client ids before it reads the trust policy, so a token for `{{value}}` is refused with "Incorrect token audience", and a token for a registered id fails this condition of the {{statement}}. Add `{{value}}` to the {{list}}, or expect {{instead}} here.',
      defaultNotRegistered:
        '`{{value}}`, the audience {{provider}} tokens carry, is not in the {{list}} of the {{kind}} `{{resource}}` ({{ids}}): STS checks a token\'s audience against the provider\'s client ids before it reads the trust policy, so it refuses these tokens with "Incorrect token audience" and the {{statement}} can never be used. Add `{{value}}` to the {{list}}; the condition is right.',
      patternNotRegistered:
        '`{{value}}` matches none of the ids in the {{list}} of the {{kind}} `{{resource}}` ({{ids}}): STS refuses a token whose audience is not in that list ("Incorrect token audience"), and a token for a registered id fails this condition of the {{statement}}. Expect {{instead}} here, or register the audience you mean in the {{list}}.',
    },
  },
  create(ctx) {
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const { entry, op } of ws.conditions) {
          if (!isPositiveMatch(op) || !op.base.startsWith('String') || entry.key.unknown) continue;
          const split = splitProviderKey(entry.key);
          if (!split || split.claim.includes('${') || split.claim.toLowerCase() !== 'aud') continue;
          // Only when the principals this key belongs to are providers of this file, with lists we can read.
          const registration = registrationFor(entry.key, ws.federated, ctx.oidcProviders);
          if (!registration) continue;
          const { definitions: defs, ids } = registration;
          const ignoreCase = op.base.endsWith('IgnoreCase');
          const prefixHoles = entry.key.holes?.filter(([, b]) => b <= split.prefix.length);
          const provider = providerForKeyPrefix(fillHoles({ value: split.prefix, holes: prefixHoles }, 'x').toLowerCase());
          const issued = DEFAULT_AUDIENCE[provider.id];
          const report = (v: LString, kind: MessageIds): void => {
            // The provider's own audience outside its list: the list is wrong, not the condition.
            const messageId = kind === 'notRegistered' && v.value === issued ? 'defaultNotRegistered' : kind;
            const literal = ids.filter((id) => !(id.holes && id.holes.length > 0));
            const only = messageId !== 'defaultNotRegistered' && literal.length === 1 && ids.length === 1 ? literal[0].value : undefined;
            const edit = only ? ctx.fixer.replaceValue(v, only) : undefined;
            const suggestions: Fix[] | undefined =
              edit && only ? [{ title: `Replace with \`${only}\`, the provider's only client id`, applicability: 'unsafe', edits: [edit] }] : undefined;
            const first = defs[0];
            ctx.report({
              node: v,
              messageId,
              data: {
                value: v.value,
                list: listName(first),
                kind: kindName(first),
                resource: defs.map((d) => d.resource).join('`, `'),
                ids: ids.map((id) => id.value).join(', '),
                statement: statementName(ws.statement),
                provider: provider.name,
                instead: only ? `\`${only}\`` : 'one of its ids',
              },
              suggestions,
              related: defs.map((d) => ({ message: `${listName(d)} of \`${d.resource}\``, node: d.clientIds! })),
            });
          };
          for (const v of entry.values.items) {
            if (v.unknown || (v.holes && v.holes.length > 0) || v.value.includes('${')) continue;
            if (WILDCARD.test(v.value)) {
              // Under StringEquals a wildcard is a literal character: string-equals-wildcard reports that.
              if (!op.pattern || ids.some((id) => id.holes && id.holes.length > 0)) continue;
              const re = stringLikeRegExp(v.value, ignoreCase);
              if (ids.some((id) => re.test(id.value))) continue;
              report(v, 'patternNotRegistered');
            } else if (idListed(v.value, ids, ignoreCase) === 'no') {
              report(v, 'notRegistered');
            }
          }
        }
      },
    };
  },
});
