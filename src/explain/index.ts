/**
 * `trustlint explain`: evaluates one web-identity token against one role trust policy, offline, the
 * way STS and IAM do, and says which line decides. The public entry point is `explain()`; the CLI
 * (src/cli/explain.ts) only reads files and arguments and prints `renderText` or `renderJson`.
 */
import type { OidcProviderDefinition, PolicyDocument } from '../model/types.js';
import { parseRoleArn, runChecks } from './checks.js';
import { ACTION, buildContext } from './context.js';
import { evaluateStatements, triOf } from './evaluate.js';
import type { DecodedToken } from './token.js';
import type { DecidingPart, Explanation, PartResult, StatementResult, Unresolved, Verdict } from './types.js';
import { list, locate, where } from './util.js';

export type * from './types.js';
export { TokenError, decodeJwt, readToken, looksLikeJwt, type DecodedToken } from './token.js';
export { SelectionError, selectPolicy, type SelectedPolicy } from './select.js';
export { renderJson, renderText } from './render.js';
export { ACTION } from './context.js';

export interface ExplainOptions {
  document: PolicyDocument;
  /** OIDC providers defined in the same file (their client IDs are checked against the token's aud). */
  providers: OidcProviderDefinition[];
  token: DecodedToken;
  now: Date;
  roleArn?: string;
  sessionName?: string;
}

const label = (s: StatementResult) => `${s.index}${s.sid ? ` (${s.sid})` : ''}`;

export function explain(opts: ExplainOptions): Explanation {
  const { document, token, now } = opts;
  const parsedRole = opts.roleArn !== undefined ? parseRoleArn(opts.roleArn) : undefined;
  const role = typeof parsedRole === 'object' ? parsedRole : undefined;
  const context = buildContext(token.claims, { now, sessionName: opts.sessionName, role });
  const checks = runChecks({ token, context, now, roleArn: opts.roleArn, sessionName: opts.sessionName, providers: opts.providers, file: document.file });
  const statements = evaluateStatements({ document, context, claims: token.claims, role });
  const notes = [...context.notes];
  if (document.unknown) notes.push('The statement list is an expression the file does not determine.');
  if (document.kind !== 'trust') notes.push(`This document does not look like a trust policy (no statement allows an sts:AssumeRole* action to a principal); it is evaluated as one anyway.`);

  let denyTrue = false;
  let denyUnknown = document.unknown;
  let allowTrue = false;
  let allowUnknown = document.unknown;
  for (const s of statements) {
    const r = triOf(s.result);
    if (r === 'false') continue;
    if (s.effect === 'Deny') {
      if (r === 'true') denyTrue = true;
      else denyUnknown = true;
    } else if (s.effect === 'Allow') {
      if (r === 'true') allowTrue = true;
      else allowUnknown = true;
    } else if (s.effect === 'unknown') {
      denyUnknown = true;
      allowUnknown = true;
    }
  }
  let policyVerdict: Verdict;
  if (denyTrue) policyVerdict = 'DENIED';
  else if (allowTrue && !denyUnknown) policyVerdict = 'ALLOWED';
  else if (allowTrue || allowUnknown) policyVerdict = 'UNDETERMINED';
  else policyVerdict = 'DENIED';
  const failed = checks.filter((c) => c.result === 'fail');
  const undecidedChecks = checks.filter((c) => c.result === 'unknown');
  const verdict: Verdict = failed.length > 0 ? 'DENIED' : undecidedChecks.length > 0 && policyVerdict === 'ALLOWED' ? 'UNDETERMINED' : policyVerdict;

  const unresolved = dedupe([...statements.flatMap((s) => [s.principal, s.action, ...s.conditions].flatMap((p) => p.unresolved))]);
  const { deciding, summary } = decide(verdict, statements, checks, unresolved, context.issuer, denyTrue);

  const header: Record<string, string> = {};
  for (const f of ['alg', 'kid', 'typ']) {
    const v = token.header?.[f];
    if (typeof v === 'string') header[f] = v;
  }
  const used = new Set(['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'azp', 'amr']);
  for (const e of context.entries.values()) {
    const m = /^claim (.+)$/.exec(e.source);
    if (m) used.add(m[1]);
  }
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(token.claims)) if (used.has(k)) claims[k] = v;
  const policyKeys = new Set(document.statements.flatMap((s) => s.condition?.entries.map((e) => e.key.value.toLowerCase()) ?? []));

  return {
    version: 1,
    verdict,
    summary,
    policy: {
      file: document.file.path,
      resource: document.origin.resource,
      resourceType: document.origin.resourceType,
      format: document.origin.format,
      property: document.origin.property,
      location: locate(document.file, document.range),
    },
    request: {
      action: ACTION,
      issuer: context.issuer,
      provider: { id: context.provider.id, name: context.provider.name },
      roleArn: opts.roleArn,
      roleSessionName: opts.sessionName,
      now: now.toISOString(),
      // The provider's keys first, then the global ones (aws:, sts:); the keys of the network and
      // the client only when a condition of the policy reads them.
      context: [...context.entries.values()].filter((e) => e.source !== 'the request' || policyKeys.has(e.key.toLowerCase())).sort((a, b) => Number(/^(aws|sts):/i.test(a.key)) - Number(/^(aws|sts):/i.test(b.key)) || a.key.localeCompare(b.key)),
    },
    token: {
      form: token.form,
      header: token.form === 'jwt' ? header : undefined,
      signature: token.signature,
      claims,
    },
    checks,
    statements,
    deciding,
    unresolved,
    notes,
  };
}

function dedupe(items: Unresolved[]): Unresolved[] {
  const seen = new Set<string>();
  return items.filter((u) => {
    const k = `${u.text}@${where(u.location)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function parts(s: StatementResult, outcome: PartResult['result']): DecidingPart[] {
  const out: DecidingPart[] = [];
  if (s.principal.result === outcome) out.push({ kind: 'principal', statement: s.index, message: s.principal.message, location: s.principal.location });
  if (s.action.result === outcome) out.push({ kind: 'action', statement: s.index, message: s.action.message, location: s.action.location });
  for (const c of s.conditions) {
    if (c.result !== outcome) continue;
    const detail =
      c.rule === 'compared' && c.expected && Array.isArray(c.actual) && outcome === 'no-match'
        ? `the policy expects ${c.expected.map((v) => JSON.stringify(v)).join(' or ')}, the token carries ${c.actual.map((v) => JSON.stringify(v)).join(', ')}`
        : c.message;
    out.push({ kind: 'condition', statement: s.index, message: `${c.operator} ${c.key}: ${detail}`, location: c.location });
  }
  return out;
}

function decide(
  verdict: Verdict,
  statements: StatementResult[],
  checks: Explanation['checks'],
  unresolved: Unresolved[],
  issuer: string,
  denyTrue: boolean,
): { deciding: DecidingPart[]; summary: string } {
  const failed = checks.filter((c) => c.result === 'fail');
  if (failed.length > 0) {
    return {
      deciding: failed.map((c) => ({ kind: 'check', check: c.id, message: c.message, location: c.location })),
      summary: `DENIED: STS rejects the request before it reads the trust policy: ${failed[0].message}.`,
    };
  }
  if (denyTrue) {
    const denies = statements.filter((s) => s.effect === 'Deny' && s.result === 'match');
    return {
      deciding: denies.map((s) => ({ kind: 'statement', statement: s.index, message: `Deny statement ${label(s)} applies to this token`, location: s.location })),
      summary: `DENIED: statement ${label(denies[0])} (Deny) applies to this token, and an explicit Deny wins.`,
    };
  }
  if (verdict === 'ALLOWED') {
    const allows = statements.filter((s) => s.effect === 'Allow' && s.result === 'match');
    return {
      deciding: allows.map((s) => ({ kind: 'statement', statement: s.index, message: `Allow statement ${label(s)} matches this token`, location: s.location })),
      summary: `ALLOWED: statement ${label(allows[0])} allows ${ACTION} for this token.`,
    };
  }
  if (verdict === 'UNDETERMINED') {
    const deciding: DecidingPart[] = [
      ...checks.filter((c) => c.result === 'unknown').map((c): DecidingPart => ({ kind: 'check', check: c.id, message: c.message, location: c.location })),
      ...statements.filter((s) => s.result === 'unknown').flatMap((s) => {
        const p = parts(s, 'unknown');
        // A statement of one branch of the template's `Fn::If`: the branch is what is not known.
        const branch = s.notes.find((n) => n.includes('branch of the template'));
        return p.length > 0 || !branch ? p : [{ kind: 'statement' as const, statement: s.index, message: `statement ${label(s)} applies to this token, but ${branch.charAt(0).toLowerCase()}${branch.slice(1).replace(/\.$/, '')}`, location: s.location }];
      }),
    ];
    const texts = [...new Set(unresolved.map((u) => u.text))];
    return {
      deciding,
      summary: `UNDETERMINED: the answer depends on ${texts.length > 0 ? `values the file does not determine: ${list(texts, 'and')}` : deciding.length > 0 ? `what is not known offline: ${deciding[0].message}` : 'values the file does not determine'}.`,
    };
  }
  const allows = statements.filter((s) => s.effect === 'Allow' || s.effect === 'unknown');
  if (allows.length === 0) {
    return { deciding: [], summary: `DENIED: the policy has no Allow statement, so every request is implicitly denied.` };
  }
  const relevant = allows.filter((s) => s.principal.result !== 'no-match' && s.action.result !== 'no-match');
  if (relevant.length > 0) {
    const deciding = relevant.flatMap((s) => {
      const p = parts(s, 'no-match');
      return p.length > 0 ? p : [{ kind: 'statement' as const, statement: s.index, message: s.notes.join(' ') || `statement ${label(s)} does not apply`, location: s.location }];
    });
    const first = relevant[0];
    const failing = first.conditions.filter((c) => c.result === 'no-match');
    const what =
      failing.length === 1
        ? `its condition ${failing[0].operator} ${failing[0].key} at ${where(failing[0].location)} does not match`
        : failing.length > 1
          ? `${failing.length} of its conditions do not match (first: ${failing[0].operator} ${failing[0].key} at ${where(failing[0].location)})`
          : 'it does not apply';
    return { deciding, summary: `DENIED: no Allow statement matches this token. Statement ${label(first)} trusts this issuer, but ${what}.` };
  }
  const trusting = allows.filter((s) => s.principal.result !== 'no-match');
  if (trusting.length > 0) {
    return {
      deciding: trusting.flatMap((s) => parts(s, 'no-match').filter((p) => p.kind === 'action')),
      summary: `DENIED: the statements that trust this issuer do not allow ${ACTION}.`,
    };
  }
  return {
    deciding: allows.flatMap((s) => parts(s, 'no-match').filter((p) => p.kind === 'principal')),
    summary: `DENIED: no Allow statement trusts the token's issuer ${issuer}.`,
  };
}
