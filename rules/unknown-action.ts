import { actionFacts, defineRule, nearest, serviceActions, serviceKeys } from '../src/rule-kit/index.js';

export default defineRule({
  meta: {
    id: 'unknown-action',
    description: 'Every action must exist in the IAM catalogue, and every action wildcard must match at least one action.',
    defaultSeverity: 'error',
    securitySeverity: 4.0,
    fix: 'unsafe',
    hasSuggestions: false,
    tags: ['correctness'],
    messages: {
      notAction: '`{{value}}` is not an action: IAM actions are written `service:Action` (for example `sts:AssumeRoleWithWebIdentity`).',
      unknownService: '`{{value}}` names the service prefix `{{service}}`, which does not exist, so the statement never applies.{{didYouMean}}',
      unknownAction: '`{{value}}` is not an action of `{{service}}`, so the statement never applies to what you meant.{{didYouMean}}',
      noMatch: '`{{value}}` matches no `{{service}}` action, so the statement never applies. Check the spelling of the pattern.',
    },
  },
  create(ctx) {
    return {
      Action(action) {
        if (action.unknown || (action.holes && action.holes.length > 0)) return;
        const value = action.value;
        if (value === '*') return;
        const facts = actionFacts(value);
        const i = facts.colon;
        if (i <= 0 || i === value.length - 1) {
          ctx.report({ node: action, messageId: 'notAction', data: { value } });
          return;
        }
        if (facts.serviceWildcard) return;
        // A known action, or a pattern that matches some: the common case, decided once per string.
        if (facts.prefix && facts.matches) return;
        const service = value.slice(0, i);
        const name = value.slice(i + 1);
        if (!facts.prefix) {
          const near = nearest(service, serviceKeys().values());
          const replacement = near ? `${near}:${name}` : undefined;
          const edit = replacement ? ctx.fixer.replaceValue(action, replacement) : undefined;
          ctx.report({
            node: action,
            messageId: 'unknownService',
            data: { value, service, didYouMean: near ? ` Did you mean \`${near}\`?` : '' },
            fix: edit && replacement ? { title: `Replace with \`${replacement}\``, applicability: 'unsafe', edits: [edit] } : undefined,
          });
          return;
        }
        if (facts.nameWildcard) {
          ctx.report({ node: action, messageId: 'noMatch', data: { value, service } });
          return;
        }
        const near = nearest(name, serviceActions(service).values());
        const replacement = near ? `${service}:${near}` : undefined;
        const edit = replacement ? ctx.fixer.replaceValue(action, replacement) : undefined;
        ctx.report({
          node: action,
          messageId: 'unknownAction',
          data: { value, service, didYouMean: replacement ? ` Did you mean \`${replacement}\`?` : '' },
          fix: edit && replacement ? { title: `Replace with \`${replacement}\``, applicability: 'unsafe', edits: [edit] } : undefined,
        });
      },
    };
  },
});
