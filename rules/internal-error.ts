import { defineRule } from '../src/rule-kit/index.js';

/** Reported by the engine when a rule throws: the run goes on, and the failure is visible. */
export default defineRule({
  meta: {
    id: 'internal-error',
    description: 'A rule failed on a policy; its findings for that file are incomplete.',
    defaultSeverity: 'error',
    securitySeverity: 1.0,
    fix: 'none',
    hasSuggestions: false,
    tags: ['tool'],
    messages: {},
  },
  create: () => ({}),
});
