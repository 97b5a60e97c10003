/** trustlint's public API. */
export { Linter, summarize, UsageError, type LinterOptions } from './linter.js';
export type { Diagnostic, FileResult, Fix, Edit, LintResults, RuleDescription, Severity } from './engine/diagnostic.js';
export { defineRule } from './rule-kit/index.js';
