/**
 * Concrete advice for a condition that decided the outcome: what the provider actually puts in the
 * claim for this kind of job, and what to write instead. Hints never change a result.
 */
import type { ParsedOperator } from '../iam/conditions.js';
import { splitProviderKey } from '../iam/providers.js';
import { nearest } from '../rule-kit/nearest.js';
import type { RequestContext } from './context.js';
import { hasPolicyVariable, valueRegExp, type PolicyValue, type Rule } from './operators.js';
import type { Claims } from './token.js';
import type { ContextKey, Tri } from './types.js';
import { list } from './util.js';

export interface HintInput {
  op: ParsedOperator;
  key: string;
  context: RequestContext;
  entry?: ContextKey;
  expected: PolicyValue[];
  rule: Rule;
  result: Tri;
  claims: Claims;
}

const hasWildcardText = (pv: PolicyValue) => {
  let pos = 0;
  let text = '';
  for (const [a, b] of pv.holes ?? []) {
    text += pv.value.slice(pos, a);
    pos = b;
  }
  return /[*?]/.test(text + pv.value.slice(pos));
};

export function conditionHints(h: HintInput): string[] {
  const hints: string[] = [];
  const { op, key, rule, result } = h;
  if (op.literalString && !op.negated && result === 'false' && h.expected.some(hasWildcardText)) {
    const like = op.base.includes('IgnoreCase') ? 'StringLike (which is case-sensitive)' : 'StringLike';
    hints.push(`\`${op.base}\` compares literally: the \`*\` or \`?\` in ${list(h.expected.filter(hasWildcardText).map((v) => v.value))} is that character, not a wildcard. Use ${like} to match a pattern.`);
  }
  if (h.result === 'unknown' && h.expected.some(hasPolicyVariable)) {
    hints.push('A value holds an IAM policy variable (`${...}`) whose value the request does not give offline (a key the token lacks, an unknown or multivalued key), so this condition is left undecided.');
  }
  switch (rule) {
    case 'key-absent':
    case 'key-absent-negated':
    case 'key-absent-if-exists':
    case 'for-all-values-empty':
    case 'for-any-value-empty':
      hints.push(...absentKeyHints(h));
      break;
    case 'single-operator-multivalued':
      hints.push(
        `\`${h.entry?.key ?? key}\` is multivalued (this token has ${h.entry?.values.length ?? 0} values: ${list(h.entry?.values ?? [], 'and')}); a single-valued operator does not match a set. Use \`ForAnyValue:${op.base}\` to require that one of the values matches.`,
      );
      break;
    case 'invalid-operator':
      break;
    case 'compared':
      if (result === 'false' && !op.negated && h.entry) hints.push(...valueHints(h, h.entry));
      if (result === 'false' && op.negated && h.entry) {
        hints.push(`The token's value is one of the listed values, and \`${op.text}\` is negated: the condition holds only for values not listed.`);
      }
      if (op.qualifier === 'ForAllValues' && h.entry && !h.entry.multiValued && result === 'true') {
        hints.push(`\`${h.entry.key}\` is single-valued: \`ForAllValues:\` adds nothing here but lets a token without the claim through. Use \`${op.base}\`.`);
      }
      break;
  }
  return hints;
}

function absentKeyHints(h: HintInput): string[] {
  const { key, context, op, rule } = h;
  const hints: string[] = [];
  const split = splitProviderKey(key);
  if (/^https?:\/\//i.test(key)) {
    hints.push(`Condition keys never carry the scheme: write \`${key.replace(/^https?:\/\//i, '')}\`.`);
  } else if (split) {
    const prefix = split.prefix.toLowerCase();
    const issuer = context.issuer.toLowerCase();
    if (prefix !== issuer) {
      const slash = prefix.replace(/\/$/, '') === issuer.replace(/\/$/, '');
      hints.push(
        slash
          ? `The key's issuer \`${split.prefix}\` and the token's \`${context.issuer}\` differ by a trailing \`/\`: keys start with the issuer exactly as in the token's iss, without https://.`
          : `This key is for the issuer \`${split.prefix}\`, but the token comes from \`${context.issuer}\`: STS only sets keys that start with the token's issuer (\`${context.issuer}:${split.claim}\`).`,
      );
    } else if (context.claimKeys.includes(split.claim)) {
      hints.push(...missingClaimHints(split.claim, h));
    } else if (split.claim in h.claims) {
      hints.push(unsupportedClaimHint(split.claim, h));
    } else {
      const prefixed = context.claimKeys.filter((k) => split.claim.toLowerCase().startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(split.claim.toLowerCase()));
      const near = nearest(split.claim, context.claimKeys) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      hints.push(
        near
          ? `\`${split.claim}\` is not a condition key STS sets for this issuer; did you mean \`${context.issuer}:${near}\`?`
          : `\`${split.claim}\` is not a condition key STS sets for this issuer (it sets ${list(context.claimKeys, 'and')}).`,
      );
    }
  } else {
    const lower = key.toLowerCase();
    if (lower === 'aws:sourceip') hints.push('The caller\'s address is not known offline: trustlint evaluates without `aws:SourceIp`, as an absent key.');
    else if (lower === 'aws:sourceidentity' || lower === 'sts:sourceidentity') hints.push('The request sets no source identity here, so the key is absent.');
    else hints.push(`STS puts no \`${key}\` in the request context of AssumeRoleWithWebIdentity (as evaluated here).`);
  }
  if (rule === 'for-all-values-empty') {
    hints.push(
      `\`ForAllValues:\` is true when the key is absent (an empty set matches "all values"): this condition lets every token without \`${key}\` through. Use \`${op.base}\` for a single-valued claim or \`ForAnyValue:${op.base}\` for a set, or add \`"Null": {"${key}": "false"}\`.`,
    );
  } else if (rule === 'key-absent-negated') {
    hints.push(`A negated operator is true when the key is absent: \`${op.text}\` does not require the key to be there. Add \`"Null": {"${key}": "false"}\` to require it.`);
  } else if (rule === 'key-absent-if-exists') {
    hints.push(`\`...IfExists\` is true when the key is absent: this condition checks nothing for this token.`);
  }
  return hints;
}

function missingClaimHints(claim: string, h: HintInput): string[] {
  const p = h.context.provider.id;
  if (p === 'github' && claim === 'environment') return ['GitHub adds `environment` only to tokens of jobs that declare `environment:`; this job declares none.'];
  return [`The token has no \`${claim}\` claim, so STS sets no \`${h.context.issuer}:${claim}\`.`];
}

function unsupportedClaimHint(claim: string, h: HintInput): string {
  const { context } = h;
  const keys = list(context.claimKeys, 'and');
  const base = `The token carries \`${claim}\`, but STS does not turn that claim into a condition key for ${context.issuer} (it sets ${keys}).`;
  if (context.provider.id === 'github' && claim === 'repository_owner') {
    return `${base} Use \`${context.issuer}:repository_owner_id\` (the owner's numeric id) or a subject pattern such as \`repo:<owner>/*\`.`;
  }
  if (context.provider.id === 'github' && claim === 'repository_visibility') return `${base} Scope by \`sub\`, \`repository_id\` or \`repository_owner_id\` instead.`;
  if (context.provider.id === 'gitlab' && /^(project_path|namespace_path|ref|ref_type|environment)$/.test(claim)) {
    return `${base} Its value is part of \`${context.issuer}:sub\` (\`project_path:<group>/<project>:ref_type:<branch|tag>:ref:<ref>\`): match the subject with StringLike, or use \`${context.issuer}:project_id\` / \`namespace_id\`.`;
  }
  return base;
}

const matchesAny = (expected: PolicyValue[], actual: string, glob: boolean, ignoreCase = false) =>
  expected.some((pv) => !pv.unknown && valueRegExp(pv, glob, ignoreCase).test(actual));

function valueHints(h: HintInput, entry: ContextKey): string[] {
  const hints: string[] = [];
  const glob = h.op.pattern;
  const actual = entry.values;
  const known = h.expected.filter((pv) => !pv.unknown);
  // A value that matches only when letter case is ignored (one that matches as written is no slip).
  if (actual.some((a) => matchesAny(known, a, glob, true) && !matchesAny(known, a, glob, false))) {
    hints.push(`The values differ only in letter case: string conditions are case-sensitive. Write it as the token has it: ${list(actual)}.`);
    return hints;
  }
  const split = splitProviderKey(entry.key);
  const claim = split?.claim ?? '';
  const expected = known.map((pv) => pv.value);
  const p = h.context.provider.id;
  const a = actual[0] ?? '';
  if (claim === 'aud' || claim === 'oaud' || claim === 'app_id') hints.push(audienceHint(p, a, expected));
  else if (p === 'github' && claim === 'sub') hints.push(...githubSubject(a, known, glob));
  else if (p === 'github' && claim === 'job_workflow_ref') {
    hints.push(
      `For a job that calls a reusable workflow, \`job_workflow_ref\` names the called workflow with its ref: \`${a}\`. ${expected.some((e) => !e.includes('@')) ? 'The value always ends in `@<ref>`: match it with StringLike (`...yml@*`) or write the ref. ' : ''}\`sub\` still names the calling repository.`,
    );
  } else if (p === 'github' && claim === 'ref') {
    hints.push(`\`ref\` is the full git ref: \`refs/heads/<branch>\`, \`refs/tags/<tag>\`, or \`refs/pull/<n>/merge\` for pull requests. This run has \`${a}\`.`);
  } else if (p === 'eks' && claim === 'sub') hints.push(eksSubject(a, expected));
  else if (p === 'cognito' && claim === 'amr') hints.push(cognitoAmr(actual, expected));
  else if (p === 'gitlab' && claim === 'sub') hints.push(gitlabSubject(a, expected));
  else if (p === 'terraform' && claim === 'sub') hints.push(terraformSubject(a, expected));
  return hints.filter(Boolean);
}

function audienceHint(provider: string, actual: string, expected: string[]): string {
  switch (provider) {
    case 'github':
      return actual === 'sts.amazonaws.com'
        ? `GitHub issues the audience \`sts.amazonaws.com\` unless the workflow asks for another one; the policy expects ${list(expected)}. Allow \`sts.amazonaws.com\`, or set \`audience:\` on aws-actions/configure-aws-credentials to match.`
        : `This workflow asked for the audience \`${actual}\` (the \`audience:\` input of configure-aws-credentials, or \`core.getIDToken()\`); GitHub's default is \`sts.amazonaws.com\`. Make the workflow and the policy agree.`;
    case 'eks':
      return 'EKS service-account tokens for IRSA carry the audience `sts.amazonaws.com` (the projected token\'s `audience`); the policy must expect exactly that.';
    case 'gitlab':
      return `GitLab sets \`aud\` to what the job's \`id_tokens: <NAME>: aud:\` asks for (this job: \`${actual}\`); the usual value is the instance URL, \`https://gitlab.com\`.`;
    case 'terraform':
      return `HCP Terraform's audience is \`aws.workload.identity\` unless the workspace sets TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE (this run: \`${actual}\`).`;
    case 'cognito':
      return `Cognito's \`aud\` is the identity pool id (\`<region>:<uuid>\`): this token is for the pool \`${actual}\`, the policy allows ${list(expected)}.`;
    case 'google':
      return 'For Google, `accounts.google.com:aud` is the token\'s `azp` when it has one (hybrid apps) and its `aud` otherwise; `accounts.google.com:oaud` is always the `aud`.';
    default:
      return `The token's audience is \`${actual}\`; the policy expects ${list(expected)}.`;
  }
}

type GhKind = 'pull_request' | 'environment' | 'branch' | 'tag' | 'any' | 'other';

function ghKind(rest: string): GhKind {
  if (rest === '*' || rest === '') return 'any';
  if (rest === 'pull_request') return 'pull_request';
  if (rest.startsWith('environment:')) return 'environment';
  if (rest.startsWith('ref:refs/heads/')) return 'branch';
  if (rest.startsWith('ref:refs/tags/')) return 'tag';
  if (rest.startsWith('ref:') || rest.startsWith('ref:*')) return 'any';
  return 'other';
}

function githubSubject(actual: string, expected: PolicyValue[], glob: boolean): string[] {
  const m = /^repo:([^:]+):(.*)$/.exec(actual);
  if (!m) {
    return [
      `GitHub's default subject starts with \`repo:<owner>/<repo>:\`; this one (\`${actual}\`) follows a customized subject template (set for the repository or organization with GitHub's OIDC subject claim customization). Write the condition for that template.`,
    ];
  }
  const [, repo, rest] = m;
  const kind = ghKind(rest);
  const wanted = expected.map((pv) => ({ pv, m: /^repo:([^:]+):(.*)$/.exec(pv.value) }));
  const hints: string[] = [];
  const repos = wanted.filter((w) => w.m).map((w) => ({ value: w.m![1] }));
  if (repos.length > 0 && !repos.some((r) => valueRegExp(r, glob).test(repo) || r.value.includes('${'))) {
    hints.push(`The token comes from the repository \`${repo}\`; the policy allows ${list(repos.map((r) => r.value))}.`);
  }
  const kinds = new Set(wanted.filter((w) => w.m).map((w) => ghKind(w.m![2])));
  const env = rest.slice('environment:'.length);
  if (kind === 'pull_request' && (kinds.has('branch') || kinds.has('tag'))) {
    hints.push(
      `This job runs for a pull_request event: GitHub's subject is \`repo:${repo}:pull_request\`, not a branch ref. Allow \`repo:${repo}:pull_request\` if pull requests should assume this role (their code comes from the pull request's branch), or run the job on push.`,
    );
  } else if (kind === 'environment' && (kinds.has('branch') || kinds.has('tag') || kinds.has('pull_request'))) {
    hints.push(
      `The job declares \`environment: ${env}\`, so GitHub's subject is \`repo:${repo}:environment:${env}\`: it carries no ref. Allow that subject (and protect the environment), or condition on \`token.actions.githubusercontent.com:ref\` instead.`,
    );
  } else if ((kind === 'branch' || kind === 'tag') && kinds.has('environment') && !kinds.has(kind)) {
    hints.push(`The subject has the \`environment:\` form only for jobs that declare \`environment:\`; this job declares none, so its subject is \`${actual}\`. Add the environment to the job, or allow the ref.`);
  } else if (kind === 'tag' && kinds.has('branch') && !kinds.has('tag')) {
    hints.push(`This run was started by a tag (\`${rest.slice(4)}\`); \`refs/heads/...\` values cover branches only. Allow \`repo:${repo}:ref:refs/tags/<pattern>\` for releases.`);
  } else if (kind === 'branch' && kinds.has('tag') && !kinds.has('branch')) {
    hints.push(`This run is on a branch (\`${rest.slice(4)}\`); the policy allows tags only.`);
  } else if (kind === 'branch' && kinds.has('branch')) {
    hints.push(`This run is on the branch \`${rest.slice('ref:refs/heads/'.length)}\`; the policy allows ${list(wanted.filter((w) => w.m && ghKind(w.m[2]) === 'branch').map((w) => w.m![2].slice('ref:refs/heads/'.length)))}.`);
  } else if ((kind === 'branch' || kind === 'tag' || kind === 'environment') && kinds.has('pull_request') && kinds.size === 1) {
    hints.push('Only jobs triggered by pull_request events have the subject `repo:<owner>/<repo>:pull_request`.');
  } else if (kind === 'environment' && kinds.has('environment')) {
    hints.push(`This job's environment is \`${env}\`; the policy allows ${list(wanted.filter((w) => w.m && ghKind(w.m[2]) === 'environment').map((w) => w.m![2].slice('environment:'.length)))}.`);
  }
  return hints;
}

function eksSubject(actual: string, expected: string[]): string {
  const m = /^system:serviceaccount:([^:]+):(.+)$/.exec(actual);
  if (!m) return `EKS subjects are \`system:serviceaccount:<namespace>:<service-account>\`; the token has \`${actual}\`.`;
  return `The pod runs as the service account \`${m[2]}\` in the namespace \`${m[1]}\`; the policy allows ${list(expected)}. Check the pod's \`serviceAccountName\` and namespace, and the service account's annotation \`eks.amazonaws.com/role-arn\`.`;
}

function cognitoAmr(actual: string[], expected: string[]): string {
  if (actual.includes('unauthenticated') && expected.some((e) => e === 'authenticated')) {
    return 'This is a guest (unauthenticated) identity: the identity pool gives guests its unauthenticated role; this role is for authenticated identities.';
  }
  if (actual.includes('authenticated') && expected.some((e) => e === 'unauthenticated')) {
    return 'This identity is authenticated; this role is for guest (unauthenticated) identities of the pool.';
  }
  return `The token's \`amr\` holds ${list(actual, 'and')}; the policy looks for ${list(expected)}.`;
}

function gitlabSubject(actual: string, expected: string[]): string {
  const m = /^project_path:([^:]+):ref_type:([^:]+):ref:(.*)$/.exec(actual);
  if (!m) return `GitLab's subject is \`project_path:<group>/<project>:ref_type:<branch|tag>:ref:<ref>\`; the token has \`${actual}\`.`;
  const [, project, refType, ref] = m;
  const wantTypes = expected.map((e) => /:ref_type:([^:]+):/.exec(e)?.[1]).filter(Boolean) as string[];
  if (wantTypes.length > 0 && !wantTypes.some((t) => t === '*' || t === refType)) {
    return `This pipeline runs for a ${refType} (\`${ref}\`), so the subject has \`ref_type:${refType}\`; the policy allows ${list(wantTypes.map((t) => `ref_type:${t}`))}.`;
  }
  return `This job runs in the project \`${project}\` on the ${refType} \`${ref}\` (subject \`${actual}\`); the policy allows ${list(expected)}.`;
}

function terraformSubject(actual: string, expected: string[]): string {
  const phase = /:run_phase:([^:]+)$/.exec(actual)?.[1];
  const wantPhases = expected.map((e) => /:run_phase:([^:]+)$/.exec(e)?.[1]).filter(Boolean) as string[];
  if (phase && wantPhases.length > 0 && !wantPhases.some((p) => p === '*' || p === phase)) {
    return `HCP Terraform issues a token for each run phase; this one is for \`${phase}\`, the policy allows ${list(wantPhases)}. Allow \`run_phase:*\`, or give the ${phase} phase its own role (TFC_AWS_${phase.toUpperCase()}_ROLE_ARN).`;
  }
  return `HCP Terraform's subject is \`organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>\`; this run has \`${actual}\`, the policy allows ${list(expected)}.`;
}
