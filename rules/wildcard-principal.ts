import {
  defineRule,
  fillHoles,
  isAllow,
  isLiteral,
  parseOperator,
  statementName,
  wildcardRegExp,
  type ConditionEntry,
  type LString,
  type PolicyDocument,
  type Statement,
} from '../src/rule-kit/index.js';
import { iamWildcardSource } from '../src/model/template.js';

/** Global keys whose positive match limits who the caller (or the calling service's source) can be. */
const CALLER_KEYS = new Set(
  [
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:VpcSourceIp',
    'aws:userid',
    // Not `aws:username` (any account can have a user of that name) nor `aws:CalledVia` (it names
    // the service that forwarded the call, not whose credentials these are).
    'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList',
    // KMS key policies: AWS's documented pattern for `"AWS": "*"` limited to one account's callers.
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);
/** Only meaningful in a role trust policy: the external id the caller must pass to AssumeRole. */
const TRUST_KEYS = new Set(['sts:externalid']);
const IP_KEYS = new Set(['aws:sourceip', 'aws:vpcsourceip']);
/** Exact identifiers: a wildcard anywhere in one (`o-*`, `vpce-*`, `1111*`) lets in others. */
const ID_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid', 'aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner', 'aws:sourcevpc', 'aws:sourcevpce', 'kms:calleraccount', 'aws:userid']);
/** Organization paths: the organization id, their first segment, must be exact. */
const PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);

const ASSUME_ROLE = 'sts:AssumeRole';

const allWild = (s: string) => /^[*?]*$/.test(s);
const WILD_CHAR = /[*?]/;

/** Does this one condition value pin the caller down, or could anyone match it? */
function restrictingValue(key: string, v: LString): boolean {
  // A value the file does not determine (`!GetAtt Topic.Arn`, `!ImportValue ...`): never the reason
  // for a finding.
  if (v.unknown) return true;
  // A placeholder (`${AWS::AccountId}`) stands for one specific value.
  const text = fillHoles(v, 'x').trim();
  if (allWild(text)) return false;
  if (IP_KEYS.has(key)) return !/^(0\.0\.0\.0\/0|::\/0|::0\/0)$/.test(text);
  if (ID_KEYS.has(key)) return !WILD_CHAR.test(text);
  if (PATH_KEYS.has(key)) return !WILD_CHAR.test(text.split('/')[0]);
  if (ARN_KEYS.has(key)) {
    const parts = text.split(':');
    // A pattern that stops before the account (`arn:aws:*`, `arn:aws:iam::*`, `*:root`) is anyone's.
    if (WILD_CHAR.test(text) && (parts.length < 6 || parts[0] !== 'arn')) return false;
    if (parts.length >= 6) {
      const resource = parts.slice(5).join(':');
      // A bucket's ARN has no region or account (`arn:aws:s3:::bucket`): bucket names are global,
      // so `arn:aws:s3:*:*:bucket` (AWS's own example for event notifications) is one bucket.
      if (parts[2] === 's3' && !/^(accesspoint|job|storage-lens|async-request)\//.test(resource)) return !WILD_CHAR.test(resource.split('/')[0]) && resource !== '';
      // `arn:aws:iam::*:role/x`: any account can create such a role.
      if (/[*?]/.test(parts[4])) return false;
      if (parts[4] === '' && allWild(parts.slice(5).join(':'))) return false;
    }
  }
  return true;
}

function restricts(entry: ConditionEntry, kind: PolicyDocument['kind']): boolean {
  const key = entry.key.value.toLowerCase();
  if (!isLiteral(entry.key) || !(CALLER_KEYS.has(key) || (kind === 'trust' && TRUST_KEYS.has(key)))) return false;
  const op = parseOperator(entry.operator.value);
  // `...IfExists` and `ForAllValues:` pass when the key is absent (anonymous and service callers).
  if (!op.valid || op.negated || op.ifExists || op.qualifier === 'ForAllValues') return false;
  const stringLike = /^(String|Arn)/.test(op.base);
  const ip = op.base === 'IpAddress' && IP_KEYS.has(key);
  if (!stringLike && !ip) return false;
  // A list the file does not determine (`!Ref SourceArns`) is not judged; the values it shows are.
  if (entry.values.items.length === 0) return entry.values.unknown;
  return entry.values.items.every((v) => restrictingValue(key, v));
}

/** The `*` values that open the statement to every principal. */
function wildcards(st: Statement): LString[] {
  const p = st.principal;
  if (!p) return [];
  const out: LString[] = [];
  if (p.wildcard && isLiteral(p.wildcard) && p.wildcard.value === '*') out.push(p.wildcard);
  for (const e of p.entries) {
    if (e.type.value !== 'AWS') continue;
    for (const v of e.values.items) if (isLiteral(v) && v.value === '*') out.push(v);
  }
  return out;
}

/** Does the statement allow sts:AssumeRole? Undefined when its actions cannot be seen. */
function allowsAssumeRole(st: Statement): boolean | undefined {
  const list = st.action ?? st.notAction;
  if (!list || (st.action && st.notAction)) return undefined;
  if (list.unknown || list.items.some((a) => !isLiteral(a))) return undefined;
  const hit = list.items.some((a) => wildcardRegExp(a.value).test(ASSUME_ROLE));
  return st.action ? hit : !hit;
}

function describeActions(st: Statement): string {
  const list = st.action ?? st.notAction;
  if (!list || list.unknown || list.items.some((a) => !isLiteral(a)) || list.items.length === 0) return 'its actions';
  const shown = list.items.slice(0, 3).map((a) => `\`${a.value}\``);
  const more = list.items.length > 3 ? ` and ${list.items.length - 3} more` : '';
  return st.action ? `${shown.join(', ')}${more}` : `every action except ${shown.join(', ')}${more}`;
}

/** Keys a Deny-everyone-outside guard names: the caller's organization, account or network. */
const GUARD_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount', 'aws:sourceorgid', 'aws:sourceaccount', 'aws:sourcevpce', 'aws:sourcevpc']);

/**
 * Is this a Deny statement that refuses every principal outside one organization, account or
 * network (`"Principal": "*"`, `StringNotEquals` on `aws:PrincipalOrgID`, `NotIpAddress` on
 * `aws:SourceIp`) — AWS's data-perimeter pattern, and API Gateway's documented IP allow-list? A
 * negated operator without `IfExists` denies callers that lack the key too.
 */
function perimeterDeny(st: Statement): boolean {
  if (st.unknown || !st.effect || !isLiteral(st.effect) || st.effect.value !== 'Deny' || wildcards(st).length === 0) return false;
  if (!st.condition || st.condition.unknown || st.condition.entries.length === 0) return false;
  return st.condition.entries.every((e) => {
    const op = parseOperator(e.operator.value);
    if (!isLiteral(e.key) || !op.valid || !op.negated || op.ifExists || op.qualifier) return false;
    const key = e.key.value.toLowerCase();
    const ip = IP_KEYS.has(key) && op.base === 'NotIpAddress';
    if (!ip && !(GUARD_KEYS.has(key) && /^String/.test(op.base))) return false;
    if (e.values.unknown || e.values.items.length === 0) return false;
    return e.values.items.every((v) => !v.unknown && restrictingValue(key, v));
  });
}

/** Every literal value of `inner` is matched by a pattern of `outer` (IAM wildcards; case-insensitive for actions). */
function covered(inner: Statement['action'], outer: Statement['action'], ignoreCase: boolean): boolean {
  if (!inner || !outer || inner.unknown || outer.unknown || inner.items.length === 0) return false;
  if (inner.items.some((v) => !isLiteral(v)) || outer.items.some((v) => !isLiteral(v))) return false;
  const patterns = outer.items.map((o) => (ignoreCase ? wildcardRegExp(o.value) : new RegExp(`^${iamWildcardSource(o.value)}$`)));
  return inner.items.every((v) => patterns.some((re) => re.test(v.value)));
}

/** Does a perimeter Deny of the document refuse everyone outside for all of this statement's actions and resources? */
function guardedByDeny(st: Statement, doc: PolicyDocument): boolean {
  if (!st.action) return false;
  return doc.statements.some(
    (d) => d !== st && perimeterDeny(d) && covered(st.action, d.action, true) && (d.resource?.items.some((r) => isLiteral(r) && r.value === '*') || covered(st.resource, d.resource, false)),
  );
}

export default defineRule({
  meta: {
    id: 'wildcard-principal',
    description: 'A trust or resource policy must not allow every AWS principal (`"Principal": "*"`) without a condition that limits the caller.',
    defaultSeverity: 'error',
    securitySeverity: 9.5,
    fix: 'none',
    hasSuggestions: false,
    tags: ['trust-policy', 'resource-policy', 'security'],
    messages: {
      trust:
        'The {{statement}} trusts `{{principal}}` with sts:AssumeRole and no condition that limits the caller: anyone in any AWS account can assume this role and use its permissions. Name the principal you trust instead (an account or role ARN such as `arn:aws:iam::111122223333:role/deployer`), or keep `*` only with a condition on `aws:PrincipalOrgID` or `aws:PrincipalArn`.',
      resource:
        'The {{statement}} grants {{actions}} to `{{principal}}` with no condition that limits the caller: anyone in any AWS account (and anonymous callers, where the service allows them) can act on this resource. Name the principal you trust instead (an account or role ARN such as `arn:aws:iam::111122223333:role/app`), or add a condition on `aws:PrincipalOrgID` or `aws:SourceAccount`.',
    },
  },
  create(ctx) {
    return {
      Statement(st, doc) {
        if (st.unknown || !isAllow(st) || (doc.kind !== 'trust' && doc.kind !== 'resource')) return;
        const stars = wildcards(st);
        if (stars.length === 0) return;
        if (st.condition) {
          if (st.condition.unknown) return;
          if (st.condition.entries.some((e) => restricts(e, doc.kind))) return;
        }
        if (doc.kind === 'trust' && allowsAssumeRole(st) !== true) return;
        // A Deny of everyone outside the organization (or account) elsewhere in the policy limits it.
        if (guardedByDeny(st, doc)) return;
        for (const star of stars) {
          const principal = star === st.principal?.wildcard ? '*' : 'AWS: *';
          ctx.report({
            node: star,
            messageId: doc.kind === 'trust' ? 'trust' : 'resource',
            data: { statement: statementName(st), principal, actions: describeActions(st) },
          });
        }
      },
    };
  },
});
