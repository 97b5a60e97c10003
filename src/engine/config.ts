/** Rule settings: severity and options per rule, merged from defaults, config file and command line. */
import type { Severity } from './diagnostic.js';

export type RuleSetting = Severity | 'off';

export interface RuleConfig {
  severity: RuleSetting;
  /** The user chose the severity (it then overrides a rule's per-finding severity). */
  explicit: boolean;
  options: Record<string, unknown>;
}

/** Per-provider allow-lists: who may appear in subjects at all. */
export interface ProviderSettings {
  github?: { owners?: string[] };
  gitlab?: { groups?: string[] };
  eks?: { clusters?: string[] };
  terraform?: { organizations?: string[] };
}

export interface Settings {
  providers: ProviderSettings;
}

export interface LintConfig {
  rules: Record<string, { severity?: RuleSetting; options?: Record<string, unknown> }>;
  providers?: ProviderSettings;
  /** Report suppression comments and ignores that suppress nothing (`unused-suppression`). */
  reportUnusedSuppressions?: boolean;
}

export const SEVERITIES: readonly RuleSetting[] = ['off', 'info', 'warning', 'error'];

export function isRuleSetting(s: string): s is RuleSetting {
  return (SEVERITIES as readonly string[]).includes(s);
}
