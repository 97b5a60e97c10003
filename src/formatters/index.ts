/**
 * Output formatters: pure functions of the lint results (no I/O, no engine logic).
 * `format()` loads the requested formatter lazily, so `--format json` never pays for colours or SARIF.
 * The helpers below are shared by the formatters (ordering and terminal-safe escaping).
 */
import { posix } from 'node:path';
import type { Diagnostic, LintResults, RuleDescription } from '../engine/diagnostic.js';

export type FormatName = 'stylish' | 'json' | 'sarif' | 'github';

export const FORMATS: readonly FormatName[] = ['stylish', 'json', 'sarif', 'github'];

export function isFormatName(name: string): name is FormatName {
  return (FORMATS as readonly string[]).includes(name);
}

export interface FormatOptions {
  /** stylish: emit ANSI colours. */
  color?: boolean;
  /** sarif: `tool.driver.version`. */
  toolVersion?: string;
  /** sarif: `tool.driver.informationUri`. */
  informationUri?: string;
  /**
   * sarif, github: where the working directory is in the repository (`infra`), so that paths are
   * written relative to the repository root, as code scanning and annotations read them.
   */
  repoPrefix?: string;
}

/** The results with each path taken from the working directory to the repository root. */
function rebased(results: LintResults, prefix: string | undefined): LintResults {
  if (!prefix) return results;
  const to = (file: string) => posix.normalize(posix.join(prefix, file));
  return {
    ...results,
    results: results.results.map((r) => ({ ...r, file: to(r.file), diagnostics: r.diagnostics.map((d) => ({ ...d, file: to(d.file) })) })),
  };
}

export async function format(
  name: FormatName,
  results: LintResults,
  rules: RuleDescription[],
  opts: FormatOptions = {},
): Promise<string> {
  switch (name) {
    case 'stylish': {
      const { formatStylish } = await import('./stylish.js');
      return formatStylish(results, { color: opts.color ?? false });
    }
    case 'json': {
      const { formatJson } = await import('./json.js');
      return formatJson(results);
    }
    case 'sarif': {
      const { formatSarif } = await import('./sarif.js');
      return formatSarif(rebased(results, opts.repoPrefix), rules, {
        toolVersion: opts.toolVersion ?? '0.0.0',
        informationUri: opts.informationUri,
      });
    }
    case 'github': {
      const { formatGithub } = await import('./github.js');
      return formatGithub(rebased(results, opts.repoPrefix));
    }
    default: {
      const unknown: never = name;
      throw new Error(`Unknown format "${String(unknown)}"; expected one of: ${FORMATS.join(', ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** Code-unit order, independent of the locale (so reports are identical on every machine). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order of every report: file, line, column, rule id (then end, message, fingerprint, for determinism). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    a.range.end.line - b.range.end.line ||
    a.range.end.column - b.range.end.column ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

/** All diagnostics of all files, in report order. */
export function sortedDiagnostics(results: LintResults): Diagnostic[] {
  return results.results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
}

function hex(code: number, digits: number): string {
  return code.toString(16).toUpperCase().padStart(digits, '0');
}

/**
 * The visible escape for a UTF-16 code unit that must not reach a terminal raw, or undefined.
 * C0 controls except tab, DEL, C1 controls (`\xNN`); bidirectional overrides and isolates,
 * line/paragraph separators, invisible characters (zero-width space, word joiner, a byte order mark
 * inside text: `Fede\u200Brated` must not read as `Federated`) and lone surrogates (`\uNNNN`), which
 * could reorder or hide text.
 * `next`/`prev` are the neighbouring code units, to tell a surrogate pair from a lone half.
 */
export function controlEscape(code: number, prev = 0, next = 0): string | undefined {
  if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) return `\\x${hex(code, 2)}`;
  if (
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x200b ||
    code === 0x2060 ||
    code === 0xfeff
  ) {
    return `\\u${hex(code, 4)}`;
  }
  if (code >= 0xd800 && code <= 0xdbff && !(next >= 0xdc00 && next <= 0xdfff)) return `\\u${hex(code, 4)}`;
  if (code >= 0xdc00 && code <= 0xdfff && !(prev >= 0xd800 && prev <= 0xdbff)) return `\\u${hex(code, 4)}`;
  return undefined;
}

/** `s` with every control character (see `controlEscape`) replaced by a visible escape. */
export function escapeControl(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const e = controlEscape(s.charCodeAt(i), i > 0 ? s.charCodeAt(i - 1) : 0, s.charCodeAt(i + 1) || 0);
    if (e !== undefined) {
      out += s.slice(from, i) + e;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}
