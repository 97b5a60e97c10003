/**
 * IAM's evaluation of a role trust policy for one AssumeRoleWithWebIdentity request: a statement
 * applies when its principal, its action and every condition match (operators AND, keys AND,
 * values OR); an applicable Deny wins; otherwise an applicable Allow allows; otherwise the request
 * is implicitly denied. Every value the file does not determine makes its piece `unknown`, and
 * the logic is three-valued, so the verdict is UNDETERMINED only when such a value could change it.
 */
import { allOperators, parseOperator } from '../iam/conditions.js';
import { wildcardRegExp } from '../iam/actions.js';
import { parseFederated } from '../iam/providers.js';
import { templateRegExp } from '../model/template.js';
import type { ConditionBlock, ConditionEntry, LString, PolicyDocument, PrincipalBlock, Statement } from '../model/types.js';
import { uniqueEntries } from '../parsers/tree.js';
import { nearest } from '../rule-kit/nearest.js';
import { ACTION, type RequestContext } from './context.js';
import { conditionHints } from './hints.js';
import { and3, evaluateOperator, holeValues, not3, or3, substituteVariables, valueRegExp, type ContextInput, type Rule } from './operators.js';
import type { RoleArn } from './checks.js';
import type { Claims } from './token.js';
import type { ConditionResult, ContextKey, Outcome, PartResult, StatementResult, Tri, Unresolved } from './types.js';
import { list, locate, q, unresolvedParts } from './util.js';

export interface EvaluateInput {
  document: PolicyDocument;
  context: RequestContext;
  claims: Claims;
  role?: RoleArn;
}

const outcome = (t: Tri): Outcome => (t === 'true' ? 'match' : t === 'false' ? 'no-match' : 'unknown');
export const triOf = (o: Outcome): Tri => (o === 'match' ? 'true' : o === 'no-match' ? 'false' : 'unknown');

const hasHoles = (s: { holes?: ReadonlyArray<readonly [number, number]> }) => !!s.holes && s.holes.length > 0;

export function evaluateStatements(input: EvaluateInput): StatementResult[] {
  const { statements } = input.document;
  const results = statements.map((st) => evaluateStatement(st, input));
  // A statement from one branch of an `Fn::If` applies only to the stacks that get that branch:
  // which one a role has depends on the template's parameters, unless every branch applies alike.
  for (let i = 0; i < statements.length; i++) {
    const branch = statements[i].branch;
    if (!branch || results[i].result !== 'match') continue;
    const group = results.filter((_, j) => statements[j].index === statements[i].index && statements[j].branch);
    const sameEither = branch.exhaustive && group.every((r) => r.result === 'match' && r.effect === results[i].effect);
    if (sameEither) continue;
    results[i].result = 'unknown';
    results[i].notes.push(`It is the ${branch.label} branch of the template: it applies only when the template's condition chooses it, which the stack's parameters decide.`);
  }
  return results;
}

function evaluateStatement(st: Statement, input: EvaluateInput): StatementResult {
  const file = input.document.file;
  const location = locate(file, st.range);
  const effect = st.effect?.unknown ? 'unknown' : (st.effect?.value ?? '(none)');
  const notes: string[] = [];
  const base = { index: st.index, sid: st.sid && !st.sid.unknown ? st.sid.value : undefined, effect, location };
  if (st.unknown) {
    const part: PartResult = { result: 'unknown', message: 'the statement is an expression the file does not determine', hints: [], unresolved: [], location };
    return { ...base, result: 'unknown', principal: part, action: part, conditions: [], notes };
  }
  if (st.effect && !st.effect.unknown && st.effect.value !== 'Allow' && st.effect.value !== 'Deny') {
    notes.push(`Effect ${q(st.effect.value)} is neither "Allow" nor "Deny" (case-sensitive): IAM refuses the policy.`);
  } else if (!st.effect) {
    notes.push('The statement has no Effect: IAM refuses the policy.');
  }
  if (st.resource || st.notResource) notes.push('A trust policy statement takes no Resource: IAM refuses it with MalformedPolicyDocument.');
  const principal = evaluatePrincipal(st, input);
  const action = evaluateAction(st, input);
  const conditions = st.condition ? evaluateConditions(st.condition, input, notes) : [];
  const structural = st.condition && structuralUnknown(st.condition);
  if (structural) notes.push('Part of the Condition block is an expression the file does not determine.');
  let result = and3([triOf(principal.result), triOf(action.result), ...conditions.map((c) => triOf(c.result)), ...(structural ? (['unknown'] as Tri[]) : [])]);
  if (notes.some((n) => n.includes('refuses the policy'))) result = 'false';
  return { ...base, result: outcome(result), principal, action, conditions, notes };
}

// ---------------------------------------------------------------- principal

function evaluatePrincipal(st: Statement, input: EvaluateInput): PartResult {
  const block = st.principal ?? st.notPrincipal;
  const file = input.document.file;
  if (!block) {
    return {
      result: 'no-match',
      message: 'the statement has no Principal: in a trust policy nothing matches without one',
      hints: ['Add `Principal: {Federated: <OIDC provider ARN>}`.'],
      unresolved: [],
      location: locate(file, st.range),
    };
  }
  const r = principalBlock(block, input);
  if (st.principal) return r;
  return {
    ...r,
    result: outcome(not3(triOf(r.result))),
    message: `NotPrincipal: ${r.result === 'match' ? 'the token\'s identity is listed, so the statement does not apply to it' : 'the token\'s identity is not listed, so the statement applies to it'}`,
  };
}

interface ValueMatch {
  tri: Tri;
  source: LString;
  message: string;
  hints: string[];
}

function principalBlock(block: PrincipalBlock, input: EvaluateInput): PartResult {
  const { context } = input;
  const file = input.document.file;
  const matches: ValueMatch[] = [];
  if (block.wildcard) {
    const w = block.wildcard;
    if (w.unknown) matches.push({ tri: 'unknown', source: w, message: `Principal ${w.value} is not determined by the file`, hints: [] });
    else if (w.value === '*') {
      matches.push({ tri: 'true', source: w, message: 'Principal "*" matches every caller, this token too', hints: ['`"Principal": "*"` lets any web identity in that the conditions let through: make sure they pin the issuer, audience and subject.'] });
    } else matches.push({ tri: 'false', source: w, message: `Principal ${q(w.value)} is not a principal IAM knows`, hints: [] });
  }
  for (const entry of block.entries) {
    const type = entry.type.value;
    for (const v of entry.values.items) {
      if (type === 'Federated') matches.push(federated(v, input));
      else if (type === 'AWS' && v.value === '*' && !v.unknown) {
        matches.push({ tri: 'true', source: v, message: '`{"AWS": "*"}` is the same as `"Principal": "*"`: it matches every caller, this token too', hints: [] });
      } else if (v.unknown) {
        matches.push({ tri: 'unknown', source: v, message: `${type} principal ${v.value} is not determined by the file`, hints: [] });
      } else {
        const hint =
          type.toLowerCase() === 'federated'
            ? `Principal types are case-sensitive: write \`Federated\`, not \`${type}\`.`
            : `A web-identity token is matched only by a \`Federated\` principal naming its provider (\`arn:aws:iam::<account>:oidc-provider/${context.issuer}\`${context.provider.bare ? ` or \`${context.issuer}\`` : ''}); \`${type}\` principals are AWS accounts, roles and services.`;
        matches.push({ tri: 'false', source: v, message: `${type} ${q(v.value)} is not a web identity`, hints: [hint] });
      }
    }
    if (entry.values.unknown && entry.values.items.every((i) => !i.unknown)) {
      matches.push({ tri: 'unknown', source: entry.type, message: `part of the ${type} list is not determined by the file`, hints: [] });
    }
  }
  if (block.unknown && matches.length === 0) {
    return { result: 'unknown', message: 'the Principal is an expression the file does not determine', hints: [], unresolved: [], location: locate(file, block.range) };
  }
  if (matches.length === 0) {
    return { result: 'no-match', message: 'the Principal names nobody', hints: ['Add `Federated: <OIDC provider ARN>`.'], unresolved: [], location: locate(file, block.range) };
  }
  const result = or3(matches.map((m) => m.tri));
  const decisive = matches.find((m) => m.tri === result) ?? matches[0];
  const relevant = result === 'true' ? [decisive] : matches;
  const unresolved = matches.filter((m) => m.tri === 'unknown').flatMap((m) => unresolvedParts(m.source, file));
  const hints = [...new Set(relevant.flatMap((m) => m.hints))];
  return {
    result: outcome(result),
    message: result === 'true' ? decisive.message : relevant.map((m) => m.message).join('; '),
    expected: matches.map((m) => m.source.value),
    actual: [context.issuerUrl],
    location: locate(file, decisive.source.range),
    hints,
    unresolved,
  };
}

/** Host case-insensitive, path case-sensitive. */
function sameIssuer(a: string, b: string): boolean {
  const split = (s: string) => {
    const i = s.indexOf('/');
    return i < 0 ? [s.toLowerCase(), ''] : [s.slice(0, i).toLowerCase(), s.slice(i)];
  };
  const [ha, pa] = split(a);
  const [hb, pb] = split(b);
  return ha === hb && pa === pb;
}

function federated(v: LString, input: EvaluateInput): ValueMatch {
  const { context, role } = input;
  const fp = parseFederated(v);
  const issuer = context.issuer;
  // An ARN with a defect besides its issuer (the account id) is refused like a malformed one.
  switch (fp.problem && fp.kind !== 'saml' ? 'malformed' : fp.kind) {
    case 'unknown':
      return { tri: 'unknown', source: v, message: `Federated ${v.value} is not determined by the file`, hints: [] };
    case 'saml':
      return { tri: 'false', source: v, message: `Federated ${q(v.value)} is a SAML provider`, hints: ['SAML providers serve sts:AssumeRoleWithSAML; a web-identity token needs an `oidc-provider/` ARN.'] };
    case 'malformed': {
      const names = fp.issuer && sameIssuer(fp.issuer, issuer);
      const hints = [fp.problem ? `${fp.problem.charAt(0).toUpperCase()}${fp.problem.slice(1)}${fp.replacement ? `: write \`${fp.replacement}\`` : ''}.` : ''].filter(Boolean);
      return { tri: 'false', source: v, message: `Federated ${q(v.value)} ${names ? 'names this issuer but ' : ''}is not a valid provider principal`, hints };
    }
    case 'bare': {
      const ok = fp.issuer === issuer.toLowerCase();
      return {
        tri: ok ? 'true' : 'false',
        source: v,
        message: ok ? `Federated ${q(v.value)} is the token's issuer` : `Federated ${q(v.value)} is not the token's issuer ${q(context.issuerUrl)}`,
        hints: ok ? [] : [issuerMismatchHint(fp.issuer ?? v.value, input)],
      };
    }
    case 'oidc': {
      const iv = fp.issuerValue!;
      let tri: Tri;
      if (!hasHoles(iv)) tri = sameIssuer(iv.value, issuer) ? 'true' : 'false';
      else tri = templateRegExp(iv).test(issuer) ? 'unknown' : 'false';
      if (tri === 'false') {
        return { tri, source: v, message: `Federated ${q(v.value)} trusts ${q(iv.value)}, not the token's issuer ${q(issuer)}`, hints: [issuerMismatchHint(iv.value, input)] };
      }
      if (role) {
        const m = /^arn:([^:]*):iam::([^:]*):/.exec(v.value);
        const holeAt = (i: number) => (v.holes ?? []).some(([a, b]) => i >= a && i < b);
        if (m) {
          const partitionAt = 4;
          const accountAt = 4 + m[1].length + ':iam::'.length;
          if (!holeAt(accountAt) && m[2] !== role.account) {
            return {
              tri: 'false',
              source: v,
              message: `Federated ${q(v.value)} is a provider in the account ${m[2]}, but the role is in ${role.account}`,
              hints: [`STS looks for the OIDC provider in the role's own account: create the provider in ${role.account} and trust \`arn:${role.partition}:iam::${role.account}:oidc-provider/${issuer}\`.`],
            };
          }
          if (!holeAt(partitionAt) && m[1] !== role.partition) {
            return { tri: 'false', source: v, message: `Federated ${q(v.value)} is in the partition ${m[1]}, the role in ${role.partition}`, hints: [] };
          }
        }
      }
      return {
        tri,
        source: v,
        message: tri === 'true' ? `Federated ${q(v.value)} is the provider of the token's issuer` : `Federated ${q(v.value)} may or may not be the token's provider: part of it is not determined by the file`,
        hints: [],
      };
    }
  }
}

function issuerMismatchHint(trusted: string, input: EvaluateInput): string {
  const { context } = input;
  const issuer = context.issuer;
  const eks = /^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/id\/([^/]+)$/i;
  const a = eks.exec(trusted);
  const b = eks.exec(issuer);
  if (a && b) {
    return `Each EKS cluster has its own issuer: the token comes from the cluster ${b[2]} (${b[1]}), the statement trusts ${a[2]} (${a[1]}). Trust the provider of the pod's cluster (\`aws eks describe-cluster --query cluster.identity.oidc.issuer\`).`;
  }
  if (trusted.replace(/\/$/, '').toLowerCase() === issuer.replace(/\/$/, '').toLowerCase()) {
    return `The provider and the token's issuer differ by a trailing \`/\`: IAM matches the issuer exactly (without https://).`;
  }
  if (/^token\.actions\.githubusercontent\.com/i.test(trusted) && /^token\.actions\.githubusercontent\.com/i.test(issuer)) {
    return `GitHub Enterprise Cloud can give an enterprise its own issuer (\`token.actions.githubusercontent.com/<enterprise>\`): this token comes from \`${issuer}\`. Register and trust a provider for that issuer.`;
  }
  return `The token was issued by \`${issuer}\`; this statement trusts \`${trusted}\`. Trust \`${context.provider.bare ? issuer : `arn:aws:iam::<account>:oidc-provider/${issuer}`}\` for this token.`;
}

// ---------------------------------------------------------------- action

function actionMatches(a: LString): Tri {
  if (a.unknown) return 'unknown';
  if (hasHoles(a)) return valueRegExp(a, true, true).test(ACTION) ? 'unknown' : 'false';
  return wildcardRegExp(a.value).test(ACTION) ? 'true' : 'false';
}

function evaluateAction(st: Statement, input: EvaluateInput): PartResult {
  const file = input.document.file;
  const listed = st.action ?? st.notAction;
  if (!listed) {
    return { result: 'no-match', message: 'the statement has no Action: IAM refuses such a statement', hints: [`Add \`Action: ${ACTION}\`.`], unresolved: [], location: locate(file, st.range) };
  }
  const results = listed.items.map(actionMatches);
  const any = or3([...results, ...(listed.unknown ? (['unknown'] as Tri[]) : [])]);
  const unresolved = listed.items.filter((_, i) => results[i] === 'unknown').flatMap((i) => unresolvedParts(i, file));
  const values = listed.items.map((i) => i.value);
  const hit = listed.items.find((_, i) => results[i] === 'true');
  if (st.action) {
    const hints: string[] = [];
    if (any === 'false') {
      if (values.some((v) => /^sts:AssumeRole$/i.test(v))) hints.push('`sts:AssumeRole` is another API: a web-identity token calls `sts:AssumeRoleWithWebIdentity`, which the trust policy must allow.');
      else if (values.some((v) => /^sts:AssumeRoleWithSAML$/i.test(v))) hints.push('`sts:AssumeRoleWithSAML` is for SAML assertions; OIDC tokens need `sts:AssumeRoleWithWebIdentity`.');
      else hints.push(`Add \`${ACTION}\` to the Action list.`);
    }
    return {
      result: outcome(any),
      message:
        any === 'true'
          ? `Action ${q(hit!.value)} ${hit!.value.toLowerCase() === ACTION.toLowerCase() ? 'is' : 'covers'} ${ACTION}`
          : any === 'false'
            ? values.length === 0
              ? `Action is empty: it covers nothing`
              : `Action ${list(values)} does not cover ${ACTION}`
            : `whether Action covers ${ACTION} depends on values the file does not determine`,
      expected: values,
      actual: [ACTION],
      location: locate(file, (hit ?? listed).range),
      hints,
      unresolved,
    };
  }
  const result = not3(any);
  return {
    result: outcome(result),
    message:
      result === 'true'
        ? `NotAction ${list(values)} does not exclude ${ACTION}, so the statement covers it`
        : result === 'false'
          ? `NotAction ${q(hit!.value)} excludes ${ACTION}`
          : `whether NotAction excludes ${ACTION} depends on values the file does not determine`,
    expected: values,
    actual: [ACTION],
    location: locate(file, (hit ?? listed).range),
    hints: result === 'false' ? [`Remove \`${hit!.value}\` from NotAction, or list the actions in Action instead.`] : [],
    unresolved,
  };
}

// ---------------------------------------------------------------- conditions

const isIntrinsic = (n: { type: string; entries?: Array<{ key: string }> }) =>
  n.type === 'object' && n.entries!.length === 1 && (n.entries![0].key === 'Ref' || n.entries![0].key.startsWith('Fn::'));

/** True when part of the block (not just one entry's key or values) is an unresolved expression. */
function structuralUnknown(block: ConditionBlock): boolean {
  if (!block.unknown) return false;
  const n = block.node;
  if (block.path[block.path.length - 1] === 'condition') {
    // Terraform `condition` blocks: one entry each, unless the block could not be read.
    return block.entries.length < (n.type === 'array' ? n.items.length : 1);
  }
  if (n.type !== 'object' || isIntrinsic(n)) return true;
  return n.entries.some((op) => op.value.type !== 'object' || isIntrinsic(op.value));
}

/** The entries IAM reads: of repeated operators or repeated keys, only the last (and a note says so). */
function effectiveEntries(block: ConditionBlock, notes: string[]): ConditionEntry[] {
  const n = block.node;
  if (n.type !== 'object' || block.path[block.path.length - 1] === 'condition') return block.entries;
  const opWinners = new Set(uniqueEntries(n).map((e) => e.keyRange.start));
  const repeated = n.entries.filter((e) => !opWinners.has(e.keyRange.start)).map((e) => e.key);
  const keyLosers = new Set<number>();
  for (const op of n.entries) {
    if (!opWinners.has(op.keyRange.start) || op.value.type !== 'object') continue;
    const winners = new Set(uniqueEntries(op.value).map((e) => e.keyRange.start));
    for (const k of op.value.entries) {
      if (winners.has(k.keyRange.start)) continue;
      keyLosers.add(k.keyRange.start);
      repeated.push(`${op.key} ${k.key}`);
    }
  }
  if (repeated.length > 0) {
    notes.push(`The Condition block repeats ${list([...new Set(repeated)], 'and')}: IAM keeps only the last of repeated keys, so the earlier ${repeated.length > 1 ? 'ones are' : 'one is'} ignored.`);
  }
  return block.entries.filter((e) => opWinners.has(e.operator.range.start) && !keyLosers.has(e.key.range.start));
}

function evaluateConditions(block: ConditionBlock, input: EvaluateInput, notes: string[]): ConditionResult[] {
  return effectiveEntries(block, notes).map((e) => evaluateCondition(e, input));
}

function lookup(key: LString, context: RequestContext): { entry?: ContextKey; input: ContextInput; undecidedKey: boolean } {
  if (key.unknown) return { input: { unknown: true }, undecidedKey: true };
  if (hasHoles(key)) {
    const re = templateRegExp(key);
    const candidates = [...context.entries.values()].filter((e) => re.test(e.key));
    if (candidates.length === 0) return { input: {}, undecidedKey: false };
    return { input: { unknown: true }, undecidedKey: true };
  }
  const entry = context.entries.get(key.value.toLowerCase());
  if (!entry) return { input: {}, undecidedKey: false };
  if (entry.unknown) return { entry, input: { unknown: true }, undecidedKey: false };
  return { entry, input: { values: entry.values }, undecidedKey: false };
}

function evaluateCondition(e: ConditionEntry, input: EvaluateInput): ConditionResult {
  const { context } = input;
  const file = input.document.file;
  const opText = e.operator.value;
  const key = e.key;
  const location = locate(file, key.range);
  const expected = e.values.items.map((i) => i.value);
  const unresolved: Unresolved[] = [
    ...(e.operator.unknown || hasHoles(e.operator) ? unresolvedParts(e.operator, file) : []),
    ...(key.unknown || hasHoles(key) ? unresolvedParts(key, file) : []),
    ...e.values.items.filter((i) => i.unknown || hasHoles(i)).flatMap((i) => unresolvedParts(i, file)),
  ];
  if (e.values.unknown && e.values.items.every((i) => !i.unknown)) unresolved.push({ text: 'the value list', location: locate(file, e.values.range) });
  const base = { operator: opText, key: key.value, expected, location, unresolved };
  if (e.operator.unknown || hasHoles(e.operator)) {
    return { ...base, result: 'unknown', rule: 'context-unknown', message: `the operator ${opText} is not determined by the file`, actual: undefined, hints: [] };
  }
  const op = parseOperator(opText);
  const { entry, input: ctxInput, undecidedKey } = lookup(key, context);
  const actual = ctxInput.values ? ctxInput.values : ctxInput.unknown ? undefined : null;
  if (!op.valid) {
    const near = nearest(opText, allOperators());
    return {
      ...base,
      result: 'no-match',
      rule: 'invalid-operator',
      message: `${q(opText)} is not an IAM condition operator: IAM refuses such a policy (MalformedPolicyDocument)`,
      actual,
      hints: [
        near ? `Did you mean \`${near}\`?` : 'Operators are case-sensitive: StringEquals, StringLike, ForAnyValue:StringLike, ...',
        ...(actual === null ? conditionHints({ op: parseOperator('StringEquals'), key: key.value, context, expected: e.values.items, rule: 'key-absent', result: 'false', claims: input.claims }) : []),
      ],
    };
  }
  // Policy variables: put in from the request (Version 2012-10-17), or plain text (no Version).
  const versioned = input.document.version?.value === '2012-10-17';
  const values = e.values.items.map((pv) => substituteVariables(pv, versioned, op.pattern, (k) => {
    const found = lookup({ value: k, range: key.range, path: key.path, node: key.node }, context);
    return found.undecidedKey || found.input.unknown || found.entry?.multiValued ? undefined : found.input.values;
  }) ?? pv);
  const out = evaluateOperator(op, ctxInput, values, e.values.unknown);
  const rule: Rule = undecidedKey ? 'context-unknown' : out.rule;
  const result = outcome(out.result);
  const hints =
    result === 'unknown' && rule === 'context-unknown'
      ? entry?.unknown
        ? [`The value of \`${entry.key}\` is not known offline: ${entry.unknown}.`]
        : []
      : conditionHints({ op, key: key.value, context, entry, expected: e.values.items, rule, result: out.result, claims: input.claims });
  if (op.qualifier === 'ForAllValues' && !op.negated && out.result === 'false' && out.matched.length > 0) {
    hints.unshift(`ForAllValues needs every value of \`${entry?.key ?? key.value}\` to match one of the policy's; to need one of them, write \`ForAnyValue:${op.base}${op.ifExists ? 'IfExists' : ''}\`.`);
  }
  if (result === 'unknown' && rule === 'compared' && !op.negated && op.base.startsWith('String') && ctxInput.values) {
    for (const pv of e.values.items) {
      for (const v of ctxInput.values) {
        const fills = holeValues(pv, v, op.pattern);
        if (!fills) continue;
        const names = (pv.holes ?? []).map(([a, b]) => pv.value.slice(a, b));
        hints.push(`It matches if ${names.map((n, i) => `${n} is ${q(fills[i])}`).join(' and ')}: compare with the value the stack or workspace was deployed with.`);
      }
    }
  }
  return { ...base, result, rule, message: conditionMessage(opText, op.negated, key.value, entry, rule, out.result, out.matched, op.qualifier === 'ForAllValues'), actual, hints };
}

const shown = (v: string[]) => (v.length === 1 ? q(v[0]) : `[${v.map(q).join(', ')}]`);

function conditionMessage(opText: string, negated: boolean, key: string, entry: ContextKey | undefined, rule: Rule, result: Tri, matched: string[], forAll = false): string {
  const k = `\`${entry?.key ?? key}\``;
  switch (rule) {
    case 'key-absent':
      return `the request has no ${k}: a condition on an absent key is false`;
    case 'key-absent-negated':
      return `the request has no ${k}: a negated operator is true for an absent key`;
    case 'key-absent-if-exists':
      return `the request has no ${k}: ${opText} is true for an absent key`;
    case 'for-all-values-empty':
      return `the request has no ${k}: ForAllValues is true for an empty set`;
    case 'for-any-value-empty':
      return `the request has no ${k}: ForAnyValue is false for an empty set`;
    case 'null-check':
      return `${k} is ${entry && entry.values.length > 0 ? 'present' : 'absent'} in the request, so the Null check is ${result}`;
    case 'single-operator-multivalued':
      return `${k} holds ${entry?.values.length ?? 0} values, and ${opText} compares a single value`;
    case 'context-unknown':
      return entry?.unknown ? `${k} is not known offline (${entry.unknown})` : `whether the request has ${k} depends on values the file does not determine`;
    case 'invalid-operator':
      return `${q(opText)} is not an IAM condition operator`;
    case 'compared':
      if (result === 'unknown') return `whether ${k} matches depends on values the file does not determine`;
      if (negated) return result === 'true' ? `${k} is none of the listed values` : `${k} is one of the listed values, and ${opText} is negated`;
      if (result === 'true') return `${k} = ${shown(matched.length > 0 ? matched : (entry?.values ?? []))} matches`;
      if (forAll && matched.length > 0) {
        // Some values match: ForAllValues fails on the others.
        const failing = (entry?.values ?? []).filter((v) => !matched.includes(v));
        return `${k} also holds ${shown(failing)}, which ${failing.length === 1 ? 'matches' : 'match'} none of the policy's values, and ForAllValues needs every value to match one`;
      }
      return `${k} = ${shown(entry?.values ?? [])} matches none of the policy's values`;
  }
}
