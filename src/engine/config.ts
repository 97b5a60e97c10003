/** Rule settings: severity and options per rule, merged from defaults, config file and command line. */
import type { Severity } from './diagnostic.js';

export type RuleSetting = Severity | 'off';

export interface RuleConfig {
  severity: RuleSetting;
  /** The user chose the severity (it then overrides a rule's per-finding severity). */
  explicit: boolean;
  options: Record<string, unknown>;
}

export interface LintConfig {
  rules: Record<string, { severity?: RuleSetting; options?: Record<string, unknown> }>;
}

export const SEVERITIES: readonly RuleSetting[] = ['off', 'info', 'warning', 'error'];

export function isRuleSetting(s: string): s is RuleSetting {
  return (SEVERITIES as readonly string[]).includes(s);
}
