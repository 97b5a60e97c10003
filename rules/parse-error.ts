import { defineRule } from '../src/rule-kit/index.js';

/** Reported by the engine itself when a file, or a policy written as JSON text, does not parse. */
export default defineRule({
  meta: {
    id: 'parse-error',
    description: 'The file, or a policy written as JSON text inside it, could not be parsed.',
    defaultSeverity: 'error',
    securitySeverity: 1.0,
    fix: 'none',
    hasSuggestions: false,
    tags: ['correctness'],
    messages: {},
  },
  create: () => ({}),
});
