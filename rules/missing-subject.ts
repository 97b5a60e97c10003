import {
  bareProvider,
  defineRule,
  isPositiveMatch,
  literalValues,
  keyMatchesIssuer,
  splitProviderKey,
  statementName,
  type FederatedPrincipal,
  type ProviderSpec,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

/** Who gets in when the subject is not checked, by provider. */
function reach(provider: ProviderSpec, issuer: string): { messageId: 'shared' | 'tenant' | 'cluster'; who: string } {
  const segment = (re: RegExp) => re.exec(issuer)?.[1] ?? issuer;
  switch (provider.id) {
    case 'github':
      return provider.scope(issuer) === 'shared'
        ? { messageId: 'shared', who: 'any repository on GitHub' }
        : { messageId: 'tenant', who: `every repository of the GitHub enterprise \`${segment(/\/([^/]+)$/)}\`` };
    case 'gitlab':
      return { messageId: 'shared', who: 'any project on GitLab.com' };
    case 'terraform':
      return { messageId: 'shared', who: 'any workspace of any organization on HCP Terraform' };
    case 'eks':
      return { messageId: 'cluster', who: `any pod, with any service account in any namespace of the EKS cluster \`${segment(/\/id\/([^/]+)$/)}\`` };
    case 'circleci':
      return { messageId: 'tenant', who: `every project of the CircleCI organization \`${segment(/\/org\/([^/]+)$/)}\`` };
    case 'bitbucket':
      return { messageId: 'tenant', who: `every repository and pipeline step of the Bitbucket workspace \`${segment(/\/workspaces\/([^/]+)\//)}\`` };
    default:
      return provider.scope(issuer) === 'shared'
        ? { messageId: 'shared', who: `anyone ${provider.name} issues a token for` }
        : { messageId: 'tenant', who: `every identity the issuer \`${issuer}\` signs a token for` };
  }
}

/** The operator the providers' own documentation uses for the subject. */
function operatorFor(provider: ProviderSpec): string {
  return provider.id === 'github' || provider.id === 'terraform' || provider.id === 'circleci' ? 'StringLike' : 'StringEquals';
}

function hasHoles(v: { holes?: ReadonlyArray<readonly [number, number]> } | undefined): boolean {
  return !!v?.holes && v.holes.length > 0;
}

export default defineRule({
  meta: {
    id: 'missing-subject',
    description: 'A trust statement for a CI/CD or other OIDC provider must check the subject (who the token was issued to).',
    defaultSeverity: 'error',
    securitySeverity: 9.3,
    fix: 'none',
    hasSuggestions: false,
    tags: ['trust-policy', 'web-identity', 'security'],
    messages: {
      shared:
        'The {{statement}} trusts {{provider}} tokens from the shared issuer `{{issuer}}` but has no condition on `{{key}}`{{others}}: {{who}} can assume this role. Add `"{{operator}}": {"{{key}}": "{{example}}"}`.',
      tenant:
        'The {{statement}} trusts {{provider}} tokens from `{{issuer}}` but has no condition on `{{key}}`{{others}}: {{who}} can assume this role, including ones created later. Add `"{{operator}}": {"{{key}}": "{{example}}"}`.',
      cluster:
        'The {{statement}} trusts {{provider}} tokens from `{{issuer}}` but has no condition on `{{key}}`: {{who}} can assume this role. Add `"{{operator}}": {"{{key}}": "{{example}}"}`.',
      client:
        'The {{statement}} trusts tokens from `{{issuer}}` issued to {{clients}} but has no condition on `{{key}}`: every user of that client can assume this role. That is how a login provider\'s app is trusted; if `{{issuer}}` is a CI/CD system, whose jobs choose their own audience, add `"{{operator}}": {"{{key}}": "{{example}}"}`.',
    },
  },
  create(ctx) {
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        if (!ws.allowsWebIdentity || ws.conditionsUnknown) return;
        for (const fp of ws.federated) {
          if (fp.kind !== 'oidc' || !fp.provider || !fp.issuer || !fp.issuerValue) continue;
          const provider = fp.provider;
          // An issuer the file does not determine (`${var.issuer}`) names no provider we can judge.
          if (provider.id === 'oidc' && hasHoles(fp.issuerValue)) continue;
          // Google, Facebook and Login with Amazon registered as IAM OIDC providers: out of scope.
          if (bareProvider(fp.issuer)) continue;
          if (scoped(ws, fp)) continue;
          const { messageId: reachId, who } = reach(provider, fp.issuerValue.value);
          const key = `${fp.issuerValue.value}:${provider.subjectKey}`;
          const others = provider.scopingKeys.filter((k) => k !== provider.subjectKey);
          // A generic issuer whose audience names a client application: AWS's own pattern for an
          // app's users, worth knowing about but not an alarm.
          const clients = provider.id === 'oidc' ? clientAudience(ws, fp) : undefined;
          const messageId = clients ? 'client' : reachId;
          ctx.report({
            node: fp.source,
            messageId,
            severity: messageId === 'client' ? 'info' : messageId === 'tenant' ? 'warning' : 'error',
            data: {
              statement: statementName(ws.statement),
              provider: provider.name,
              issuer: fp.issuerValue.value,
              key,
              others: others.length > 0 ? ` (nor on its ${others.map((k) => `\`${k}\``).join(', ')} claim${others.length > 1 ? 's' : ''})` : '',
              who,
              operator: operatorFor(provider),
              example: provider.subjectHint,
              clients: clients ? clients.map((c) => `\`${c}\``).join(' or ') : '',
            },
          });
        }
      },
    };
  },
});

/**
 * The audience AWS suggests for CI/CD issuers: every pipeline of such an issuer asks for it, so it
 * names no one application.
 */
const AWS_AUDIENCE = 'sts.amazonaws.com';

/**
 * Does this audience condition name client applications (AWS's documented pattern for an OpenID
 * Connect provider: `"<issuer>:aud": "<app id>"`)? Then the statement trusts that application's
 * users, which a login provider's app may well mean; a CI/CD job, though, chooses its own audience.
 */
function namesClientApplication(entry: WebIdentityStatement['conditions'][number]['entry'], op: WebIdentityStatement['conditions'][number]['op']): boolean {
  return literalValues(entry.values, op) && entry.values.items.every((v) => v.value.toLowerCase() !== AWS_AUDIENCE);
}

/** Does a positive condition on one of the provider's scoping claims of this issuer exist? */
function scoped(ws: WebIdentityStatement, fp: FederatedPrincipal): boolean {
  const claims = new Set(fp.provider!.scopingKeys.map((k) => k.toLowerCase()));
  return ws.conditions.some(({ entry, op }) => {
    // An operator IAM does not know (`stringEquals`) is unknown-condition-operator's finding.
    if (op.valid && !isPositiveMatch(op)) return false;
    // A key the file does not determine might be the subject key.
    if (entry.key.unknown) return true;
    // Session tags of a web-identity call come from the signed token alone: a tag the provider sets
    // (Buildkite's `organization_id`, `pipeline_id`) ties the token to an identity as a claim does.
    if (/^aws:requesttag\//i.test(entry.key.value) && sessionTagPinned(entry, op)) return true;
    const split = splitProviderKey(entry.key);
    if (!split) return !!entry.key.holes?.length;
    if (!keyMatchesIssuer(entry.key, fp)) return false;
    const claimStart = split.prefix.length + 1;
    if (entry.key.holes?.some(([, b]) => b > claimStart)) return true;
    return claims.has(split.claim.toLowerCase());
  });
}

/** Literal values, none a pattern that matches anything (a pattern with text, `pipeline-*`, pins). */
function sessionTagPinned(entry: WebIdentityStatement['conditions'][number]['entry'], op: WebIdentityStatement['conditions'][number]['op']): boolean {
  return literalValues(entry.values, op, /^[*?]*$/);
}

/** The client applications a generic issuer's audience condition names, if it names only such. */
function clientAudience(ws: WebIdentityStatement, fp: FederatedPrincipal): string[] | undefined {
  for (const { entry, op } of ws.conditions) {
    if (!isPositiveMatch(op) || entry.key.unknown || entry.key.holes?.length) continue;
    const split = splitProviderKey(entry.key);
    if (!split || split.claim.toLowerCase() !== 'aud' || !keyMatchesIssuer(entry.key, fp)) continue;
    if (namesClientApplication(entry, op)) return entry.values.items.map((v) => v.value);
  }
  return undefined;
}
