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
import type { FlatConfig } from '@typescript-eslint/utils/ts-eslint';
import { RULES } from '../../rules/index.js';
import { toESLintRule, type TrustlintESLintRule } from './rule.js';

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

export interface TrustlintPlugin {
  meta: { name: string; version: string };
  rules: Record<string, TrustlintESLintRule>;
  configs: { recommended: FlatConfig.Config[] };
}

const ids = RULES.map((r) => r.meta.id);
const rules: Record<string, TrustlintESLintRule> = Object.fromEntries(RULES.map((r) => [r.meta.id, toESLintRule(r, ids)]));

const plugin: TrustlintPlugin = {
  meta: { name: 'trustlint', version: version() },
  rules,
  configs: { recommended: [] },
};

const recommendedRules: FlatConfig.Rules = Object.fromEntries(RULES.map((r) => [`trustlint/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']));

plugin.configs.recommended = [
  {
    name: 'trustlint/recommended/json',
    files: JSON_FILES,
    plugins: { trustlint: plugin as unknown as FlatConfig.Plugin },
    languageOptions: { parser: jsoncParser },
    rules: recommendedRules,
  },
  {
    name: 'trustlint/recommended/yaml',
    files: YAML_FILES,
    plugins: { trustlint: plugin as unknown as FlatConfig.Plugin },
    languageOptions: { parser: yamlParser },
    rules: recommendedRules,
  },
];

export default plugin;
