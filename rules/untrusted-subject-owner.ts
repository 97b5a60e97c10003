import {
  conditionKeyProvider,
  defineRule,
  statementName,
  subjectOwner,
  templateRegExp,
  type FederatedPrincipal,
  type ProviderId,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

interface OwnerList {
  setting: string;
  /** How the value's owner is described: "repositories of `x`". */
  what: (owner: string) => string;
  unit: string;
}

const LISTS: Partial<Record<ProviderId, OwnerList>> = {
  github: { setting: 'providers.github.owners', what: (o) => `repositories of \`${o}\``, unit: 'repository' },
  gitlab: { setting: 'providers.gitlab.groups', what: (o) => `projects of the GitLab group \`${o}\``, unit: 'project' },
  terraform: { setting: 'providers.terraform.organizations', what: (o) => `workspaces of the HCP Terraform organization \`${o}\``, unit: 'workspace' },
};

/** `https://oidc.eks…/id/X`, `arn:aws:iam::1:oidc-provider/oidc.eks…/id/X` or `X`, compared lower case. */
function normalizeCluster(entry: string): string {
  return entry
    .trim()
    .replace(/^arn:[^:]*:iam::[^:]*:oidc-provider\//i, '')
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

export default defineRule({
  meta: {
    id: 'untrusted-subject-owner',
    description: 'Subjects in trust policies must belong to the owners, groups, organizations and clusters listed in the project configuration.',
    defaultSeverity: 'error',
    securitySeverity: 8.8,
    fix: 'none',
    hasSuggestions: false,
    tags: ['trust-policy', 'web-identity', 'security'],
    messages: {
      untrusted:
        '`{{value}}` in `{{key}}` of the {{statement}} trusts {{what}}, which is not in {{setting}} ({{allowed}}): whoever controls `{{owner}}` can run a pipeline that assumes this role. Name a {{unit}} of an allowed owner, or, if `{{owner}}` is yours, add it to {{setting}} in the configuration (trustlint.config.yaml, or settings.trustlint for ESLint).',
      untrustedCluster:
        'The {{statement}} trusts the EKS cluster `{{cluster}}` (issuer `{{issuer}}`), which is not in providers.eks.clusters ({{allowed}}): service accounts of that cluster can assume this role. Trust one of your clusters, or, if this cluster is yours, add `{{cluster}}` to providers.eks.clusters in the configuration (trustlint.config.yaml, or settings.trustlint for ESLint).',
    },
  },
  create(ctx) {
    const providers = ctx.settings.providers ?? {};
    const allowed: Partial<Record<ProviderId, string[]>> = {
      github: providers.github?.owners,
      gitlab: providers.gitlab?.groups,
      terraform: providers.terraform?.organizations,
    };
    const clusters = providers.eks?.clusters;
    const shown = (list: string[]) => (list.length > 0 ? list.map((x) => `\`${x}\``).join(', ') : 'empty');

    const checkCluster = (ws: WebIdentityStatement, fp: FederatedPrincipal) => {
      if (!clusters || fp.kind !== 'oidc' || fp.provider?.id !== 'eks' || !fp.issuerValue) return;
      const issuer = fp.issuerValue;
      const idStart = issuer.value.lastIndexOf('/') + 1;
      const normalized = clusters.map(normalizeCluster);
      const holes = issuer.holes ?? [];
      if (holes.some(([, b]) => b > idStart)) return;
      const id = issuer.value.slice(idStart);
      const full = templateRegExp(issuer);
      if (normalized.some((c) => c === id.toLowerCase() || (c.includes('/') && full.test(c)))) return;
      ctx.report({
        node: fp.source,
        messageId: 'untrustedCluster',
        data: { statement: statementName(ws.statement), cluster: id, issuer: issuer.value, allowed: shown(clusters) },
      });
    };

    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const fp of ws.federated) checkCluster(ws, fp);
        for (const { entry, op } of ws.conditions) {
          if (!op.valid || op.negated || !op.base.startsWith('String')) continue;
          const keyInfo = conditionKeyProvider(entry.key, ws.federated);
          if (!keyInfo) continue;
          const list = allowed[keyInfo.provider.id];
          const describe = LISTS[keyInfo.provider.id];
          if (!list || !describe) continue;
          const known = new Set(list.map((o) => o.toLowerCase()));
          for (const v of entry.values.items) {
            const named = subjectOwner(keyInfo.provider.id, keyInfo.claim, v);
            if (!named || known.has(named.owner.toLowerCase())) continue;
            ctx.report({
              node: v,
              messageId: 'untrusted',
              data: {
                value: v.value,
                key: entry.key.value,
                statement: statementName(ws.statement),
                what: describe.what(named.owner),
                owner: named.owner,
                setting: describe.setting,
                allowed: shown(list),
                unit: describe.unit,
              },
            });
          }
        }
      },
    };
  },
});
