import { defineRule } from '../src/rule-kit/index.js';

/** Reported by the engine, with `--report-unused-suppressions`, for suppressions that hide nothing. */
export default defineRule({
  meta: {
    id: 'unused-suppression',
    description: 'A suppression comment or ignore that suppresses no finding (reported with --report-unused-suppressions).',
    defaultSeverity: 'warning',
    securitySeverity: 2.0,
    fix: 'none',
    hasSuggestions: false,
    tags: ['maintainability'],
    messages: {},
  },
  create: () => ({}),
});
