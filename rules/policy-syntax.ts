import {
  defineRule,
  isAllow,
  isLiteral,
  isTerraformDocumentData,
  nearest,
  PRINCIPAL_TYPES,
  statementName,
  type LString,
  type Path,
  type PolicyDocument,
  type PrincipalBlock,
  type Statement,
} from '../src/rule-kit/index.js';

const TOP_LEVEL = ['Version', 'Id', 'Statement'];
const ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const ELEMENT_SET = new Set(ELEMENTS);
const PRINCIPAL_ELEMENTS = ['Principal', 'NotPrincipal'];
const RESOURCE_ELEMENTS = ['Resource', 'NotResource'];
/**
 * What an `AWS` principal can be: `*`, an account id, an IAM or STS ARN of an account (or AWS's own:
 * `arn:aws:iam::cloudfront:user/...`), or the unique id IAM writes in place of a deleted user or role
 * (`AROA...`, `AIDA...`).
 */
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):(iam|sts)::(\d{12}|aws|cloudfront):\S.*|A[A-Z0-9]{15,127})$/;

const CURRENT = '2012-10-17';
const OUTDATED = '2008-10-17';

interface Anchor {
  range: { start: number; end: number };
  path: Path;
}

type StatementElement = Statement['elements'][number];

/**
 * A policy variable (`${aws:username}`, `${token.actions.githubusercontent.com:sub}`, `${*}`) written
 * as text — not a hole standing for a template expression.
 */
function policyVariable(s: LString | undefined): string | undefined {
  if (!s || s.unknown) return undefined;
  const re = /\$\{([^}]*)\}/g;
  for (let m = re.exec(s.value); m; m = re.exec(s.value)) {
    const start = m.index;
    const end = start + m[0].length;
    if (s.holes?.some(([a, b]) => start < b && end > a)) continue;
    if (/^[\w./-]+:[^:}][^}]*$/.test(m[1]) || /^[*?$]$/.test(m[1])) return m[0];
  }
  return undefined;
}

/** The first policy variable the document uses, and the statement it is in. */
function firstVariable(doc: PolicyDocument): { variable: string; statement: Statement } | undefined {
  for (const st of doc.statements) {
    const values: Array<LString | undefined> = [
      ...(st.resource?.items ?? []),
      ...(st.notResource?.items ?? []),
      ...(st.action?.items ?? []),
      ...(st.notAction?.items ?? []),
      ...(st.condition?.entries.flatMap((e) => [e.key, ...e.values.items]) ?? []),
      ...[st.principal, st.notPrincipal].flatMap((p) => p?.entries.flatMap((e) => e.values.items) ?? []),
    ];
    for (const v of values) {
      const variable = policyVariable(v);
      if (variable) return { variable, statement: st };
    }
  }
  return undefined;
}

/** The whole document is an expression (`!If [...]`, `!Ref`): nothing about its shape can be told. */
function opaque(doc: PolicyDocument): boolean {
  const n = doc.node;
  return n.type !== 'object' || (doc.unknown && !n.entries.some((e) => e.key === 'Statement' || e.key === 'statement'));
}

/** Where to report something a document lacks: its `Statement` key, else its first key. */
function documentAnchor(doc: PolicyDocument): Anchor {
  const n = doc.node;
  if (n.type === 'object') {
    const e = n.entries.find((x) => x.key === 'Statement') ?? n.entries[0];
    if (e) return { range: e.keyRange, path: [...doc.path, e.key] };
  }
  return doc;
}

/** Where to report something a statement lacks: its `Effect` key, else its first key. */
function statementAnchor(st: Statement): Anchor {
  return st.elements.find((e) => e.name === 'Effect') ?? st.elements[0] ?? st;
}

function element(st: Statement, name: string): StatementElement | undefined {
  for (let i = st.elements.length - 1; i >= 0; i--) if (st.elements[i].name === name) return st.elements[i];
  return undefined;
}

/** Policies with up to this many statements look for a repeated Sid pair by pair. */
const SID_PAIRWISE_LIMIT = 16;
const ALPHANUMERIC = /^[A-Za-z0-9]*$/;
/** A Sid with the characters IAM rejects removed: the fix checkSids offers. */
const sidFix = (sid: string): string => sid.replace(/[^A-Za-z0-9]/g, '');

/**
 * The first statement before `k` with this literal, non-empty Sid (as checkSids sees Sids). The
 * branches of one `Fn::If` share their position (`index`): they never stand in one policy together.
 */
function firstWithSid(statements: readonly Statement[], k: number, sid: string): Statement | undefined {
  const index = statements[k].index;
  for (let j = 0; j < k; j++) {
    const s = statements[j];
    if (!s.unknown && s.index !== index && isLiteral(s.sid) && s.sid.value === sid) return s;
  }
  return undefined;
}

function hasUnknownElement(st: Statement): boolean {
  for (const e of st.elements) if (!ELEMENT_SET.has(e.name)) return true;
  return false;
}

function hasElement(st: Statement, name: string): boolean {
  for (const e of st.elements) if (e.name === name) return true;
  return false;
}

/** The principal type a bare principal value was probably meant for, from its shape. */
function principalTypeOf(value: string): string | undefined {
  if (/^arn:[\w-]+:iam::\d{12}:(oidc|saml)-provider\//.test(value)) return 'Federated';
  if (/^(cognito-identity\.amazonaws\.com|accounts\.google\.com|graph\.facebook\.com|www\.amazon\.com)$/.test(value)) return 'Federated';
  if (/^arn:[\w-]+:(iam|sts)::/.test(value) || /^\d{12}$/.test(value)) return 'AWS';
  if (/\.amazonaws\.com(\.cn)?$/.test(value)) return 'Service';
  return undefined;
}

function describeChars(value: string): string {
  const bad = [...new Set(value.replace(/[A-Za-z0-9]/g, ''))];
  const shown = bad.slice(0, 4).map((c) => (c === ' ' ? 'a space' : `\`${c}\``));
  if (shown.length === 1) return shown[0];
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export default defineRule({
  meta: {
    id: 'policy-syntax',
    description: 'A policy document must follow the IAM policy grammar: Version, Effect, Action, Principal and Resource where IAM requires them, and no unknown elements.',
    defaultSeverity: 'error',
    securitySeverity: 5.0,
    fix: 'safe',
    hasSuggestions: true,
    tags: ['correctness'],
    messages: {
      missingVersion:
        'The policy has no `Version`: IAM reads it in the outdated 2008-10-17 language, where policy variables such as `${aws:username}` are treated as literal text. Add `"Version": "2012-10-17"`.',
      missingVersionVariables:
        'The policy has no `Version`, so IAM reads it in the outdated 2008-10-17 language, where `{{variable}}` in the {{statement}} is literal text, not a policy variable: the statement never matches what it is meant to. Add `"Version": "2012-10-17"`.',
      outdatedVersion:
        '`Version` `2008-10-17` is the outdated policy language: policy variables such as `${aws:username}` are treated as literal text in it. Write `2012-10-17`.',
      outdatedVersionVariables:
        '`Version` `2008-10-17` is the outdated policy language, where `{{variable}}` in the {{statement}} is literal text, not a policy variable: the statement never matches what it is meant to. Write `2012-10-17`.',
      invalidVersion:
        '`Version` `{{value}}` is not a policy language version: IAM accepts only `2012-10-17` (and the outdated `2008-10-17`) and rejects the policy (MalformedPolicyDocument). Write `2012-10-17`.',
      unknownTopLevel:
        '`{{key}}` is not a policy element: a policy document holds only `Version`, `Id` and `Statement`, and IAM rejects it (MalformedPolicyDocument).{{didYouMean}}',
      statementNotList:
        '`Statement` is {{shown}}: it must be a list of statements (or one statement object), and IAM rejects the policy (MalformedPolicyDocument). If it holds JSON text, write the statements themselves.',
      missingStatement: 'The policy has no `Statement`: IAM rejects a policy without statements (MalformedPolicyDocument). Add a `Statement` list.',
      missingEffect: 'The {{statement}} has no `Effect`: IAM rejects it (MalformedPolicyDocument). Add `"Effect": "Allow"` or `"Effect": "Deny"`.',
      invalidEffect:
        '`Effect` `{{value}}` in the {{statement}} is neither `Allow` nor `Deny` (the values are case-sensitive): IAM rejects the policy (MalformedPolicyDocument). Write {{instead}}.',
      missingAction:
        'The {{statement}} has neither `Action` nor `NotAction`: IAM rejects it (MalformedPolicyDocument). List the actions the statement allows or denies in `Action`.',
      bothActions:
        'The {{statement}} has both `Action` and `NotAction`: a statement takes one or the other, and IAM rejects it (MalformedPolicyDocument). Keep one of them.',
      bothResources:
        'The {{statement}} has both `Resource` and `NotResource`: a statement takes one or the other, and IAM rejects it (MalformedPolicyDocument). Keep one of them.',
      unknownElement:
        '`{{key}}` in the {{statement}} is not a statement element: IAM rejects the policy (MalformedPolicyDocument), and nothing under `{{key}}` takes effect.{{didYouMean}}',
      principalInIdentity:
        '`{{key}}` in the {{statement}}: an identity policy applies to the user, group or role it is attached to and cannot name a principal, so IAM rejects it (MalformedPolicyDocument). Remove `{{key}}`, or move the statement into a trust or resource policy.',
      resourceInTrust:
        '`{{key}}` in the {{statement}}: a role trust policy governs who can assume the role itself and cannot name resources, so IAM rejects it ("Has prohibited field Resource"). Remove `{{key}}`.',
      unknownPrincipalType:
        '`{{key}}` in the {{element}} of the {{statement}} is not a principal type: IAM accepts only `AWS`, `Service`, `Federated` and `CanonicalUser`, spelt exactly so, and rejects the whole policy (MalformedPolicyDocument: "Invalid principal in policy").{{didYouMean}}',
      principalWildcard:
        '`{{value}}` in the `{{type}}` principal of the {{statement}} has a wildcard in it: a principal is `"*"` or one exact name or ARN, and IAM rejects a partial wildcard (MalformedPolicyDocument: "Invalid principal in policy"). Name the principals, or use `"*"` with a condition such as `aws:PrincipalArn` (`ArnLike` takes wildcards) or `aws:PrincipalOrgID`.',
      notAwsPrincipal:
        '`{{value}}` in the `AWS` principal of the {{statement}} is not an AWS principal: {{why}}, so IAM rejects the policy (MalformedPolicyDocument: "Invalid principal in policy"). Write an account id (12 digits), `arn:aws:iam::111122223333:root`, or the ARN of a user or role (`arn:aws:iam::111122223333:role/name`).',
      principalSpace:
        '`{{value}}` in the `{{type}}` principal of the {{statement}} has a space at its start or end: IAM does not trim principals and rejects the policy (MalformedPolicyDocument: "Invalid principal in policy"). Write `{{trimmed}}`.',
      principalNotMap:
        '`{{element}}` `{{value}}` in the {{statement}} is neither `"*"` nor a map of principal types: IAM rejects the policy (MalformedPolicyDocument). Write {{instead}}.',
      notPrincipalAllow:
        '`NotPrincipal` with `"Effect": "Allow"` in the {{statement}} allows every principal except the ones listed: anyone in any AWS account, and anonymous callers where the service allows them. Name the principals you trust in `Principal` instead.',
      missingPrincipal:
        'The {{statement}} has no `Principal`: a statement of a {{kind}} must name {{who}}, and IAM rejects it ("Missing required field Principal"). Add a `Principal`.',
      missingResource:
        'The {{statement}} has neither `Resource` nor `NotResource`: IAM rejects an identity policy statement without one ("Missing required field Resource"). List the resources it applies to.',
      invalidSid:
        'Sid `{{value}}` in the {{statement}} contains {{chars}}: IAM accepts only letters and digits (A-Z, a-z, 0-9) in the Sid of identity and trust policies and rejects the policy (MalformedPolicyDocument). Write `{{suggestion}}`.',
      invalidSidNoSuggestion:
        'Sid `{{value}}` in the {{statement}} contains {{chars}}: IAM accepts only letters and digits (A-Z, a-z, 0-9) in the Sid of identity and trust policies and rejects the policy (MalformedPolicyDocument). Use a Sid of letters and digits only.',
      duplicateSid:
        'Sid `{{value}}` of statement #{{index}} is already the Sid of statement #{{first}}: Sids must be unique within a policy, and IAM rejects the policy (MalformedPolicyDocument). Give this statement another Sid.',
    },
  },
  create(ctx) {
    /** Unknown keys whose nearest valid name stands in for a missing element (no second finding for it). */
    const renamedTo = (names: string[], valid: string[]) => new Set(names.filter((n) => !valid.includes(n)).map((n) => nearest(n, valid)));

    function checkVersion(doc: PolicyDocument): void {
      const tfData = isTerraformDocumentData(doc);
      const n = doc.node;
      if (n.type !== 'object' || opaque(doc)) return;
      const hasVersionKey = n.entries.some((e) => e.key === (tfData ? 'version' : 'Version'));
      if (!hasVersionKey) {
        if (tfData) return; // Terraform writes 2012-10-17.
        const used = firstVariable(doc);
        if (used) {
          ctx.report({ node: documentAnchor(doc), messageId: 'missingVersionVariables', data: { variable: used.variable, statement: statementName(used.statement) } });
        } else {
          ctx.report({ node: documentAnchor(doc), messageId: 'missingVersion', severity: 'warning' });
        }
        return;
      }
      const v = doc.version;
      if (!isLiteral(v)) return;
      if (v.value === CURRENT) return;
      const edit = ctx.fixer.replaceValue(v, CURRENT);
      const suggestions = edit ? [{ title: `Replace with \`${CURRENT}\``, applicability: 'unsafe' as const, edits: [edit] }] : undefined;
      if (v.value === OUTDATED) {
        const used = firstVariable(doc);
        if (used) {
          ctx.report({ node: v, messageId: 'outdatedVersionVariables', data: { variable: used.variable, statement: statementName(used.statement) }, suggestions });
        } else {
          ctx.report({ node: v, messageId: 'outdatedVersion', severity: 'warning', suggestions });
        }
        return;
      }
      ctx.report({ node: v, messageId: 'invalidVersion', data: { value: v.value }, suggestions });
    }

    function checkTopLevel(doc: PolicyDocument): void {
      const n = doc.node;
      if (n.type !== 'object') return;
      let valid = true;
      let hasStatement = false;
      for (const e of n.entries) {
        if (e.key === 'Statement') hasStatement = true;
        else if (e.key !== 'Version' && e.key !== 'Id') valid = false;
      }
      // A string or number where the statements belong (an expression that may render a list is not one).
      const sv = doc.statementValue;
      if (sv) {
        const text = sv.value.length > 40 ? `${sv.value.slice(0, 39)}…` : sv.value;
        ctx.report({ node: sv, messageId: 'statementNotList', data: { shown: sv.node.type === 'scalar' && typeof sv.node.value === 'string' ? `the string \`${text}\`` : `\`${text}\`` } });
      }
      if (valid) {
        if (!hasStatement) ctx.report({ node: documentAnchor(doc), messageId: 'missingStatement' });
        return;
      }
      const keys = n.entries.map((e) => e.key);
      for (const e of n.entries) {
        if (TOP_LEVEL.includes(e.key)) continue;
        const near = nearest(e.key, TOP_LEVEL);
        const target = near && !keys.includes(near) ? near : undefined;
        const edit = target ? ctx.fixer.replaceValue({ value: e.key, range: e.keyRange, path: [...doc.path, e.key], node: n }, target) : undefined;
        ctx.report({
          node: { range: e.keyRange, path: [...doc.path, e.key] },
          messageId: 'unknownTopLevel',
          data: { key: e.key, didYouMean: near ? ` Did you mean \`${near}\`?` : '' },
          suggestions: edit && target ? [{ title: `Rename to \`${target}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
        });
      }
      if (!keys.includes('Statement') && !renamedTo(keys, TOP_LEVEL).has('Statement')) {
        ctx.report({ node: documentAnchor(doc), messageId: 'missingStatement' });
      }
    }

    function checkSids(doc: PolicyDocument): void {
      const statements = doc.statements;
      // The first statement with each Sid: looked up pair by pair in a short policy, in a map in a long one.
      const first = statements.length > SID_PAIRWISE_LIMIT ? new Map<string, Statement>() : undefined;
      const identityOrTrust = doc.kind === 'identity' || doc.kind === 'trust';
      // IAM and SNS refuse a repeated Sid; other services' resource policies take one (AWS's own
      // key policy for `aws/secretsmanager` repeats one).
      const uniqueSids = identityOrTrust || doc.origin.resourceType === 'AWS::SNS::TopicPolicy' || doc.origin.resourceType === 'aws_sns_topic_policy' || doc.origin.resourceType === 'aws_sns_topic';
      for (let k = 0; k < statements.length; k++) {
        const st = statements[k];
        const sid = st.sid;
        if (st.unknown || !isLiteral(sid) || sid.value === '') continue;
        const found = first ? first.get(sid.value) : firstWithSid(statements, k, sid.value);
        const earlier = found && found.index !== st.index ? found : undefined;
        if (earlier) {
          if (uniqueSids) ctx.report({ node: sid, messageId: 'duplicateSid', data: { value: sid.value, index: st.index + 1, first: earlier.index + 1 } });
          continue;
        }
        if (!found) first?.set(sid.value, st);
        if (!identityOrTrust || ALPHANUMERIC.test(sid.value)) continue;
        const stripped = sidFix(sid.value);
        // The Sid is the offending value: name the statement by its position.
        const data = { value: sid.value, statement: `statement #${st.index + 1}`, chars: describeChars(sid.value), suggestion: stripped };
        // No fix that would repeat a Sid: another statement's, or the fix of an earlier one (`read-only`
        // and `read only` both become `readonly`: only the first is offered).
        const clash = (s: Statement, j: number) =>
          isLiteral(s.sid) && s.index !== st.index && (s.sid.value === stripped || (j < k && !ALPHANUMERIC.test(s.sid.value) && sidFix(s.sid.value) === stripped));
        if (stripped === '' || statements.some(clash)) {
          ctx.report({ node: sid, messageId: 'invalidSidNoSuggestion', data });
          continue;
        }
        const edit = ctx.fixer.replaceValue(sid, stripped);
        // A Sid only names the statement: removing the characters changes no access.
        ctx.report({ node: sid, messageId: 'invalidSid', data, fix: edit ? { title: `Rename the Sid to \`${stripped}\``, applicability: 'safe', edits: [edit] } : undefined });
      }
    }

    /** The keys of a principal map, and a principal written as one bare value. */
    function checkPrincipal(block: PrincipalBlock | undefined, key: 'Principal' | 'NotPrincipal', st: Statement, tfData: boolean): void {
      if (!block) return;
      const elementName = tfData ? (key === 'Principal' ? '`principals`' : '`not_principals`') : `\`${key}\``;
      // Terraform writes the principal map itself from `type` and `identifiers` (`type = "*"` too).
      const bare = block.wildcard;
      if (!tfData && bare && isLiteral(bare) && bare.value !== '*') {
        const type = principalTypeOf(bare.value);
        ctx.report({
          node: bare,
          messageId: 'principalNotMap',
          data: {
            element: key,
            value: bare.value,
            statement: statementName(st),
            instead: type ? `\`{ "${type}": "${bare.value}" }\`` : '`"*"` or a map such as `{ "AWS": "arn:aws:iam::111122223333:root" }`',
          },
        });
      }
      for (const e of block.entries) {
        const t = e.type;
        if (isLiteral(t) && PRINCIPAL_TYPES.includes(t.value)) {
          for (const v of e.values.items) {
            // `*` alone is every principal; a wildcard in part of a name or ARN is refused.
            if (isLiteral(v) && v.value !== '*' && /[*?]/.test(v.value)) {
              ctx.report({ node: v, messageId: 'principalWildcard', data: { value: v.value, type: t.value, statement: statementName(st) } });
              continue;
            }
            // Spaces inside are legitimate (`...:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL`);
            // around the value they are a copy-and-paste slip.
            if (!isLiteral(v)) continue;
            const trimmed = v.value.trim();
            if (trimmed === v.value && t.value === 'AWS' && !AWS_PRINCIPAL.test(v.value)) {
              const account = /^arn:[^:]*:(?:iam|sts)::([^:]*):/.exec(v.value)?.[1];
              ctx.report({
                node: v,
                messageId: 'notAwsPrincipal',
                data: { value: v.value, statement: statementName(st), why: account !== undefined && !/^\d{12}$/.test(account) ? `its account id \`${account}\` is not 12 digits` : 'it is neither an account id nor the ARN of an account, user or role' },
              });
              continue;
            }
            if (trimmed === v.value || trimmed === '') continue;
            const edit = ctx.fixer.replaceValue(v, trimmed);
            ctx.report({
              node: v,
              messageId: 'principalSpace',
              data: { value: v.value, type: t.value, statement: statementName(st), trimmed },
              suggestions: edit ? [{ title: `Write \`${trimmed}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
            });
          }
          continue;
        }
        if (!isLiteral(t)) continue;
        const lower = t.value.toLowerCase();
        const near = PRINCIPAL_TYPES.find((p) => p.toLowerCase() === lower) ?? nearest(t.value, PRINCIPAL_TYPES);
        const taken = near !== undefined && block.entries.some((o) => o !== e && o.type.value === near);
        const edit = near && !taken ? ctx.fixer.replaceValue(t, near) : undefined;
        ctx.report({
          node: t,
          messageId: 'unknownPrincipalType',
          data: { key: t.value, element: elementName, statement: statementName(st), didYouMean: near ? ` Did you mean \`${near}\`?` : '' },
          suggestions: edit && near ? [{ title: `Rename to \`${near}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
        });
      }
    }

    return {
      PolicyDocument(doc) {
        // Statements without a document around them: no Version or top-level keys to check.
        if (doc.bareStatements) {
          checkSids(doc);
          return;
        }
        const tfData = isTerraformDocumentData(doc);
        if (opaque(doc)) return;
        checkVersion(doc);
        if (!tfData) checkTopLevel(doc);
        checkSids(doc);
      },
      Statement(st, doc) {
        if (st.unknown) return;
        const tfData = isTerraformDocumentData(doc);
        // The statement's name and the stand-ins are worked out only when something is reported.
        const name = () => statementName(st);
        const misspelt = !tfData && hasUnknownElement(st);
        // An unknown key that is a misspelt element (`Conditions`) is reported as such, once.
        const present = (el: string) => hasElement(st, el) || (misspelt && renamedTo(st.elements.map((e) => e.name), ELEMENTS).has(el));

        if (misspelt) {
          const names = st.elements.map((e) => e.name);
          for (const el of st.elements) {
            if (ELEMENTS.includes(el.name)) continue;
            const near = nearest(el.name, ELEMENTS);
            const target = near && !names.includes(near) ? near : undefined;
            const edit = target ? ctx.fixer.replaceValue({ value: el.name, range: el.range, path: el.path, node: st.node }, target) : undefined;
            ctx.report({
              node: el,
              messageId: 'unknownElement',
              data: { key: el.name, statement: name(), didYouMean: near ? ` Did you mean \`${near}\`?` : '' },
              suggestions: edit && target ? [{ title: `Rename to \`${target}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
            });
          }
        }

        // Effect: Terraform defaults it to Allow, but a value it is given must still be right.
        if (!st.effect) {
          if (!present('Effect')) ctx.report({ node: statementAnchor(st), messageId: 'missingEffect', data: { statement: name() } });
        } else if (isLiteral(st.effect) && st.effect.value !== 'Allow' && st.effect.value !== 'Deny') {
          const near = nearest(st.effect.value, ['Allow', 'Deny']);
          const edit = near ? ctx.fixer.replaceValue(st.effect, near) : undefined;
          ctx.report({
            node: st.effect,
            messageId: 'invalidEffect',
            data: { value: st.effect.value, statement: name(), instead: near ? `\`${near}\`` : '`Allow` or `Deny`' },
            suggestions: edit && near ? [{ title: `Replace with \`${near}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
          });
        }

        if (!st.action && !st.notAction) {
          if (!present('Action') && !present('NotAction')) ctx.report({ node: statementAnchor(st), messageId: 'missingAction', data: { statement: name() } });
        } else if (st.action && st.notAction) {
          ctx.report({ node: element(st, 'NotAction') ?? st, messageId: 'bothActions', data: { statement: name() } });
        }
        if (st.resource && st.notResource) {
          ctx.report({ node: element(st, 'NotResource') ?? st, messageId: 'bothResources', data: { statement: name() } });
        }

        if (doc.kind === 'identity') {
          for (const key of PRINCIPAL_ELEMENTS) {
            const el = element(st, key);
            if (el) ctx.report({ node: el, messageId: 'principalInIdentity', data: { key: tfData ? originalKey(el) : key, statement: name() } });
          }
          if (!st.resource && !st.notResource && !present('Resource') && !present('NotResource')) {
            ctx.report({ node: statementAnchor(st), messageId: 'missingResource', data: { statement: name() } });
          }
          return;
        }
        if (doc.kind === 'trust') {
          for (const key of RESOURCE_ELEMENTS) {
            const el = element(st, key);
            if (el) ctx.report({ node: el, messageId: 'resourceInTrust', data: { key: tfData ? originalKey(el) : key, statement: name() } });
          }
        }
        checkPrincipal(st.principal, 'Principal', st, tfData);
        checkPrincipal(st.notPrincipal, 'NotPrincipal', st, tfData);
        if (st.notPrincipal && isAllow(st)) {
          const el = element(st, 'NotPrincipal');
          if (el) ctx.report({ node: el, messageId: 'notPrincipalAllow', data: { statement: name() } });
        }
        if (isAllow(st) && !st.principal && !st.notPrincipal && !present('Principal') && !present('NotPrincipal')) {
          ctx.report({
            node: statementAnchor(st),
            messageId: 'missingPrincipal',
            data: {
              statement: name(),
              kind: doc.kind === 'trust' ? 'role trust policy' : 'resource policy',
              who: doc.kind === 'trust' ? 'who can assume the role' : 'who gets access',
            },
          });
        }
      },
    };
  },
});

/** The key as written in a Terraform data source (`principals`), from the element's path. */
function originalKey(el: StatementElement): string {
  const last = el.path[el.path.length - 1];
  return typeof last === 'string' ? last : el.name;
}
