/**
 * `--format json`: the stable machine-readable report (DESIGN.md, "Contracts").
 * Keys are written in a fixed order; `offsets` and `related` are internal and not part of the contract.
 */
import type { Diagnostic, Fix, LintResults } from '../engine/diagnostic.js';
import { sortedDiagnostics } from './index.js';

function fixJson(fix: Fix): Fix {
  return {
    title: fix.title,
    applicability: fix.applicability,
    edits: fix.edits.map((e) => ({ start: e.start, end: e.end, text: e.text })),
  };
}

function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    file: d.file,
    range: {
      start: { line: d.range.start.line, column: d.range.start.column },
      end: { line: d.range.end.line, column: d.range.end.column },
    },
    path: d.path,
  };
  if (d.fix) out.fix = fixJson(d.fix);
  if (d.suggestions && d.suggestions.length > 0) out.suggestions = d.suggestions.map(fixJson);
  out.fingerprint = d.fingerprint;
  out.docsUrl = d.docsUrl;
  return out;
}

export function formatJson(results: LintResults): string {
  const { files, errors, warnings, infos } = results.summary;
  const report = {
    version: 1,
    diagnostics: sortedDiagnostics(results).map(diagnosticJson),
    summary: { files, errors, warnings, infos },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
