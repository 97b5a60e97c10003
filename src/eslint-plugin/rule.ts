/**
 * One trustlint rule as an ESLint rule. ESLint rules see ESLint's AST of the file (jsonc-eslint-parser,
 * yaml-eslint-parser); trustlint rules see the policy model. So each ESLint rule runs the trustlint
 * engine on the file's text — once per file for all the rules that share a configuration, the result
 * cached on ESLint's SourceCode object — and reports that rule's diagnostics at their offsets.
 */
import * as ESLintUtils from '@typescript-eslint/utils/eslint-utils';
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { RuleContext, RuleFix, RuleFixer, RuleModule as ESLintRuleModule, SourceCode } from '@typescript-eslint/utils/ts-eslint';
import { relative, sep } from 'node:path';
import { Linter } from '../linter.js';
import { docsUrl, type Diagnostic, type Edit, type FileResult, type Fix, type Severity } from '../engine/diagnostic.js';
import type { LintConfig, ProviderSettings } from '../engine/config.js';
import type { OptionSpec, RuleModule } from '../rule-kit/index.js';

export type MessageIds = 'finding' | 'suggestion';
export type Options = [Record<string, unknown>?];

/** What `meta.docs` carries besides ESLint's own `description` and `url`. */
export interface TrustlintRuleDocs {
  /** Enabled by `configs.recommended`. */
  recommended: boolean;
  /** The rule's severity in trustlint (`info` is `warn` in ESLint). */
  defaultSeverity: Severity;
}

export type TrustlintESLintRule = ESLintRuleModule<MessageIds, Options, TrustlintRuleDocs>;

const createRule = ESLintUtils.RuleCreator<TrustlintRuleDocs>((id) => docsUrl(id));

/** A rule option as JSON Schema, so ESLint validates options before the engine sees them. */
function optionSchema(spec: OptionSpec): JSONSchema4 {
  const base = { description: spec.description };
  switch (spec.type) {
    case 'string[]':
      return { ...base, type: 'array', items: { type: 'string' } };
    case 'object':
      return { ...base, type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } };
    default:
      return { ...base, type: spec.type };
  }
}

function defaultOptionsOf(rule: RuleModule<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rule.meta.options ?? {}).map(([k, spec]) => [k, spec.default]));
}

/** `settings.trustlint` in the ESLint config: the project settings of `trustlint.config.yaml`. */
export interface TrustlintSettings {
  providers?: ProviderSettings;
}

function providersOf(settings: Record<string, unknown>): ProviderSettings {
  const own = settings.trustlint;
  if (own === undefined) return {};
  if (!own || typeof own !== 'object' || Array.isArray(own)) throw new Error('trustlint: `settings.trustlint` must be an object such as { providers: { github: { owners: ["acme"] } } }.');
  const providers = (own as TrustlintSettings).providers ?? {};
  if (!providers || typeof providers !== 'object' || Array.isArray(providers)) throw new Error('trustlint: `settings.trustlint.providers` must be an object.');
  return providers;
}

// One lint per file and configuration: N rules on one SourceCode share one run.
const results = new WeakMap<object, Map<string, FileResult>>();
const linters = new Map<string, Linter>();

function linterFor(key: string, config: LintConfig): Linter {
  let linter = linters.get(key);
  if (!linter) {
    linter = new Linter({ config });
    linters.set(key, linter);
  }
  return linter;
}

/** The path the engine sees: relative to ESLint's cwd and POSIX, as the CLI shows it. */
function displayPath(filename: string, cwd: string): string {
  const rel = relative(cwd, filename);
  return (rel && !rel.startsWith('..') ? rel : filename).split(sep).join('/');
}

function lint(context: Readonly<RuleContext<MessageIds, Options>>, allIds: readonly string[], ruleId: string, custom?: Record<string, unknown>): FileResult {
  const { sourceCode } = context;
  const providers = providersOf(context.settings);
  // Every rule at its defaults shares one run; a rule given options runs alone with them.
  const key = JSON.stringify(custom ? [providers, ruleId, custom] : [providers]);
  let byKey = results.get(sourceCode);
  if (!byKey) {
    byKey = new Map();
    results.set(sourceCode, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    // Unused trustlint suppressions are found in the shared run, where every rule runs; they are
    // reported only where `trustlint/unused-suppression` is on, like ESLint's unused directives.
    const config: LintConfig = { rules: {}, providers, reportUnusedSuppressions: !custom };
    if (custom) {
      for (const id of allIds) config.rules[id] = { severity: 'off' };
      config.rules[ruleId] = { options: custom };
    }
    // Files reach ESLint by its globs, as the CLI's directory walk: a parse error is reported only
    // when the file looks like one of ours (a not-ours file would fail ESLint's parser first anyway).
    result = linterFor(key, config).lintText(displayPath(context.filename, context.cwd), sourceCode.text, false);
    byKey.set(key, result);
  }
  return result;
}

function fixFunction(edits: Edit[]): (fixer: RuleFixer) => RuleFix[] {
  return (fixer) => edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text));
}

function report(context: Readonly<RuleContext<MessageIds, Options>>, sourceCode: Readonly<SourceCode>, d: Diagnostic): void {
  // The offsets index the very text ESLint parsed; ESLint's own line table turns them into its
  // 1-based lines and 0-based columns, so `eslint-disable-next-line` and editors agree with it.
  const loc = { start: sourceCode.getLocFromIndex(d.offsets.start), end: sourceCode.getLocFromIndex(d.offsets.end) };
  const safe = d.fix?.applicability === 'safe' && d.fix.edits.length > 0 ? d.fix : undefined;
  const offered: Fix[] = [...(d.fix && !safe ? [d.fix] : []), ...(d.suggestions ?? [])].filter((f) => f.edits.length > 0);
  context.report({
    loc,
    messageId: 'finding',
    data: { message: d.message },
    fix: safe ? fixFunction(safe.edits) : null,
    suggest: offered.map((f) => ({ messageId: 'suggestion' as const, data: { title: f.title }, fix: fixFunction(f.edits) })),
  });
}

/** `allIds`: every rule of the engine, so that a rule given options can run alone. */
export function toESLintRule(rule: RuleModule<string, Record<string, unknown>>, allIds: readonly string[]): TrustlintESLintRule {
  const { meta } = rule;
  const defaults = defaultOptionsOf(rule);
  const specs = Object.entries(meta.options ?? {});
  return createRule<Options, MessageIds>({
    name: meta.id,
    meta: {
      type: meta.defaultSeverity === 'info' ? 'suggestion' : 'problem',
      docs: { description: meta.description, recommended: true, defaultSeverity: meta.defaultSeverity },
      // Applicability ranks display-only < safe < unsafe: a rule declaring `unsafe` may emit safe fixes
      // too. Only safe fixes become ESLint fixes (`--fix`); the others, and suggestions, are suggestions.
      ...(meta.fix === 'safe' || meta.fix === 'unsafe' ? { fixable: 'code' as const } : {}),
      hasSuggestions: meta.hasSuggestions || meta.fix !== 'none',
      messages: { finding: '{{message}}', suggestion: '{{title}}' },
      schema:
        specs.length === 0
          ? []
          : [{ type: 'object', properties: Object.fromEntries(specs.map(([k, spec]) => [k, optionSchema(spec)])), additionalProperties: false }],
      // A rule without options takes none (ESLint rejects `[{}]` against an empty schema).
      defaultOptions: specs.length === 0 ? [] : [defaults],
    },
    create(context, [options]) {
      const custom = options === undefined || JSON.stringify(options) === JSON.stringify(defaults) ? undefined : options;
      return {
        'Program:exit'() {
          for (const d of lint(context, allIds, meta.id, custom).diagnostics) {
            if (d.ruleId === meta.id) report(context, context.sourceCode, d);
          }
        },
      };
    },
  });
}
