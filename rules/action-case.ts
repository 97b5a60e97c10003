import { actionFacts, defineRule, statementName } from '../src/rule-kit/index.js';

export default defineRule({
  meta: {
    id: 'action-case',
    description: 'Actions should be written in the canonical case of the IAM catalogue (`sts:AssumeRoleWithWebIdentity`).',
    defaultSeverity: 'info',
    securitySeverity: 0.0,
    fix: 'safe',
    hasSuggestions: false,
    tags: ['style'],
    messages: {
      notCanonical:
        '`{{value}}` in {{statement}} is written `{{canonical}}` in the IAM catalogue. IAM matches actions case-insensitively, so access is the same, but the canonical spelling keeps policies greppable and diffs clean.',
      prefixCase:
        'The service prefix of `{{value}}` in {{statement}} is written `{{prefix}}` in the IAM catalogue. IAM matches actions case-insensitively, so access is the same, but `{{canonical}}` keeps policies greppable and diffs clean.',
    },
  },
  create(ctx) {
    return {
      Action(action, st) {
        if (action.unknown || (action.holes && action.holes.length > 0)) return;
        const value = action.value;
        if (value === '*') return;
        // Unknown services and actions are unknown-action's to report; a pattern keeps its own
        // spelling (only the service prefix has one canonical form), and must match some action.
        const { prefix, canonical, matches, nameWildcard: wildcard } = actionFacts(value);
        if (!prefix || !matches || !canonical || canonical === value) return;
        const edit = ctx.fixer.replaceValue(action, canonical);
        const data = { value, statement: statementName(st), canonical, prefix };
        ctx.report({
          node: action,
          messageId: wildcard ? 'prefixCase' : 'notCanonical',
          data,
          fix: edit ? { title: `Write \`${canonical}\``, applicability: 'safe', edits: [edit] } : undefined,
        });
      },
    };
  },
});
