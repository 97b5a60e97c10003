import {
  defineRule,
  fillHoles,
  isPositiveMatch,
  literalValues,
  providerForKeyPrefix,
  splitProviderKey,
  statementName,
  type LString,
  type ProviderSpec,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

type Reach = { level: 'any' | 'owner'; who: string };

const WILD = /[*?]/;
const allWild = (s: string) => s.length > 0 && /^[*?]+$/.test(s);

/** Text before the first wildcard. */
function literalPrefix(s: string): string {
  const i = s.search(WILD);
  return i < 0 ? s : s.slice(0, i);
}

/**
 * For `<prefix><owner><sep>...` subject formats: does the pattern fix the owner segment? A pattern
 * whose wildcard comes before the owner's separator can match other owners' subjects (`*`, `repo:*`,
 * `repo:acme*`); `other` is a value of another shape, left to the subject-format rule.
 */
function ownerFixed(value: string, prefix: string, sep: string): 'fixed' | 'open' | 'other' {
  if (!value.startsWith(prefix)) {
    return prefix.startsWith(literalPrefix(value)) && WILD.test(value) ? 'open' : 'other';
  }
  const rest = value.slice(prefix.length);
  const at = rest.indexOf(sep);
  const owner = at < 0 ? rest : rest.slice(0, at);
  if (WILD.test(owner) || at < 0) return WILD.test(rest) ? 'open' : 'fixed';
  return 'fixed';
}

/** The segment after the owner (`repo:acme/<this>:...`). */
function segmentAfter(value: string, prefix: string, sep: string, end: string): string {
  const rest = value.slice(prefix.length);
  const after = rest.slice(rest.indexOf(sep) + sep.length);
  const stop = after.indexOf(end);
  return stop < 0 ? after : after.slice(0, stop);
}

function subjectReach(provider: ProviderSpec, value: string): Reach | undefined {
  switch (provider.id) {
    case 'github': {
      const o = ownerFixed(value, 'repo:', '/');
      if (o === 'open') return { level: 'any', who: 'any GitHub repository, of any owner' };
      if (o === 'other') return undefined;
      const repo = segmentAfter(value, 'repo:', '/', ':');
      const owner = value.slice(5, value.indexOf('/'));
      return allWild(repo) ? { level: 'owner', who: `every repository of \`${owner}\`` } : undefined;
    }
    case 'gitlab': {
      const o = ownerFixed(value, 'project_path:', '/');
      if (o === 'open') return { level: 'any', who: 'any GitLab project, of any group' };
      if (o === 'other') return undefined;
      const project = segmentAfter(value, 'project_path:', '/', ':');
      const group = value.slice('project_path:'.length, value.indexOf('/'));
      return allWild(project) ? { level: 'owner', who: `every project of \`${group}\`` } : undefined;
    }
    case 'terraform': {
      const o = ownerFixed(value, 'organization:', ':');
      if (o === 'open') return { level: 'any', who: 'any HCP Terraform workspace, of any organization' };
      if (o === 'other') return undefined;
      const org = value.slice('organization:'.length).split(':')[0];
      const rest = value.slice(`organization:${org}:`.length);
      // A workspace named exactly is one workspace (names are unique in an organization), whatever
      // the project is written as.
      const workspace = /(?:^|:)workspace:([^:]*)/.exec(rest)?.[1];
      if (workspace && !WILD.test(workspace)) return undefined;
      const project = rest.startsWith('project:') ? rest.slice('project:'.length).split(':')[0] : rest;
      return rest === '' || allWild(project) || allWild(rest) ? { level: 'owner', who: `every workspace of the organization \`${org}\`` } : undefined;
    }
    case 'eks': {
      const prefix = 'system:serviceaccount:';
      const o = ownerFixed(value, prefix, ':');
      if (o === 'open') return { level: 'any', who: 'every service account in every namespace of the cluster' };
      if (o === 'other') return undefined;
      const ns = value.slice(prefix.length).split(':')[0];
      const sa = value.slice(prefix.length + ns.length + 1);
      return allWild(sa) ? { level: 'owner', who: `every service account in the namespace \`${ns}\`` } : undefined;
    }
    case 'circleci':
      return allWild(value) ? { level: 'owner', who: 'every project of the CircleCI organization' } : undefined;
    case 'bitbucket':
      return allWild(value) ? { level: 'owner', who: 'every repository of the Bitbucket workspace' } : undefined;
    case 'cognito':
      return undefined;
    default:
      return allWild(value) ? { level: 'any', who: `any identity the ${provider.name} issuer signs for` } : undefined;
  }
}

/** Audiences that name a tenant: a wildcard there admits other customers' tokens. */
function audienceReach(provider: ProviderSpec, value: string): Reach | undefined {
  if (!WILD.test(value)) return undefined;
  switch (provider.id) {
    case 'cognito':
      return { level: 'any', who: 'identities of any Cognito identity pool (in any AWS account)' };
    case 'google':
      return { level: 'any', who: "any Google OAuth client's users" };
    case 'facebook':
    case 'amazon':
      return { level: 'any', who: `users of any ${provider.name} app` };
    case 'github':
    case 'eks':
    case 'terraform':
    case 'gitlab':
      return undefined;
    default:
      return allWild(value) ? { level: 'any', who: `tokens issued for any client of the ${provider.name}` } : undefined;
  }
}

/**
 * Claims that tie a token to one repository or project, and claims that tie it to one owner, by
 * provider: conditions in one statement must all hold, so a subject wildcard beside such a claim
 * reaches no further than the claim allows.
 */
const PINS: Partial<Record<ProviderSpec['id'], { one: string[]; owner: string[]; ownerWho: string }>> = {
  github: { one: ['repository', 'repository_id'], owner: ['repository_owner_id', 'enterprise_id'], ownerWho: 'every repository of the owner' },
  gitlab: { one: ['project_id'], owner: ['namespace_id'], ownerWho: 'every project of the group' },
  circleci: { one: ['oidc.circleci.com/project-id'], owner: [], ownerWho: '' },
};

type Conditions = WebIdentityStatement['conditions'];

/** The claim of `claims` that a positive condition of this issuer pins to literal values, if any. */
function pinnedBy(conditions: Conditions, issuer: string, claims: string[]): string | undefined {
  if (claims.length === 0) return undefined;
  for (const { entry, op } of conditions) {
    if (!isPositiveMatch(op) || entry.key.unknown || entry.key.holes?.length) continue;
    const split = splitProviderKey(entry.key);
    if (!split || split.prefix.toLowerCase() !== issuer || !claims.includes(split.claim.toLowerCase())) continue;
    if (literalValues(entry.values, op, WILD)) return entry.key.value;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'wildcard-subject',
    description: 'Trust policies must not let any repository, project or namespace assume the role.',
    defaultSeverity: 'error',
    securitySeverity: 9.1,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity'],
    messages: {
      any: '`{{key}}` matches `{{value}}` in the {{statement}}: {{who}} can assume this role. Name the exact {{claim}}, e.g. `{{example}}`.',
      owner:
        '`{{key}}` matches `{{value}}` in the {{statement}}: {{who}} can assume this role, including ones created later. Limit it to {{scope}}, e.g. `{{example}}`.',
      tenant:
        '`{{key}}` matches `{{value}}` in the {{statement}}: every workflow of this tenant-scoped issuer ({{who}}) can assume this role. Name the exact {{claim}}, e.g. `{{example}}`.',
    },
  },
  create(ctx) {
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const { entry, op } of ws.conditions) {
          if (!op.valid || !op.pattern || op.negated || !op.base.startsWith('String')) continue;
          if (entry.key.unknown) continue;
          const split = splitProviderKey(entry.key);
          if (!split || split.prefix.includes('${')) continue;
          const provider = providerForKeyPrefix(split.prefix.toLowerCase());
          const claim = split.claim.toLowerCase();
          const isSubject = claim === provider.subjectKey;
          const isAudience = claim === provider.audienceKey;
          if (!isSubject && !isAudience) continue;
          const tenantIssuer = provider.scope(split.prefix.toLowerCase()) === 'tenant' && provider.id === 'github';
          // Another condition of the statement may pin the repository (or its owner) already.
          const pins = isSubject ? PINS[provider.id] : undefined;
          if (pins && pinnedBy(ws.conditions, split.prefix.toLowerCase(), pins.one)) continue;
          const ownerPin = pins ? pinnedBy(ws.conditions, split.prefix.toLowerCase(), pins.owner) : undefined;
          for (const v of entry.values.items) {
            if (!isCheckable(v)) continue;
            // A hole (a parameter, a variable) stands for one fixed text: it is read as a placeholder
            // without wildcards, so `repo:${Org}/*` is every repository of that one owner.
            const shown = (t: string) => restoreHoles(t, v);
            const masked = maskHoles(v);
            const r = isSubject ? subjectReach(provider, masked) : audienceReach(provider, masked);
            // "Anyone" must not rest on a hole before the wildcard: the hole may hold the separator
            // that scopes the pattern (`repo:${var.repo}:*` with repo = "acme/app").
            const firstWild = masked.search(/[*?]/);
            const holeBefore = masked.indexOf(HOLE) >= 0 && masked.indexOf(HOLE) < firstWild;
            let reach = r && !(r.level === 'any' && holeBefore) ? { ...r, who: shown(r.who) } : undefined;
            if (!reach) continue;
            // Any owner by the subject, one owner by the other claim: every repository of that owner.
            if (ownerPin && pins && reach.level === 'any') reach = { level: 'owner', who: `${pins.ownerWho} that \`${ownerPin}\` names` };
            const messageId = reach.level === 'any' ? (tenantIssuer ? 'tenant' : 'any') : 'owner';
            const example = shown(isSubject ? scopedExample(provider, masked) : provider.audienceHint);
            const edit = ctx.fixer.replaceValue(v, example);
            ctx.report({
              // Display-only: the example holds placeholders for the owner, repository and branch.
              suggestions: edit ? [{ title: `Scope it, e.g. \`${example}\``, applicability: 'display-only', edits: [edit] }] : undefined,
              node: v,
              messageId,
              severity: messageId === 'any' ? 'error' : 'warning',
              data: {
                key: entry.key.value,
                value: v.value,
                statement: statementName(ws.statement),
                who: reach.who,
                example,
                scope: isSubject ? (OWNER_SCOPE[provider.id] ?? 'the identities that need the role') : 'the audience your own client is issued',
                claim: isSubject ? 'subject' : 'audience',
              },
            });
          }
        }
      },
    };
  },
});

/** What an owner-wide subject pattern should be narrowed to, in each provider's own terms. */
const OWNER_SCOPE: Partial<Record<ProviderSpec['id'], string>> = {
  github: 'the repositories, branches or environments that deploy',
  gitlab: 'the projects and branches that deploy',
  terraform: 'the projects and workspaces that deploy',
  eks: 'the service accounts that need the role',
  circleci: 'the projects and contexts that deploy',
  bitbucket: 'the repositories and deployment environments that deploy',
};

/** An example subject scoped to one identity, keeping the owner when the pattern fixes one. */
function scopedExample(provider: ProviderSpec, value: string): string {
  const owner = (prefix: string) => {
    if (!value.startsWith(prefix)) return undefined;
    const o = value.slice(prefix.length).split(/[/:]/)[0];
    return o && !WILD.test(o) ? o : undefined;
  };
  switch (provider.id) {
    case 'github': {
      const o = owner('repo:');
      return o ? `repo:${o}/<repo>:ref:refs/heads/<branch>` : provider.subjectHint;
    }
    case 'gitlab': {
      const g = owner('project_path:');
      return g ? `project_path:${g}/<project>:ref_type:branch:ref:<branch>` : provider.subjectHint;
    }
    case 'terraform': {
      const o = owner('organization:');
      return o ? `organization:${o}:project:<project>:workspace:<workspace>:run_phase:apply` : provider.subjectHint;
    }
    case 'eks': {
      const m = /^system:serviceaccount:([^:*?]+):/.exec(value);
      return m ? `system:serviceaccount:${m[1]}:<service-account>` : provider.subjectHint;
    }
    default:
      return provider.subjectHint;
  }
}

/** Each hole becomes one private-use character: no wildcard, no separator. */
const HOLE = '\uE000';

function maskHoles(v: LString): string {
  return fillHoles(v, HOLE);
}

/** Puts the holes' own text back in place of the placeholders, in order. */
function restoreHoles(text: string, v: LString): string {
  const holes = (v.holes ?? []).map(([a, b]) => v.value.slice(a, b));
  let i = 0;
  return text.replace(/\uE000/g, () => holes[i++] ?? '…');
}

/** Known values, and values whose holes hold no wildcard of their own. */
function isCheckable(v: LString): boolean {
  if (v.unknown) return false;
  return !(v.holes ?? []).some(([a, b]) => /[*?]/.test(v.value.slice(a, b)));
}
