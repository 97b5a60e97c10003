/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
 * https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 *
 * Deterministic (no times, no absolute paths): artifact URIs are relative to `%SRCROOT%`, which the
 * consumer resolves against the checkout. Columns are UTF-16 code units, end column exclusive,
 * exactly as our diagnostics count them.
 */
import type { Diagnostic, Fix, LintResults, RuleDescription, Severity } from '../engine/diagnostic.js';
import { SourceFile } from '../parsers/source.js';
import { sortedDiagnostics } from './index.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const DEFAULT_INFORMATION_URI = 'https://github.com/trustlint/trustlint';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT_KEY = 'trustlint/v1';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub's `problem.severity` vocabulary. */
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

interface Region {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  charOffset?: number;
  charLength?: number;
}

interface ArtifactLocation {
  uri: string;
  uriBaseId: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: Record<string, unknown>;
}

/** `missing-audience` → `MissingAudience`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

// RFC 3986 path characters kept as they are: unreserved, sub-delims, ':' and '@' (pchar), and '/'.
const URI_KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/**
 * A relative POSIX path as a relative URI reference: everything outside `pchar` percent-encoded
 * (UTF-8), and ':' in the first segment too, where it would read as a scheme.
 */
export function pathToUri(path: string): string {
  const encoder = new TextEncoder();
  let out = '';
  let firstSegment = true;
  for (const ch of path) {
    if (ch === '/') firstSegment = false;
    if (URI_KEEP.test(ch) && !(ch === ':' && firstSegment)) {
      out += ch;
    } else {
      for (const b of encoder.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function securitySeverity(n: number): string {
  const clamped = Number.isFinite(n) ? Math.min(10, Math.max(0, n)) : 0;
  // Round half up on the decimal value (`toFixed` alone turns 5.55 into "5.5").
  return (Math.round(clamped * 10) / 10).toFixed(1);
}

function ruleDescriptor(rule: RuleDescription): SarifRule {
  const helpText = `${rule.description}\n\nSee ${rule.docsUrl}`;
  const helpMarkdown =
    rule.helpMarkdown ?? `${rule.description}\n\nSee the [\`${rule.id}\` documentation](${rule.docsUrl}).`;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: helpText, markdown: helpMarkdown },
    helpUri: rule.docsUrl,
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: {
      'security-severity': securitySeverity(rule.securitySeverity),
      tags: [...new Set(['security', ...rule.tags])],
      precision: 'high',
      'problem.severity': PROBLEM_SEVERITY[rule.defaultSeverity],
    },
  };
}

/**
 * A finding whose rule was not described (`parse-error`, `internal-error`): described from the
 * finding itself, without a security severity, since it is not a security finding.
 */
function syntheticDescriptor(d: Diagnostic): SarifRule {
  return {
    id: d.ruleId,
    name: pascalCase(d.ruleId),
    shortDescription: { text: d.ruleId },
    fullDescription: { text: d.ruleId },
    help: { text: `See ${d.docsUrl}`, markdown: `See the [\`${d.ruleId}\` documentation](${d.docsUrl}).` },
    helpUri: d.docsUrl,
    defaultConfiguration: { level: LEVEL[d.severity] },
    properties: { tags: ['trustlint'], precision: 'high', 'problem.severity': PROBLEM_SEVERITY[d.severity] },
  };
}

function rangeRegion(range: Diagnostic['range']): Region {
  return {
    startLine: Math.max(1, range.start.line),
    startColumn: Math.max(1, range.start.column),
    endLine: Math.max(1, range.end.line),
    endColumn: Math.max(1, range.end.column),
  };
}

/** 0-based offsets as a region: line/column when the text is known, else character offsets. */
function offsetRegion(source: SourceFile | undefined, start: number, end: number): Region {
  if (!source) return { charOffset: start, charLength: Math.max(0, end - start) };
  const s = source.position(start);
  const e = source.position(end);
  return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

function sarifFix(fix: Fix, location: ArtifactLocation, source: SourceFile | undefined): Record<string, unknown> {
  return {
    description: { text: fix.title },
    artifactChanges: [
      {
        artifactLocation: location,
        replacements: fix.edits.map((e) => ({
          deletedRegion: offsetRegion(source, e.start, e.end),
          insertedContent: { text: e.text },
        })),
      },
    ],
    properties: { applicability: fix.applicability },
  };
}

export function formatSarif(
  results: LintResults,
  rules: RuleDescription[],
  opts: { toolVersion: string; informationUri?: string },
): string {
  const descriptors = [...rules]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(ruleDescriptor);
  const ruleIndex = new Map<string, number>();
  descriptors.forEach((r, i) => {
    if (!ruleIndex.has(r.id)) ruleIndex.set(r.id, i);
  });

  const sources = new Map<string, SourceFile>();
  for (const r of results.results) {
    if (r.text !== undefined && !sources.has(r.file)) sources.set(r.file, new SourceFile(r.file, r.text));
  }

  const sarifResults = sortedDiagnostics(results).map((d) => {
    let index = ruleIndex.get(d.ruleId);
    if (index === undefined) {
      index = descriptors.push(syntheticDescriptor(d)) - 1;
      ruleIndex.set(d.ruleId, index);
    }
    const location: ArtifactLocation = { uri: pathToUri(d.file), uriBaseId: SRCROOT };
    const source = sources.get(d.file);
    const result: Record<string, unknown> = {
      ruleId: d.ruleId,
      ruleIndex: index,
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: rangeRegion(d.range) } }],
      partialFingerprints: { [FINGERPRINT_KEY]: d.fingerprint },
    };
    if (d.related && d.related.length > 0) {
      result.relatedLocations = d.related.map((rel, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: location, region: rangeRegion(rel.range) },
        message: { text: rel.message },
      }));
    }
    // Display-only suggestions hold placeholders: they are shown in text output, not offered as SARIF fixes.
    const fixes = [...(d.fix ? [d.fix] : []), ...(d.suggestions ?? [])].filter((f) => f.applicability !== 'display-only');
    if (fixes.length > 0) result.fixes = fixes.map((f) => sarifFix(f, location, source));
    return result;
  });

  const driver: Record<string, unknown> = {
    name: 'trustlint',
    version: opts.toolVersion,
    informationUri: opts.informationUri ?? DEFAULT_INFORMATION_URI,
  };
  if (/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(opts.toolVersion)) {
    driver.semanticVersion = opts.toolVersion;
  }
  driver.rules = descriptors;

  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [{ executionSuccessful: true }],
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
