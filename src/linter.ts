/** The programmatic API: configure the rules once, lint texts or files. */
import { readFile, stat } from 'node:fs/promises';
import { RULES } from '../rules/index.js';
import type { RuleModule } from './rule-kit/index.js';
import { SourceFile } from './parsers/source.js';
import { lintSource, validateOptions, type EnabledRule } from './engine/engine.js';
import type { LintConfig, RuleConfig, Settings } from './engine/config.js';
import { SEVERITY_ORDER, docsUrl, type Diagnostic, type FileResult, type LintResults, type RuleDescription } from './engine/diagnostic.js';
import type { HclContext } from './extract/hcl.js';
import type { HclWorkspace } from './extract/hcl-module.js';

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;

/** Terraform HCL and `templatefile()` templates: read with the HCL grammar and their module's files. */
const TERRAFORM_FILES = /\.(tf|json\.tpl|tftpl|json\.tmpl)$/i;

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
  readonly reportUnusedSuppressions: boolean;
  /** Loaded on the first Terraform file: module facts of each directory, read once per Linter. */
  private hclWorkspace?: HclWorkspace;
  /** What `lintFile` learnt of a Terraform file's module, by display path (for `lintText` re-lints). */
  private readonly hclContexts = new Map<string, HclContext>();

  constructor(opts: LinterOptions = {}) {
    this.rules = [...RULES, ...(opts.plugins ?? [])];
    this.maxFileSize = opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.settings = { providers: opts.config?.providers ?? {} };
    this.reportUnusedSuppressions = opts.config?.reportUnusedSuppressions ?? false;
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

  /**
   * Loads what linting `.tf` files needs (the HCL grammar, WebAssembly). `lintFile` does it by itself;
   * call it once before `lintText` on a `.tf` file, which otherwise throws.
   */
  async prepare(): Promise<void> {
    const { loadHcl } = await import('./parsers/hcl.js');
    await loadHcl();
  }

  /**
   * Lints one file's text. `path` is shown to the user (relative, POSIX). A `.tf` file needs
   * `prepare()` first; its module's other files are known when `lintFile` read it before.
   */
  lintText(path: string, text: string, explicit = true): FileResult {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const file = new SourceFile(path, body);
    return {
      file: path,
      text: body,
      diagnostics: lintSource(file, this.enabled, { explicit, settings: this.settings, reportUnusedSuppressions: this.reportUnusedSuppressions, hcl: this.hclContexts.get(path) }),
    };
  }

  /** For a Terraform file: loads the grammar and reads the other files of its module. */
  private async prepareTerraform(absolutePath: string, displayPath: string): Promise<void> {
    const { HclWorkspace } = await import('./extract/hcl-module.js');
    this.hclWorkspace ??= new HclWorkspace(this.maxFileSize);
    const context = await this.hclWorkspace.contextFor(absolutePath);
    if (context) this.hclContexts.set(displayPath, context);
    else this.hclContexts.delete(displayPath);
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
      if (TERRAFORM_FILES.test(displayPath)) {
        try {
          await this.prepareTerraform(absolutePath, displayPath);
        } catch (e) {
          return this.fileProblem(displayPath, `${(e as Error).message}; the file was not linted.`);
        }
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
