/**
 * `--format stylish` (the default): ESLint-like, grouped by file, each finding with a code frame.
 *
 *   templates/role.yaml
 *     12:11  error    `…:sub` matches any repository  wildcard-subject
 *       11 |         Condition:
 *     > 12 |           StringLike: { "…:sub": "repo:*" }
 *          |           ^^^^^^^^^^
 *       13 |   Policies:
 *     suggestion: Restrict the subject to one repository
 *
 *   ✖ 1 problem (1 error, 0 warnings, 0 infos)
 *
 * Everything taken from the linted files or the messages is escaped (see `escapeControl`), so a
 * crafted file cannot send escape sequences to the terminal.
 */
import pc from 'picocolors';
import type { Diagnostic, Fix, LintResults, Severity } from '../engine/diagnostic.js';
import { SourceFile } from '../parsers/source.js';
import { compareDiagnostics, controlEscape, escapeControl } from './index.js';

type Colors = ReturnType<typeof pc.createColors>;

const TAB_WIDTH = 4;
const SEVERITY_WIDTH = 'warning'.length;
const PLURAL: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  info: ['info', 'infos'],
};

function count(n: number, severity: Severity): string {
  return `${n} ${PLURAL[severity][n === 1 ? 0 : 1]}`;
}

function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function severityColor(c: Colors, severity: Severity): (s: string) => string {
  return severity === 'error' ? c.red : severity === 'warning' ? c.yellow : c.cyan;
}

/**
 * A source line as displayed: tabs expanded, control characters escaped. `col[i]` is the display
 * column where code unit `i` starts (`col[line.length]` is the display width), so carets line up.
 */
function displayLine(line: string): { text: string; col: number[] } {
  let text = '';
  const col: number[] = [];
  let width = 0;
  for (let i = 0; i < line.length; i++) {
    col.push(width);
    const code = line.charCodeAt(i);
    if (code === 0x09) {
      const n = TAB_WIDTH - (width % TAB_WIDTH);
      text += ' '.repeat(n);
      width += n;
      continue;
    }
    const escaped = controlEscape(code, i > 0 ? line.charCodeAt(i - 1) : 0, line.charCodeAt(i + 1) || 0);
    if (escaped !== undefined) {
      text += escaped;
      width += escaped.length;
    } else {
      text += line[i];
      // The second half of a surrogate pair shares the cell of the first.
      if (!(code >= 0xdc00 && code <= 0xdfff)) width += 1;
    }
  }
  col.push(width);
  return { text, col };
}

const MAX_FRAME_WIDTH = 160;
const FRAME_LEAD = 40;

/** The offending line with one line of context on each side, and a caret underline under the range. */
function codeFrame(source: SourceFile, d: Diagnostic, c: Colors): string[] {
  const { start, end } = d.range;
  if (start.line < 1 || start.line > source.lineCount) return [];
  const first = Math.max(1, start.line - 1);
  let last = Math.min(source.lineCount, start.line + 1);
  // The empty "line" after a final newline is not worth showing as context.
  if (last > start.line && last === source.lineCount && source.lineText(last) === '') last--;
  const gutterWidth = String(last).length;
  const color = severityColor(c, d.severity);
  // Long lines (minified JSON, Terraform plans) are shown as a window around the offending range.
  const startRaw = source.lineText(start.line);
  const startShown = displayLine(startRaw);
  const from = Math.min(Math.max(start.column - 1, 0), startRaw.length);
  const to = end.line === start.line ? Math.min(Math.max(end.column - 1, from), startRaw.length) : startRaw.length;
  const indent = startShown.col[from];
  const width = Math.max(1, startShown.col[to] - indent);
  const winStart = startShown.text.length > MAX_FRAME_WIDTH ? Math.max(0, indent - FRAME_LEAD) : 0;
  const winEnd = winStart + Math.max(MAX_FRAME_WIDTH, Math.min(width, MAX_FRAME_WIDTH * 2) + FRAME_LEAD);
  const clip = (text: string): string => {
    if (text.length <= MAX_FRAME_WIDTH && winStart === 0) return text;
    const head = winStart > 0 ? '…' : '';
    const tail = text.length > winEnd ? '…' : '';
    return head + text.slice(winStart, winEnd) + tail;
  };
  const lines: string[] = [];
  for (let n = first; n <= last; n++) {
    const shown = n === start.line ? startShown : displayLine(source.lineText(n));
    const marker = n === start.line ? color('>') : ' ';
    const gutter = c.dim(`${String(n).padStart(gutterWidth)} |`);
    const text = clip(shown.text);
    lines.push(`  ${marker} ${gutter}${text === '' ? '' : ` ${text}`}`);
    if (n === start.line) {
      const pad = indent - winStart + (winStart > 0 ? 1 : 0);
      const carets = Math.max(1, Math.min(width, winEnd - indent));
      lines.push(`    ${c.dim(`${' '.repeat(gutterWidth)} |`)} ${' '.repeat(pad)}${color('^'.repeat(carets))}`);
    }
  }
  return lines;
}

function fixLines(d: Diagnostic, c: Colors): string[] {
  const lines: string[] = [];
  const label = (fix: Fix): string => escapeControl(fix.title);
  if (d.fix) lines.push(`  ${c.green('fix available:')} ${label(d.fix)} ${c.dim(`(${d.fix.applicability})`)}`);
  for (const s of d.suggestions ?? []) lines.push(`  ${c.green('suggestion:')} ${label(s)}`);
  return lines;
}

export function formatStylish(results: LintResults, opts: { color: boolean }): string {
  const c = pc.createColors(opts.color);
  const files = results.results
    .filter((r) => r.diagnostics.length > 0)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (files.length === 0) return '';

  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const fixable: Record<'safe' | 'unsafe', Record<Severity, number>> = {
    safe: { error: 0, warning: 0, info: 0 },
    unsafe: { error: 0, warning: 0, info: 0 },
  };
  const out: string[] = [];

  for (const file of files) {
    const source = file.text === undefined ? undefined : new SourceFile(file.file, file.text);
    const diagnostics = [...file.diagnostics].sort(compareDiagnostics);
    const positions = diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column}`);
    const positionWidth = positions.reduce((w, p) => Math.max(w, p.length), 0);
    const blocks = diagnostics.map((d, i) => {
      totals[d.severity]++;
      const applicability = d.fix?.applicability;
      if (applicability === 'safe' || applicability === 'unsafe') fixable[applicability][d.severity]++;
      const head =
        `  ${c.dim(positions[i].padEnd(positionWidth))}` +
        `  ${severityColor(c, d.severity)(d.severity.padEnd(SEVERITY_WIDTH))}` +
        `  ${escapeControl(d.message)}` +
        `  ${c.dim(escapeControl(d.ruleId))}`;
      return [head, ...(source ? codeFrame(source, d, c) : []), ...fixLines(d, c)];
    });
    // Compact (ESLint-like) when no finding has a frame or a fix line; otherwise one blank line between findings.
    const spaced = blocks.some((b) => b.length > 1);
    out.push(c.underline(escapeControl(file.file)));
    blocks.forEach((b, i) => {
      if (spaced && i > 0) out.push('');
      out.push(...b);
    });
    out.push('');
  }

  const problems = totals.error + totals.warning + totals.info;
  const summary =
    `✖ ${problems} ${problems === 1 ? 'problem' : 'problems'} ` +
    `(${count(totals.error, 'error')}, ${count(totals.warning, 'warning')}, ${count(totals.info, 'info')})`;
  const summaryColor = totals.error > 0 ? c.red : totals.warning > 0 ? c.yellow : c.cyan;
  out.push(c.bold(summaryColor(summary)));
  for (const [kind, flag] of [
    ['safe', '--fix'],
    ['unsafe', '--unsafe-fixes'],
  ] as const) {
    const parts = (['error', 'warning', 'info'] as const)
      .filter((s) => fixable[kind][s] > 0)
      .map((s) => count(fixable[kind][s], s));
    if (parts.length > 0) out.push(c.bold(summaryColor(`  ${joinAnd(parts)} potentially fixable with ${flag}`)));
  }
  return `${out.join('\n')}\n`;
}
