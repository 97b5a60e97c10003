/** What the engine reports, and what formatters and fixers consume. */
import type { Position } from '../parsers/source.js';

export type Severity = 'error' | 'warning' | 'info';
export type Applicability = 'safe' | 'unsafe' | 'display-only';

/** A text edit with 0-based offsets into the original file text (end exclusive). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  title: string;
  applicability: Applicability;
  edits: Edit[];
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Relative to the working directory, POSIX separators. */
  file: string;
  /** 1-based; end exclusive; columns in UTF-16 code units. */
  range: { start: Position; end: Position };
  /** 0-based offsets of the same range. */
  offsets: { start: number; end: number };
  /** Location of the value in the file's structure (`Resources.Role.Properties...`). */
  path: string;
  fix?: Fix;
  suggestions?: Fix[];
  /** Stable across unrelated edits: rule, file, path and offending value; never line numbers. */
  fingerprint: string;
  docsUrl: string;
  /** Further locations that explain the finding (the kept one of two duplicated keys). */
  related?: Array<{ message: string; range: { start: Position; end: Position } }>;
}

export interface FileResult {
  /** Relative, POSIX. */
  file: string;
  /** Present when the file was read: used by formatters for code frames. */
  text?: string;
  diagnostics: Diagnostic[];
}

export interface LintSummary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export interface LintResults {
  results: FileResult[];
  summary: LintSummary;
}

export interface RuleDescription {
  id: string;
  description: string;
  defaultSeverity: Severity;
  securitySeverity: number;
  fix: Applicability | 'none';
  hasSuggestions: boolean;
  docsUrl: string;
  /** Markdown help (the docs page, for SARIF `help.markdown`). */
  helpMarkdown?: string;
  tags: string[];
}

export const DOCS_BASE = 'https://github.com/trustlint/trustlint/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
