import {
  conditionKeyProvider,
  defineRule,
  statementName,
  subjectCanMatch,
  SUBJECT_FORMATS,
  urlDecodedSubject,
  type Fix,
  type LString,
  type WebIdentityStatement,
} from '../src/rule-kit/index.js';

export default defineRule({
  meta: {
    id: 'invalid-subject-format',
    description: "A web-identity subject condition must be able to match the subject format the provider issues.",
    defaultSeverity: 'warning',
    securitySeverity: 3.0,
    fix: 'none',
    hasSuggestions: true,
    tags: ['trust-policy', 'web-identity', 'correctness'],
    messages: {
      invalid:
        '`{{value}}` in `{{key}}` of the {{statement}} can never match a {{provider}} subject: {{problem}}. Subjects look like {{shape}}, so STS refuses every token with "Not authorized to perform sts:AssumeRoleWithWebIdentity".{{instead}}',
      invalidOne:
        '`{{value}}` in `{{key}}` of the {{statement}} can never match a {{provider}} subject: {{problem}}. Subjects look like {{shape}}. The other values of `{{key}}` still let tokens in, but none through this one: the deploys it was written for are refused with "Not authorized to perform sts:AssumeRoleWithWebIdentity".{{instead}}',
      urlEncoded:
        '`{{value}}` in `{{key}}` of the {{statement}} is URL-encoded: the token\'s subject holds plain `:` and `/`, so `%3A` and `%2F` never match and STS refuses every token with "Not authorized to perform sts:AssumeRoleWithWebIdentity". Write `{{decoded}}`.',
      urlEncodedOne:
        '`{{value}}` in `{{key}}` of the {{statement}} is URL-encoded: the token\'s subject holds plain `:` and `/`, so `%3A` and `%2F` never match, and the deploys this value was written for are refused with "Not authorized to perform sts:AssumeRoleWithWebIdentity" (the other values of `{{key}}` still match). Write `{{decoded}}`.',
    },
  },
  create(ctx) {
    const suggest = (v: LString, text: string): Fix[] | undefined => {
      const edit = ctx.fixer.replaceValue(v, text);
      return edit ? [{ title: `Replace with \`${text}\``, applicability: 'unsafe', edits: [edit] }] : undefined;
    };
    return {
      WebIdentityStatement(ws: WebIdentityStatement) {
        for (const { entry, op } of ws.conditions) {
          if (!op.valid || op.negated || !op.base.startsWith('String')) continue;
          const keyInfo = conditionKeyProvider(entry.key, ws.federated);
          if (!keyInfo || keyInfo.claim !== keyInfo.provider.subjectKey) continue;
          const format = SUBJECT_FORMATS[keyInfo.provider.id];
          if (!format) continue;
          const ignoreCase = /IgnoreCase$/.test(op.base);
          // IAM accepts a token when any value of the key matches: a dead value refuses every
          // token only when all the others are dead too.
          const findings: Array<() => void> = [];
          let live = entry.values.unknown;
          for (const v of entry.values.items) {
            if (v.unknown || (v.holes && v.holes.length > 0) || v.value.includes('${')) {
              live = true;
              continue;
            }
            // A `*` compared literally is string-equals-wildcard's finding.
            if (!op.pattern && /[*?]/.test(v.value)) {
              live = true;
              continue;
            }
            const data = { value: v.value, key: entry.key.value, statement: statementName(ws.statement) };
            const decoded = urlDecodedSubject(v.value);
            if (decoded !== undefined) {
              findings.push(() => ctx.report({ node: v, messageId: live ? 'urlEncodedOne' : 'urlEncoded', data: { ...data, decoded }, suggestions: suggest(v, decoded) }));
              continue;
            }
            if (subjectCanMatch(format, v.value, { pattern: op.pattern, ignoreCase })) {
              live = true;
              continue;
            }
            const d = format.diagnose(v.value, op.pattern);
            const replacement = d.replacements?.find((r) => subjectCanMatch(format, r, { pattern: op.pattern, ignoreCase }));
            findings.push(() =>
              ctx.report({
                node: v,
                messageId: live ? 'invalidOne' : 'invalid',
                data: {
                  ...data,
                  provider: keyInfo.provider.name,
                  problem: d.problem,
                  shape: format.shape,
                  instead: replacement ? ` Did you mean \`${replacement}\`?` : '',
                },
                suggestions: replacement ? suggest(v, replacement) : undefined,
              }),
            );
          }
          for (const report of findings) report();
        }
      },
    };
  },
});
