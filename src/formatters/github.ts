/**
 * `--format github`: GitHub Actions workflow commands, which the runner turns into annotations.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Diagnostic, LintResults, Severity } from '../engine/diagnostic.js';
import { escapeControl, sortedDiagnostics } from './index.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * Escaping of a command's message (the runner decodes `%25`, `%0D`, `%0A`). Any other control
 * character is made visible, so a value from a linted file cannot colour or rewrite the log.
 */
function escapeData(s: string): string {
  return escapeControl(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** Escaping of a property value: as the message, plus `:` and `,`, which delimit properties. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(d: Diagnostic): string {
  const props = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.range.start.line}`,
    `col=${d.range.start.column}`,
    `endLine=${d.range.end.line}`,
    `endColumn=${d.range.end.column}`,
    `title=${escapeProperty(d.ruleId)}`,
  ];
  return `::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.message)}`;
}

export function formatGithub(results: LintResults): string {
  return sortedDiagnostics(results)
    .map((d) => `${command(d)}\n`)
    .join('');
}
