import {
  defineRule,
  isAllow,
  isTerraformDocumentData,
  keyMatchesIssuer,
  PRINCIPAL_TYPES,
  splitProviderKey,
  statementName,
  wildcardRegExp,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';
import { ownString } from '../src/iam/own-string.js';

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/** Patterns by whether they match `sts:AssumeRoleWithWebIdentity` but not `sts:AssumeRole` (bounded). */
const webIdentityOnly = new Map<string, boolean>();

function namesWebIdentityOnly(pattern: string): boolean {
  let answer = webIdentityOnly.get(pattern);
  if (answer === undefined) {
    const re = wildcardRegExp(pattern);
    answer = re.test(WEB_IDENTITY) && !re.test('sts:AssumeRole');
    if (webIdentityOnly.size >= 10_000) webIdentityOnly.clear();
    webIdentityOnly.set(ownString(pattern), answer);
  }
  return answer;
}


export default defineRule({
  meta: {
    id: 'federated-principal-mismatch',
    description: 'The Federated principal must be a valid provider ARN and match the provider named by the condition keys.',
    defaultSeverity: 'error',
    securitySeverity: 5.0,
    fix: 'none',
    hasSuggestions: false,
    tags: ['trust-policy', 'web-identity', 'correctness'],
    messages: {
      keyMismatch:
        'Condition key `{{key}}` is for the issuer `{{keyIssuer}}`, but the {{statement}} trusts `{{issuers}}`: STS only sets keys of the issuer that signed the token, so this condition never matches and every AssumeRoleWithWebIdentity call is refused. Use `{{expected}}`.',
      malformed: 'Federated principal `{{value}}` is malformed: {{problem}}. STS refuses {{action}} for it.{{instead}}',
      bareHost:
        'Federated principal `{{value}}`: {{problem}}. Write `{{replacement}}` (the ARN of the IAM OIDC provider for that issuer).',
      notFederated:
        'The {{statement}} allows `sts:AssumeRoleWithWebIdentity` to {{principal}}, which can never present a web-identity token: this statement grants nothing and the intended federation fails. Use a `Federated` principal with the OIDC provider ARN.',
    },
  },
  create(ctx) {
    return {
      Statement(st, doc) {
        if (!isAllow(st) || !st.principal || st.principal.unknown || !st.action) return;
        if (st.principal.entries.some((e) => e.type.value === 'Federated')) return;
        const explicit = st.action.items.some((a) => !a.unknown && !a.holes && namesWebIdentityOnly(a.value));
        if (!explicit) return;
        const wildcard = st.principal.wildcard;
        if (wildcard) {
          // A bare value other than `*` (`"Principal": "lambda.amazonaws.com"`) is policy-syntax's to
          // report; Terraform's `type = "*"` is everyone whatever its identifiers say.
          const terraformData = isTerraformDocumentData(doc);
          if (!terraformData && wildcard.value !== '*') return;
          ctx.report({ node: wildcard, messageId: 'notFederated', data: { statement: statementName(st), principal: 'everyone (`*`)' } });
          return;
        }
        for (const e of st.principal.entries) {
          // A key that is no principal type (`Federate`, `SERVICE`) is policy-syntax's to report.
          if (!PRINCIPAL_TYPES.includes(e.type.value)) continue;
          const article = e.type.value === 'AWS' ? 'an' : 'a';
          ctx.report({ node: e.type, messageId: 'notFederated', data: { statement: statementName(st), principal: `${article} \`${e.type.value}\` principal` } });
        }
      },
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const fp of ws.federated) {
          if (fp.kind !== 'malformed' && !fp.problem) continue;
          if (fp.replacement && fp.replacement.includes('<account-id>')) {
            ctx.report({ node: fp.source, messageId: 'bareHost', data: { value: fp.source.value, problem: fp.problem ?? '', replacement: fp.replacement } });
          } else {
            ctx.report({
              node: fp.source,
              messageId: 'malformed',
              data: {
                value: fp.source.value,
                problem: fp.problem ?? 'not a provider ARN',
                action: fp.kind === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity',
                instead: fp.replacement ? ` Write \`${fp.replacement}\`.` : '',
              },
            });
          }
        }
        // Key prefixes can only be compared when every principal value is a readable provider.
        const providers = ws.federated.filter((fp) => fp.kind === 'oidc' || fp.kind === 'bare');
        if (providers.length === 0 || providers.length !== ws.federated.length || ws.statement.principal?.unknown) return;
        for (const { entry } of ws.conditions) {
          const split = splitProviderKey(entry.key);
          if (!split || entry.key.unknown) continue;
          if (providers.some((fp) => keyMatchesIssuer(entry.key, fp))) continue;
          const expected = `${providers[0].issuerValue!.value}:${split.claim}`;
          ctx.report({
            node: entry.key,
            messageId: 'keyMismatch',
            data: {
              key: entry.key.value,
              keyIssuer: split.prefix,
              statement: statementName(ws.statement),
              issuers: providers.map((p) => p.issuerValue!.value).join('`, `'),
              expected,
            },
          });
        }
      },
    };
  },
});
