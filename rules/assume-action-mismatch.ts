import {
  defineRule,
  isAllow,
  parseFederated,
  statementName,
  wildcardRegExp,
  type FederatedPrincipal,
  type LString,
  type PolicyDocument,
  type Statement,
  type ValueList,
} from '../src/rule-kit/index.js';

const ASSUME_ROLE = 'sts:AssumeRole';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
const SAML = 'sts:AssumeRoleWithSAML';
const ASSUME_ACTIONS = [ASSUME_ROLE, WEB_IDENTITY, SAML];
/** Session permissions: granted beside an assume action, never a way in by themselves. */
const SESSION_ACTIONS = ['sts:TagSession', 'sts:SetSourceIdentity', 'sts:SetContext'];

type Family = 'web' | 'saml';

const REQUIRED: Record<Family, string> = { web: WEB_IDENTITY, saml: SAML };
const KIND: Record<Family, string> = { web: 'web-identity provider', saml: 'SAML provider' };

/** The literal values of an Action/NotAction list, or undefined when any part of it is not known. */
function literalItems(list: ValueList): LString[] | undefined {
  if (list.unknown) return undefined;
  if (list.items.some((a) => a.unknown || (a.holes && a.holes.length > 0))) return undefined;
  return list.items;
}

const matches = (pattern: LString, action: string) => wildcardRegExp(pattern.value).test(action);

/** Does the statement's Action/NotAction allow `action`? Undefined when it cannot be told. */
function allowsAction(st: Statement, action: string): boolean | undefined {
  const list = st.action ?? st.notAction;
  if (!list || (st.action && st.notAction)) return undefined;
  const items = literalItems(list);
  if (!items) return undefined;
  const hit = items.some((a) => matches(a, action));
  return st.action ? hit : !hit;
}

/** Another Allow statement of the document may grant an assume action (session permissions then belong to it). */
function otherStatementAssumes(doc: PolicyDocument, st: Statement): boolean {
  return doc.statements.some((o) => {
    if (o === st) return false;
    if (o.unknown || !o.effect || o.effect.unknown) return true;
    if (o.effect.value !== 'Allow') return false;
    return ASSUME_ACTIONS.some((a) => allowsAction(o, a) !== false);
  });
}

const quoteList = (items: LString[]) => items.map((a) => `\`${a.value}\``).join(', ');

export default defineRule({
  meta: {
    id: 'assume-action-mismatch',
    description: 'A trust statement must allow the assume action its principal uses: AssumeRoleWithWebIdentity for OIDC providers, AssumeRoleWithSAML for SAML providers.',
    defaultSeverity: 'error',
    securitySeverity: 4.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity', 'correctness'],
    messages: {
      webIdentity:
        'The {{statement}} trusts the web-identity provider `{{principal}}` with `{{value}}` instead of `sts:AssumeRoleWithWebIdentity`: tokens from that provider can only be exchanged through AssumeRoleWithWebIdentity, so STS refuses every call ("Not authorized to perform sts:AssumeRoleWithWebIdentity") and the role cannot be used. Write `sts:AssumeRoleWithWebIdentity`.',
      saml:
        'The {{statement}} trusts the SAML provider `{{principal}}` with `{{value}}` instead of `sts:AssumeRoleWithSAML`: SAML assertions can only be exchanged through AssumeRoleWithSAML, so STS refuses every sign-in ("Not authorized to perform sts:AssumeRoleWithSAML") and the role cannot be used. Write `sts:AssumeRoleWithSAML`.',
      principalLacks:
        'The {{statement}} trusts the {{kind}} `{{principal}}`, but its Action ({{actions}}) does not allow `{{required}}`, the only call through which that principal can assume a role: STS refuses it. Add `{{required}}` to the Action list.',
      notActionExcludes:
        '`NotAction` value `{{value}}` in the {{statement}} excludes `{{required}}`, the only call through which the {{kind}} `{{principal}}` can assume the role: STS refuses it. Remove `{{value}}` from NotAction, or write `"Action": "{{required}}"`.',
      noAssume:
        'The {{statement}} allows {{actions}}, and no assume action (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`): this is a trust policy, so nobody can assume the role through it.{{instead}}',
    },
  },
  create(ctx) {
    return {
      Statement(st, doc) {
        if (doc.kind !== 'trust' || st.unknown || !isAllow(st) || !st.principal) return;
        if (st.action && st.notAction) return;
        const element = st.action ? 'Action' : st.notAction ? 'NotAction' : undefined;
        const list = st.action ?? st.notAction;
        if (!element || !list) return;
        const items = literalItems(list);
        if (!items) return;
        const allowed = (action: string) => (element === 'Action' ? items.some((a) => matches(a, action)) : !items.some((a) => matches(a, action)));

        // The principals whose assume action is certain; `awsLike` ones use sts:AssumeRole.
        const federated: Array<{ fp: FederatedPrincipal; family: Family }> = [];
        let awsLike = !!st.principal.wildcard;
        let uncertain = st.principal.unknown;
        for (const e of st.principal.entries) {
          if (e.type.value !== 'Federated') {
            awsLike = true;
            continue;
          }
          for (const v of e.values.items) {
            const fp = parseFederated(v);
            if (fp.kind === 'oidc' || fp.kind === 'bare') federated.push({ fp, family: 'web' });
            else if (fp.kind === 'saml') federated.push({ fp, family: 'saml' });
            else uncertain = true;
          }
        }

        if (!ASSUME_ACTIONS.some(allowed)) {
          if (element === 'Action') {
            // Session permissions in a statement of their own, next to one that grants the assume action.
            const sessionOnly = items.length > 0 && items.every((a) => SESSION_ACTIONS.some((s) => matches(a, s)));
            if (sessionOnly && otherStatementAssumes(doc, st)) return;
          }
          const required = new Set(federated.map((f) => REQUIRED[f.family]));
          if (awsLike) required.add(ASSUME_ROLE);
          const where = element === 'Action' ? '' : ' in `Action`';
          const instead =
            !uncertain && required.size === 1
              ? ` Write \`${[...required][0]}\`${where}.`
              : ' Allow the assume action its principal uses: `sts:AssumeRole` for AWS accounts, roles and services, `sts:AssumeRoleWithWebIdentity` for OIDC providers, `sts:AssumeRoleWithSAML` for SAML providers.';
          const at = element === 'Action' ? (items[0] ?? list) : (items.find((a) => ASSUME_ACTIONS.some((x) => matches(a, x))) ?? items[0] ?? list);
          ctx.report({
            node: at,
            messageId: 'noAssume',
            data: {
              statement: statementName(st),
              actions: element === 'Action' ? (items.length ? quoteList(items) : 'no action at all') : `every action except ${quoteList(items)}`,
              instead,
            },
          });
          return;
        }

        // An unseen principal might need any of them: then no value can be called the wrong one.
        const needed = new Set<string>(uncertain ? ASSUME_ACTIONS : []);
        if (awsLike) needed.add(ASSUME_ROLE);
        for (const f of federated) needed.add(REQUIRED[f.family]);
        const lacking = (['web', 'saml'] as const).filter((family) => federated.some((f) => f.family === family) && !allowed(REQUIRED[family]));
        for (const family of lacking) {
          const required = REQUIRED[family];
          const principals = federated.filter((f) => f.family === family);
          const principal = principals[0].fp.source.value;
          if (element === 'NotAction') {
            for (const a of items.filter((x) => matches(x, required))) {
              ctx.report({
                node: a,
                messageId: 'notActionExcludes',
                data: { value: a.value, statement: statementName(st), required, kind: KIND[family], principal },
              });
            }
            continue;
          }
          // The values that grant an assume action no principal of the statement uses (when both a
          // web-identity and a SAML provider lack theirs, no single replacement is right).
          const culprits = items.filter((a) => ASSUME_ACTIONS.some((x) => matches(a, x)) && ![...needed].some((x) => matches(a, x)));
          if (culprits.length > 0 && lacking.length === 1) {
            for (const a of culprits) {
              const edit = ctx.fixer.replaceValue(a, required);
              ctx.report({
                node: a,
                messageId: family === 'web' ? 'webIdentity' : 'saml',
                data: { statement: statementName(st), principal, value: a.value },
                suggestions: edit ? [{ title: `Replace with \`${required}\``, applicability: 'unsafe', edits: [edit] }] : undefined,
              });
            }
            continue;
          }
          for (const { fp } of principals) {
            ctx.report({
              node: fp.source,
              messageId: 'principalLacks',
              data: { statement: statementName(st), kind: KIND[family], principal: fp.source.value, actions: quoteList(items), required },
            });
          }
        }
      },
    };
  },
});
