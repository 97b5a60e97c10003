/**
 * Subject formats of the web-identity providers whose `sub` claim has a documented shape (GitHub
 * Actions, Amazon EKS, GitLab, HCP Terraform), and the questions rules ask about a subject value:
 * can this value or `StringLike` pattern ever equal a subject the provider issues, what is wrong with
 * it when it cannot, and which owner (GitHub owner, GitLab group, HCP Terraform organization) it names.
 *
 * Formats are written as templates of literal text and character-class runs; a value or pattern
 * "can match" when the intersection of its language with some template's language is not empty
 * (a product of two small automata, searched breadth-first). Nothing here depends on the file format.
 */
import type { LString } from '../model/types.js';
import type { FederatedPrincipal, ProviderId, ProviderSpec } from './providers.js';
import { keyMatchesIssuer, providerForKeyPrefix, splitProviderKey, GENERIC_OIDC } from './providers.js';

// ---------------------------------------------------------------------------------------------
// Languages: sequences of items, each one character class, optionally repeated (zero or more).

type Pred = { kind: 'lit'; c: string } | { kind: 'any' } | { kind: 'class'; re: RegExp };
interface Item {
  pred: Pred;
  /** Zero or more of `pred` (a `*` in a pattern, the tail of a `+` run in a template). */
  star: boolean;
}

/** A template part: a run of characters of a class (`min` 1: at least one). */
interface Run {
  re: RegExp;
  min: 0 | 1;
}
type Part = string | Run | { oneOf: string[] };
type Template = Item[];

const run = (re: RegExp, min: 0 | 1 = 1): Run => ({ re, min });
const ANY: Run = { re: /[\s\S]/, min: 1 };
const ANY0: Run = { re: /[\s\S]/, min: 0 };

function lits(s: string): Item[] {
  return [...s].map((c) => ({ pred: { kind: 'lit', c }, star: false }));
}

/** Builds the templates of a format; a `oneOf` part multiplies them. */
function templates(...parts: Part[]): Template[] {
  let out: Item[][] = [[]];
  for (const p of parts) {
    if (typeof p === 'string') out = out.map((t) => [...t, ...lits(p)]);
    else if ('oneOf' in p) out = out.flatMap((t) => p.oneOf.map((s) => [...t, ...lits(s)]));
    else {
      const pred: Pred = p.re === ANY.re ? { kind: 'any' } : { kind: 'class', re: p.re };
      const items: Item[] = p.min === 1 ? [{ pred, star: false }, { pred, star: true }] : [{ pred, star: true }];
      out = out.map((t) => [...t, ...items]);
    }
  }
  return out;
}

/** A condition value as a language: a `StringLike` pattern (`*`, `?`) or a literal string. */
function valueItems(value: string, pattern: boolean): Item[] {
  if (!pattern) return lits(value);
  return [...value].map((c) => (c === '*' ? { pred: { kind: 'any' }, star: true } : c === '?' ? { pred: { kind: 'any' }, star: false } : { pred: { kind: 'lit', c }, star: false }));
}

function compatible(a: Pred, b: Pred, fold: boolean): boolean {
  if (a.kind === 'any' || b.kind === 'any') return true;
  if (a.kind === 'lit' && b.kind === 'lit') return fold ? a.c.toLowerCase() === b.c.toLowerCase() : a.c === b.c;
  if (a.kind === 'lit' && b.kind === 'class') return b.re.test(a.c) || (fold && (b.re.test(a.c.toLowerCase()) || b.re.test(a.c.toUpperCase())));
  if (a.kind === 'class' && b.kind === 'lit') return compatible(b, a, fold);
  return true;
}

/** Is there a string both languages contain? */
function intersects(p: Item[], t: Item[], fold: boolean): boolean {
  const width = t.length + 1;
  const seen = new Set<number>();
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === p.length && j === t.length) return true;
    if (i < p.length && p[i].star) stack.push([i + 1, j]);
    if (j < t.length && t[j].star) stack.push([i, j + 1]);
    if (i < p.length && j < t.length && compatible(p[i].pred, t[j].pred, fold)) {
      stack.push([p[i].star ? i : i + 1, t[j].star ? j : j + 1]);
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The formats.

/**
 * Claims GitHub can put in a customised subject (`include_claim_keys`), each written `<claim>:<value>`;
 * `context` stands for `ref:…`, `environment:…` or `pull_request`.
 */
export const GITHUB_SUBJECT_CLAIMS = [
  'actor',
  'actor_id',
  'base_ref',
  'check_run_id',
  'context',
  'enterprise',
  'enterprise_id',
  'environment',
  'event_name',
  'head_ref',
  'job_workflow_ref',
  'job_workflow_sha',
  'ref',
  'ref_protected',
  'ref_type',
  'repo',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repository_visibility',
  'run_attempt',
  'run_id',
  'run_number',
  'runner_environment',
  'sha',
  'workflow',
  'workflow_ref',
  'workflow_sha',
];

// Owner and repository names (with the immutable `name@id` form); lenient on purpose.
const GH_NAME = /[A-Za-z0-9_.@-]/;
const K8S_NAME = /[A-Za-z0-9._-]/;
const GITLAB_PATH = /[A-Za-z0-9_.\-/]/;
const NO_COLON = /[^:]/;

const OTHER_CLAIMS = GITHUB_SUBJECT_CLAIMS.filter((c) => c !== 'repo' && c !== 'ref');
const GITHUB_TEMPLATES: Template[] = [
  // The default template and the context after `repo:` in a custom one.
  ...templates('repo:', run(GH_NAME), '/', run(GH_NAME), ':ref:refs/', ANY),
  ...templates('repo:', run(GH_NAME), '/', run(GH_NAME), ':environment:', ANY),
  ...templates('repo:', run(GH_NAME), '/', run(GH_NAME), ':pull_request'),
  ...templates('repo:', run(GH_NAME), '/', run(GH_NAME), ':pull_request:', ANY0),
  // `repo` followed by other claims of a custom template.
  ...templates('repo:', run(GH_NAME), '/', run(GH_NAME), ':', { oneOf: OTHER_CLAIMS }, ':', ANY0),
  // Custom templates starting with another claim, or with the context.
  ...templates({ oneOf: OTHER_CLAIMS }, ':', ANY0),
  ...templates('ref:refs/', ANY),
  ...templates('pull_request'),
  ...templates('pull_request:', ANY0),
];

const EKS_TEMPLATES = templates('system:serviceaccount:', run(K8S_NAME), ':', run(K8S_NAME));
const GITLAB_TEMPLATES = templates('project_path:', run(GITLAB_PATH), ':ref_type:', { oneOf: ['branch', 'tag'] }, ':ref:', ANY);
const TERRAFORM_TEMPLATES = [
  ...templates('organization:', run(NO_COLON), ':project:', run(NO_COLON), ':workspace:', run(NO_COLON), ':run_phase:', { oneOf: ['plan', 'apply'] }),
  // HCP Terraform Stacks.
  ...templates('organization:', run(NO_COLON), ':project:', run(NO_COLON), ':stack:', run(NO_COLON), ':deployment:', run(NO_COLON), ':operation:', { oneOf: ['plan', 'apply'] }),
];

export interface SubjectFormat {
  provider: ProviderId;
  /** The shape, for messages (Markdown, with backticks). */
  shape: string;
  templates: Template[];
  /** Why a value that matches no template is wrong, and the value meant, when that is clear. */
  diagnose(value: string, pattern: boolean): Diagnosis;
}

export interface Diagnosis {
  problem: string;
  /** Values that may have been meant, best first; a rule offers the first one that can match. */
  replacements?: string[];
}

const q = (s: string) => `\`${s}\``;
const REPO = String.raw`repo:[^:/]+\/[^:/]+`;

function diagnoseGitHub(v: string, pattern: boolean): Diagnosis {
  if (/^https?:\/\//i.test(v)) {
    const url = /^https?:\/\/(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(v);
    return {
      problem: 'it is a URL, and the subject names the repository as `repo:<owner>/<repo>:…`, without `https://github.com/`',
      replacements: url && pattern ? [`repo:${url[1]}/${url[2]}:*`] : undefined,
    };
  }
  if (/^[\w.*?-]+\/[\w.*?-]+(:|$)/.test(v)) {
    return { problem: 'it lacks the `repo:` prefix that every subject starts with', replacements: pattern ? [`repo:${v}`, `repo:${v}:*`] : [`repo:${v}`] };
  }
  let m = new RegExp(`^(${REPO})$`).exec(v);
  if (m) {
    return {
      problem: `it names the repository but no context, and the subject always goes on with \`:ref:…\`, \`:environment:…\` or \`:pull_request\`, so it is never just ${q(v)}${pattern ? '' : ` (to allow every branch, use \`StringLike\` with ${q(`${v}:*`)})`}`,
      replacements: pattern ? [`${v}:*`] : undefined,
    };
  }
  m = new RegExp(`^(${REPO}):(refs\\/.*)$`).exec(v);
  if (m) return { problem: `the ref needs the \`ref:\` claim name before it (${q(`ref:${m[2]}`)})`, replacements: [`${m[1]}:ref:${m[2]}`] };
  m = new RegExp(`^(${REPO}):((?:heads|tags)\\/.*)$`).exec(v);
  if (m) return { problem: `the ref is written ${q(`ref:refs/${m[2]}`)} in the subject`, replacements: [`${m[1]}:ref:refs/${m[2]}`] };
  m = new RegExp(`^(${REPO}):ref:(?!refs\\/)(.*)$`).exec(v);
  if (m) {
    return {
      problem: `the ref must be a full ref name, \`refs/heads/<branch>\` or \`refs/tags/<tag>\`, not ${q(m[2])}`,
      replacements: m[2] ? [`${m[1]}:ref:refs/heads/${m[2]}`] : undefined,
    };
  }
  m = /^repo:([^:/]*)(?::|$)/.exec(v);
  if (m) return { problem: 'it names an owner but no repository (`repo:<owner>/<repo>:…`)' };
  m = /^repo:[^:]+:([^:]*)/.exec(v);
  if (m) return { problem: `${q(m[1])} is not a subject context: write \`ref:refs/heads/<branch>\`, \`ref:refs/tags/<tag>\`, \`environment:<name>\` or \`pull_request\`` };
  return { problem: 'it does not start with `repo:` (or, for a customised subject template, with a claim name such as `repository_owner_id:`)' };
}

function diagnoseEks(v: string): Diagnosis {
  let m = /^system:serviceaccounts:(.*)$/.exec(v);
  if (m) return { problem: '`system:serviceaccounts:` (plural) names a Kubernetes group, not a service account', replacements: [`system:serviceaccount:${m[1]}`] };
  if (/^serviceaccount:/.test(v)) return { problem: 'it lacks the `system:` prefix', replacements: [`system:${v}`] };
  m = /^system:serviceaccount:([^:]*)$/.exec(v);
  if (m) return { problem: `it names the namespace ${q(m[1])} but no service account` };
  if (/^[a-z0-9-]+:[a-z0-9.-]+$/.test(v)) return { problem: 'it lacks the `system:serviceaccount:` prefix', replacements: [`system:serviceaccount:${v}`] };
  if (/^system:serviceaccount:[^:]*:[^:]*:/.test(v)) return { problem: 'it has more parts than a namespace and a service account' };
  return { problem: 'it is not a service-account subject' };
}

function diagnoseGitLab(v: string, pattern: boolean): Diagnosis {
  if (!v.startsWith('project_path:')) {
    if (/^[\w.*?-]+(\/[\w.*?-]+)+(:|$)/.test(v)) {
      return { problem: 'it lacks the `project_path:` prefix', replacements: pattern ? [`project_path:${v}`, `project_path:${v}:*`] : [`project_path:${v}`] };
    }
    return { problem: 'it does not start with `project_path:`' };
  }
  let m = /^(project_path:[^:]+):ref_type:([^:*?]*)(:.*)?$/.exec(v);
  if (m) {
    const type = /^(heads?|branches)$/i.test(m[2]) ? 'branch' : /^tags?$/i.test(m[2]) ? 'tag' : undefined;
    return {
      problem: `\`ref_type\` is \`branch\` or \`tag\`, not ${q(m[2])}`,
      replacements: type && m[3] !== undefined ? [`${m[1]}:ref_type:${type}${m[3]}`] : undefined,
    };
  }
  m = /^(project_path:[^:]+)$/.exec(v);
  if (m) {
    return {
      problem: 'it names the project but no ref, and the subject always goes on with `:ref_type:<branch|tag>:ref:<ref>`',
      replacements: pattern ? [`${v}:*`] : undefined,
    };
  }
  return { problem: 'its parts are not those of a GitLab subject, in that order' };
}

function diagnoseTerraform(v: string): Diagnosis {
  if (!v.startsWith('organization:')) {
    if (/^org:/.test(v)) return { problem: 'the claim is `organization:`, not `org:`', replacements: [`organization:${v.slice(4)}`] };
    return { problem: 'it does not start with `organization:`' };
  }
  const m = /:run_phase:([^:*?]*)$/.exec(v);
  if (m) return { problem: `\`run_phase\` is \`plan\` or \`apply\`, not ${q(m[1])}` };
  return { problem: 'its parts are not those of an HCP Terraform subject, in that order' };
}

export const SUBJECT_FORMATS: Partial<Record<ProviderId, SubjectFormat>> = {
  github: {
    provider: 'github',
    shape: '`repo:<owner>/<repo>:ref:refs/heads/<branch>` (or `…:ref:refs/tags/<tag>`, `…:environment:<name>`, `…:pull_request`)',
    templates: GITHUB_TEMPLATES,
    diagnose: diagnoseGitHub,
  },
  eks: { provider: 'eks', shape: '`system:serviceaccount:<namespace>:<service-account>`', templates: EKS_TEMPLATES, diagnose: diagnoseEks },
  gitlab: { provider: 'gitlab', shape: '`project_path:<group>/<project>:ref_type:<branch|tag>:ref:<ref>`', templates: GITLAB_TEMPLATES, diagnose: diagnoseGitLab },
  terraform: {
    provider: 'terraform',
    shape: '`organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>`',
    templates: TERRAFORM_TEMPLATES,
    diagnose: diagnoseTerraform,
  },
};

/** Could this value (a `StringLike` pattern when `pattern`) equal a subject of the format? */
export function subjectCanMatch(format: SubjectFormat, value: string, opts: { pattern: boolean; ignoreCase?: boolean }): boolean {
  const items = valueItems(value, opts.pattern);
  return format.templates.some((t) => intersects(items, t, !!opts.ignoreCase));
}

/** `%3A` / `%2F` in a subject: STS compares the decoded claim. */
export function urlDecodedSubject(value: string): string | undefined {
  if (!/%3a|%2f/i.test(value)) return undefined;
  return value.replace(/%3a/gi, ':').replace(/%2f/gi, '/');
}

// ---------------------------------------------------------------------------------------------
// Which provider a condition key belongs to, and the owner a subject names.

/**
 * The provider of a condition key and its claim (lower case). A prefix that is itself a placeholder
 * (`${var.issuer}:sub`) is resolved through the statement's Federated principals when they all
 * belong to one known provider.
 */
export function conditionKeyProvider(key: LString, federated: readonly FederatedPrincipal[]): { provider: ProviderSpec; claim: string } | undefined {
  if (key.unknown) return undefined;
  const split = splitProviderKey(key);
  if (!split) return undefined;
  const claimStart = split.prefix.length + 1;
  if (key.holes?.some(([, b]) => b > claimStart)) return undefined;
  const claim = split.claim.toLowerCase();
  const prefixHoles = key.holes?.some(([a]) => a < split.prefix.length);
  if (!prefixHoles) return { provider: providerForKeyPrefix(split.prefix.toLowerCase()), claim };
  const ids = new Set(
    federated.filter((fp) => (fp.kind === 'oidc' || fp.kind === 'bare') && fp.provider && !(fp.issuerValue?.holes?.length) && keyMatchesIssuer(key, fp)).map((fp) => fp.provider!),
  );
  if (ids.size !== 1) return undefined;
  const [provider] = ids;
  return provider === GENERIC_OIDC ? undefined : { provider, claim };
}

export interface NamedOwner {
  /** The owner as written (GitHub owner without `@id`, GitLab top-level group, HCP Terraform organization). */
  owner: string;
  /** Offsets of the owner in the value. */
  start: number;
  end: number;
}

/**
 * The owner starting at `start`, up to one of `stops` (or the end of the value when `toEnd`); no
 * owner when a wildcard, a `:` or a placeholder comes first.
 */
function ownerAt(v: LString, start: number, stops: string, toEnd = false): NamedOwner | undefined {
  const s = v.value;
  let end = start;
  while (end < s.length && !stops.includes(s[end])) {
    if ('*?:'.includes(s[end])) return undefined;
    end++;
  }
  if (end === start || (end === s.length && !toEnd)) return undefined;
  if (v.holes?.some(([a, b]) => a <= end && b > start)) return undefined;
  return { owner: s.slice(start, end), start, end };
}

/**
 * The owner a subject (or owner-naming claim) value names, when its text says so literally:
 * `repo:<owner>/…`, `repo:<owner>@<id>/…`, `repository_owner:<owner>:…` (GitHub subjects, and the
 * `repository` key's `<owner>/<repo>`),
 * `project_path:<group>/…` (GitLab), `organization:<org>:…` (HCP Terraform). Undefined for other
 * shapes, for owners with wildcards and for owners the file does not determine.
 */
export function subjectOwner(provider: ProviderId, claim: string, v: LString): NamedOwner | undefined {
  if (v.unknown) return undefined;
  const s = v.value;
  const after = (prefix: string, stops: string, toEnd = false) => (s.startsWith(prefix) ? ownerAt(v, prefix.length, stops, toEnd) : undefined);
  switch (provider) {
    case 'github':
      if (claim === 'sub') return after('repo:', '/@') ?? after('repository:', '/') ?? after('repository_owner:', ':', true);
      // `repository_owner` is a claim of the token but not a condition key STS sets.
      if (claim === 'repository') return ownerAt(v, 0, '/');
      return undefined;
    case 'gitlab':
      return claim === 'sub' ? after('project_path:', '/') : undefined;
    case 'terraform':
      return claim === 'sub' ? after('organization:', ':', true) : undefined;
    default:
      return undefined;
  }
}
