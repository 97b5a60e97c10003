/**
 * `trustlint/eslint-plugin`: trustlint's rules in ESLint 9 (flat config).
 *
 *   import trustlint from 'trustlint/eslint-plugin';
 *   export default [...trustlint.configs.recommended];
 *
 * Every rule is `trustlint/<id>`; `configs.recommended` parses JSON with jsonc-eslint-parser and
 * YAML (and CloudFormation `.template`, JSON or YAML) with yaml-eslint-parser, and enables every rule
 * at its default severity (`info` becomes `warn`). See docs/integrations/eslint.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jsoncParser from 'jsonc-eslint-parser';
import * as yamlParser from 'yaml-eslint-parser';
import type { ESLint, Linter, Rule } from 'eslint';
import { RULES } from '../../rules/index.js';
import { toESLintRule } from './rule.js';

export type { TrustlintESLintRule, TrustlintRuleDocs, TrustlintSettings } from './rule.js';

/** The package's version, found upward from this module (src/ in tests, dist/src/ when installed). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'trustlint') return pkg.version ?? '0.0.0';
    } catch {
      // keep looking upward
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

/** The files `configs.recommended` lints, by parser. `*.tf.json` and `*.template.json` are JSON. */
export const JSON_FILES = ['**/*.json'];
export const YAML_FILES = ['**/*.yaml', '**/*.yml', '**/*.template'];

/** Typed with ESLint's own types, so that it fits `defineConfig()` and `eslint.config.ts`. */
export interface TrustlintPlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  rules: Record<string, Rule.RuleModule>;
  configs: { recommended: Linter.Config[] };
}

const ids = RULES.map((r) => r.meta.id);
// typescript-eslint's rule types describe the same objects as ESLint's, more strictly typed.
const rules = Object.fromEntries(RULES.map((r) => [r.meta.id, toESLintRule(r, ids) as unknown as Rule.RuleModule]));

const plugin: TrustlintPlugin = {
  meta: { name: 'trustlint', version: version() },
  rules,
  configs: { recommended: [] },
};

const recommendedRules: Linter.RulesRecord = Object.fromEntries(RULES.map((r) => [`trustlint/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']));

plugin.configs.recommended = [
  {
    name: 'trustlint/recommended/json',
    files: JSON_FILES,
    plugins: { trustlint: plugin },
    languageOptions: { parser: jsoncParser },
    rules: recommendedRules,
  },
  {
    name: 'trustlint/recommended/yaml',
    files: YAML_FILES,
    plugins: { trustlint: plugin },
    languageOptions: { parser: yamlParser },
    rules: recommendedRules,
  },
];

export default plugin;
