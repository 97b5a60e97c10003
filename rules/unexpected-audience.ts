import {
  defineRule,
  definitionsForIssuer,
  idListed,
  isPositiveMatch,
  keyMatchesIssuer,
  knownClientIds,
  providerForKeyPrefix,
  registrationFor,
  splitProviderKey,
  statementName,
  type Fix,
  type LString,
  type ProviderId,
  type ProviderSpec,
  type RuleContext,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

type MessageIds = 'notIssued' | 'cognito';
type Options = { audiences: Record<string, string[]> };

const STS = 'sts.amazonaws.com';

/** The audience each provider puts in the tokens it issues for AWS. */
const ISSUED: Partial<Record<ProviderId, string[]>> = {
  // `aws-actions/configure-aws-credentials` requests `sts.amazonaws.com`; in the China Regions its
  // documentation has workflows request `sts.amazonaws.com.cn` (with that id in the provider's list).
  github: [STS, 'sts.amazonaws.com.cn'],
  // The EKS pod identity webhook projects tokens for `sts.amazonaws.com`, in every partition.
  eks: [STS],
  // HCP Terraform's default; `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE` can change it (the option covers that).
  terraform: ['aws.workload.identity'],
};

/** A Cognito identity pool id: `<region>:<uuid>`. */
const IDENTITY_POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d+:[0-9a-f]+(?:-[0-9a-f]+)+$/;
const USER_POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d+_[0-9A-Za-z]+$/;
const APP_CLIENT_ID = /^[0-9a-z]{20,32}$/;
const IDENTITY_POOL_ARN = /^arn:[^:]+:cognito-identity:[^:]*:[^:]*:identitypool\/([a-z]{2}(?:-[a-z]+)+-\d+:[0-9a-f-]+)$/;

const WILDCARD = /[*?]/;

/** The value with the usual slips undone: scheme, trailing slash, case, `amazon.com`. */
function normalize(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/+$/, '')
    .replace(/\.amazon\.com$/, '.amazonaws.com');
}

function checkable(v: LString): boolean {
  return !v.unknown && !(v.holes && v.holes.length > 0) && !WILDCARD.test(v.value) && !v.value.includes('${');
}

export default defineRule<MessageIds, Options>({
  meta: {
    id: 'unexpected-audience',
    description: 'The audience a web-identity trust policy expects must be one the provider issues for AWS.',
    defaultSeverity: 'error',
    securitySeverity: 3.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity', 'correctness'],
    messages: {
      notIssued:
        '`{{value}}` in the {{statement}} is not an audience {{provider}} issues for AWS: {{why}} STS compares `{{key}}` with the token\'s `aud` exactly, so no token matches this value{{effect}}. {{advice}}{{custom}}.',
      cognito:
        '`{{value}}` in the {{statement}} is {{what}}, but `{{key}}` carries the id of the Cognito identity pool, `<region>:<uuid>` (e.g. `us-east-1:12345678-abcd-abcd-abcd-123456789012`): no identity matches this value{{effect}}. {{instead}}.',
    },
    options: {
      audiences: {
        type: 'object',
        default: {},
        description:
          'Further audiences to accept, per provider id (`github`, `eks`, `terraform`, `cognito`): for example `{ github: ["https://github.com/octo-org"], terraform: ["my-audience"] }` when your workflows request a custom audience.',
      },
    },
  },
  create(ctx) {
    const extra = (id: ProviderId): string[] => {
      const v = (ctx.options.audiences ?? {})[id];
      return Array.isArray(v) ? v : [];
    };
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const { entry, op } of ws.conditions) {
          if (!isPositiveMatch(op) || !op.base.startsWith('String') || entry.key.unknown) continue;
          const split = splitProviderKey(entry.key);
          if (!split || split.claim.includes('${')) continue;
          const provider = providerOf(ws, entry.key, split.prefix);
          if (!provider || split.claim.toLowerCase() !== provider.audienceKey) continue;
          const ignoreCase = op.base.endsWith('IgnoreCase');
          // When the principal is a provider of this file whose client ids are known, the list decides:
          // what the team registered is deliberate, and a value outside it is audience-not-registered's finding.
          const registration = registrationFor(entry.key, ws.federated, ctx.oidcProviders);
          // Otherwise an id registered for this issuer by a provider of the file is accepted too.
          const issuer = { value: split.prefix, holes: entry.key.holes?.filter(([, b]) => b <= split.prefix.length) };
          const defs = definitionsForIssuer(issuer, ctx.oidcProviders);
          const judge = (v: LString): 'ok' | 'bad' | 'unknown' => {
            if (!checkable(v)) return 'unknown';
            if (registration) {
              const listed = idListed(v.value, registration.ids, ignoreCase);
              return listed === 'yes' ? 'ok' : 'unknown';
            }
            for (const def of defs) {
              const ids = knownClientIds(def);
              const listed = ids ? idListed(v.value, ids, ignoreCase) : 'unknown';
              if (listed !== 'no') return listed === 'yes' ? 'ok' : 'unknown';
            }
            return accepted(provider, v.value, ignoreCase, extra(provider.id));
          };
          const verdicts = entry.values.items.map(judge);
          entry.values.items.forEach((v, i) => {
            if (verdicts[i] !== 'bad') return;
            const others = verdicts.filter((_, j) => j !== i);
            const acceptedSibling = entry.values.items.find((_, j) => j !== i && verdicts[j] === 'ok');
            const effect = acceptedSibling
              ? ` (the ${statementName(ws.statement)} works only through \`${acceptedSibling.value}\`)`
              : !entry.values.unknown && others.every((o) => o === 'bad')
                ? ': the role can never be assumed through this statement, and every call fails with "Not authorized to perform sts:AssumeRoleWithWebIdentity"'
                : '';
            report(ctx, ws, provider, entry.key.value, v, effect, !!acceptedSibling);
          });
        }
      },
    };
  },
});

/** The provider whose audience key this is: from the key prefix, or the principal it matches. */
function providerOf(ws: WebIdentityStatement, key: LString, prefix: string): ProviderSpec | undefined {
  if (!(key.holes ?? []).some(([a]) => a < prefix.length)) return providerForKeyPrefix(prefix.toLowerCase());
  const providers = new Set(ws.federated.filter((fp) => fp.provider && keyMatchesIssuer(key, fp)).map((fp) => fp.provider!));
  return providers.size === 1 ? [...providers][0] : undefined;
}

function accepted(provider: ProviderSpec, value: string, ignoreCase: boolean, extra: string[]): 'ok' | 'bad' {
  const same = (a: string) => (ignoreCase ? a.toLowerCase() === value.toLowerCase() : a === value);
  if (extra.some(same)) return 'ok';
  if (provider.id === 'cognito') return IDENTITY_POOL_ID.test(value) ? 'ok' : 'bad';
  const issued = ISSUED[provider.id];
  if (!issued) return 'ok';
  return issued.some(same) ? 'ok' : 'bad';
}

function report(
  ctx: RuleContext<MessageIds, Options>,
  ws: WebIdentityStatement,
  provider: ProviderSpec,
  key: string,
  v: LString,
  effect: string,
  redundant: boolean,
): void {
  const statement = statementName(ws.statement);
  const suggest = (replacement: string | undefined): Fix[] | undefined => {
    // Beside a value that works, the fix is to remove this one, which a value edit cannot do.
    if (!replacement || redundant) return undefined;
    const edit = ctx.fixer.replaceValue(v, replacement);
    return edit ? [{ title: `Replace with \`${replacement}\``, applicability: 'unsafe', edits: [edit] }] : undefined;
  };
  if (provider.id === 'cognito') {
    const arn = IDENTITY_POOL_ARN.exec(v.value);
    const what = arn
      ? 'the ARN of an identity pool'
      : USER_POOL_ID.test(v.value)
        ? 'a Cognito user pool id (`<region>_<id>`), not an identity pool id'
        : APP_CLIENT_ID.test(v.value)
          ? 'a Cognito user pool app client id, not an identity pool id'
          : 'not a Cognito identity pool id';
    ctx.report({
      node: v,
      messageId: 'cognito',
      data: {
        value: v.value,
        statement,
        what,
        key,
        effect,
        instead:
          (redundant ? 'Remove it, or write ' : 'Write ') +
          (arn ? `the id part of the ARN, \`${arn[1]}\`` : 'the id of the identity pool that hands out this role (Cognito console → Identity pools → Identity pool ID)'),
      },
      suggestions: suggest(arn?.[1]),
    });
    return;
  }
  const expected = ISSUED[provider.id]![0];
  const nearMiss = normalize(v.value) === expected;
  ctx.report({
    node: v,
    messageId: 'notIssued',
    data: {
      value: v.value,
      statement,
      provider: provider.name,
      why: why(provider, v.value, expected, nearMiss),
      key,
      effect,
      advice: redundant ? 'Remove it' : `Write \`${expected}\``,
      custom: custom(provider.id),
    },
    // Replacing a near miss restores what was meant; for GitHub and EKS the issued value is the only
    // one without a custom setup. A custom HCP Terraform audience cannot be guessed.
    suggestions: suggest(nearMiss || provider.id !== 'terraform' ? expected : undefined),
  });
}

function why(provider: ProviderSpec, value: string, expected: string, nearMiss: boolean): string {
  if (nearMiss) return `it is not exactly \`${expected}\`, the value ${provider.name} tokens for AWS carry.`;
  if (provider.id === 'github' && /^https:\/\/github\.com\//i.test(value)) {
    return "`https://github.com/<owner>` is the audience GitHub gives a token when the workflow asks for none; `aws-actions/configure-aws-credentials` asks for `sts.amazonaws.com`.";
  }
  if (value.toLowerCase() === 'sigstore') return '`sigstore` is the audience of tokens for Sigstore signing, not for AWS.';
  if (provider.id === 'eks' && normalize(value) === 'sts.amazonaws.com.cn') {
    return 'the EKS pod identity webhook requests `sts.amazonaws.com` in the China Regions too.';
  }
  return `${provider.name} tokens for AWS carry \`${expected}\`.`;
}

function custom(id: ProviderId): string {
  switch (id) {
    case 'github':
      return " — or, if the workflow requests this audience on purpose (the action's `audience` input), add it to the OIDC provider's ClientIdList and to this rule's `audiences` option";
    case 'terraform':
      return ' — or, if the workspace sets `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE` to this value, add it to this rule\'s `audiences` option';
    default:
      return '';
  }
}
