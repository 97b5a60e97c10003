/** The programmatic API: configure the rules once, lint texts or files. */
import { readFile, stat } from 'node:fs/promises';
import { RULES } from '../rules/index.js';
import type { RuleModule } from './rule-kit/index.js';
import { SourceFile } from './parsers/source.js';
import { lintSource, validateOptions, type EnabledRule } from './engine/engine.js';
import type { LintConfig, RuleConfig, Settings } from './engine/config.js';
import { SEVERITY_ORDER, docsUrl, type Diagnostic, type FileResult, type LintResults, type RuleDescription } from './engine/diagnostic.js';

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;

export interface LinterOptions {
  config?: LintConfig;
  /** Extra rules (a third-party rule pack), after the built-in ones. */
  plugins?: RuleModule<string, Record<string, unknown>>[];
  maxFileSize?: number;
}

export class UsageError extends Error {}

export class Linter {
  readonly rules: RuleModule<string, Record<string, unknown>>[];
  readonly enabled: EnabledRule[];
  readonly maxFileSize: number;
  readonly settings: Settings;

  constructor(opts: LinterOptions = {}) {
    this.rules = [...RULES, ...(opts.plugins ?? [])];
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.settings = { providers: opts.config?.providers ?? {} };
    const settings = opts.config?.rules ?? {};
    const known = new Set(this.rules.map((r) => r.meta.id));
    for (const id of Object.keys(settings)) {
      if (!known.has(id)) throw new UsageError(`Unknown rule '${id}'. Run \`trustlint rules\` to list the rules.`);
    }
    this.enabled = this.rules.map((rule) => {
      const s = settings[rule.meta.id];
      const problem = s?.options ? validateOptions(rule, s.options) : undefined;
      if (problem) throw new UsageError(`Invalid configuration: ${problem}.`);
      const config: RuleConfig = {
        severity: s?.severity ?? rule.meta.defaultSeverity,
        explicit: s?.severity !== undefined,
        options: s?.options ?? {},
      };
      return { rule, config };
    });
  }

  /** Lints one file's text. `path` is shown to the user (relative, POSIX). */
  lintText(path: string, text: string, explicit = true): FileResult {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const file = new SourceFile(path, body);
    return { file: path, text: body, diagnostics: lintSource(file, this.enabled, { explicit, settings: this.settings }) };
  }

  /** Reads and lints a file; unreadable or oversized files become located findings, never exceptions. */
  async lintFile(absolutePath: string, displayPath: string, explicit: boolean): Promise<FileResult> {
    try {
      const st = await stat(absolutePath);
      if (st.size > this.maxFileSize) {
        return this.fileProblem(displayPath, `File is ${st.size} bytes, over the ${this.maxFileSize}-byte limit (--max-file-size); it was not linted.`);
      }
      const buf = await readFile(absolutePath);
      if (buf.includes(0)) {
        if (!explicit) return { file: displayPath, diagnostics: [] };
        return this.fileProblem(displayPath, 'File is binary (it contains NUL bytes); it was not linted.');
      }
      return this.lintText(displayPath, new TextDecoder('utf-8').decode(buf), explicit);
    } catch (e) {
      return this.fileProblem(displayPath, `File could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
    }
  }

  private fileProblem(path: string, message: string): FileResult {
    const parse = this.enabled.find((r) => r.rule.meta.id === 'parse-error');
    const severity = parse && parse.config.severity !== 'off' ? parse.config.severity : undefined;
    const diagnostics: Diagnostic[] = severity
      ? [
          {
            ruleId: 'parse-error',
            severity,
            message,
            file: path,
            range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
            offsets: { start: 0, end: 0 },
            path: '',
            fingerprint: `parse-error:${path}`,
            docsUrl: docsUrl('parse-error'),
          },
        ]
      : [];
    return { file: path, diagnostics };
  }

  describeRules(): RuleDescription[] {
    return this.rules.map((r) => ({
      id: r.meta.id,
      description: r.meta.description,
      defaultSeverity: r.meta.defaultSeverity,
      securitySeverity: r.meta.securitySeverity,
      fix: r.meta.fix,
      hasSuggestions: r.meta.hasSuggestions,
      docsUrl: docsUrl(r.meta.id),
      tags: r.meta.tags ?? [],
    }));
  }
}

export function summarize(results: FileResult[], quiet = false): LintResults {
  const out = quiet ? results.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') })) : results;
  const summary = { files: results.length, errors: 0, warnings: 0, infos: 0 };
  for (const r of out) {
    r.diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId));
    for (const d of r.diagnostics) {
      if (d.severity === 'error') summary.errors++;
      else if (d.severity === 'warning') summary.warnings++;
      else summary.infos++;
    }
  }
  return { results: out, summary };
}
