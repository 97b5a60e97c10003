/**
 * Suppressions: inline comments (`# trustlint-disable-next-line <id> -- reason`, `# trustlint-disable`
 * … `# trustlint-enable` in YAML, `//` in JSONC, `#` or `//` in Terraform HCL), `Metadata: { trustlint: { ignore: [ids] } }` on a
 * CloudFormation resource, and `"//": "trustlint-disable <ids> -- reason"` in a Terraform JSON resource.
 */
import type { SourceFile, Range } from '../parsers/source.js';
import { asList, get, getEntry, stringValue, type Node } from '../parsers/tree.js';
import { formatPath } from '../model/types.js';
import type { Diagnostic } from './diagnostic.js';

/** Comment syntax: YAML `#`; JSONC `//` and block comments; HCL all three. */
export type Language = 'json' | 'yaml' | 'hcl';

export interface Suppression {
  kind: 'next-line' | 'line' | 'block' | 'resource';
  /** Rule ids, or every rule. */
  ids: Set<string> | 'all';
  /** next-line / line: the line it covers; block: first and last line (inclusive). */
  fromLine: number;
  toLine: number;
  /** resource: diagnostics whose path starts with this are covered. */
  pathPrefix?: string;
  /** Where the directive is written (for unused-suppression reports). */
  range: Range;
  text: string;
  used: boolean;
}

const DIRECTIVE = /(?:^|\s)(#|\/\/|\/\*)\s*trustlint-(disable-next-line|disable-line|disable|enable)\b([^\n\r]*?)(?:\*\/)?\s*$/;

function parseIds(rest: string): Set<string> | 'all' {
  const list = rest.split(/\s--\s|\s--$/)[0].trim();
  if (!list) return 'all';
  return new Set(list.split(/[\s,]+/).filter(Boolean));
}

/**
 * Where a comment starts on a line, outside quoted strings: `#` after a space or at the start (YAML),
 * `//` or `/*` (JSONC). -1 when the line has no comment.
 */
function commentStart(line: string, language: Language): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || (c === "'" && language === 'yaml' && (i === 0 || /[\s:[{,-]/.test(line[i - 1])))) quote = c;
    else if (language === 'yaml' && c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return i;
    else if (language === 'hcl' && c === '#') return i;
    else if (language !== 'yaml' && c === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) return i;
  }
  return -1;
}

/** Inline comment directives, by line. */
function commentSuppressions(file: SourceFile, language: Language): Suppression[] {
  const out: Suppression[] = [];
  // Most files have no directive: no line is looked at.
  if (!file.text.includes('trustlint-')) return out;
  const open: Suppression[] = [];
  const lines = file.lineCount;
  for (let n = 1; n <= lines; n++) {
    const line = file.lineText(n);
    if (!line.includes('trustlint-')) continue;
    const at = commentStart(line, language);
    if (at < 0) continue;
    const m = DIRECTIVE.exec(line.slice(at));
    if (!m) continue;
    const [, opener, kind, rest] = m;
    if (language === 'yaml' ? opener !== '#' : language === 'json' && opener === '#') continue;
    const marker = m[0].trimStart();
    const start = file.offset(n, 1) + at + m[0].indexOf(marker);
    const range = { start, end: file.offset(n, 1) + line.length };
    const ids = parseIds(rest);
    if (kind === 'disable-next-line') out.push({ kind: 'next-line', ids, fromLine: n + 1, toLine: n + 1, range, text: marker, used: false });
    else if (kind === 'disable-line') out.push({ kind: 'line', ids, fromLine: n, toLine: n, range, text: marker, used: false });
    else if (kind === 'disable') {
      const s: Suppression = { kind: 'block', ids, fromLine: n, toLine: lines, range, text: marker, used: false };
      out.push(s);
      open.push(s);
    } else {
      // enable: closes the open blocks it names (or all of them).
      for (let i = open.length - 1; i >= 0; i--) {
        const s = open[i];
        const closes = ids === 'all' || (s.ids !== 'all' && [...s.ids].every((id) => ids.has(id)));
        if (closes) {
          s.toLine = n;
          open.splice(i, 1);
        }
      }
    }
  }
  return out;
}

function idList(node: Node | undefined): Set<string> | undefined {
  const ids = asList(node)
    .map(stringValue)
    .filter((s): s is string => !!s);
  return ids.length > 0 ? new Set(ids) : undefined;
}

/** Resource-level ignores in CloudFormation and Terraform JSON. */
function resourceSuppressions(file: SourceFile, roots: Node[]): Suppression[] {
  const out: Suppression[] = [];
  const lineOf = (r: Range) => file.position(r.start).line;
  for (const root of roots) {
    const resources = get(root, 'Resources');
    if (resources?.type === 'object') {
      for (const res of resources.entries) {
        const ignore = get(get(get(res.value, 'Metadata'), 'trustlint'), 'ignore');
        const ids = ignore ? idList(ignore) : undefined;
        if (!ignore || !ids) continue;
        out.push({ kind: 'resource', ids, fromLine: lineOf(ignore.range), toLine: lineOf(ignore.range), pathPrefix: formatPath(['Resources', res.key]), range: ignore.range, text: 'Metadata.trustlint.ignore', used: false });
      }
    }
    for (const top of ['resource', 'data']) {
      for (const group of asList(get(root, top))) {
        if (group.type !== 'object') continue;
        for (const type of group.entries) {
          for (const byName of asList(type.value)) {
            if (byName.type !== 'object') continue;
            for (const named of byName.entries) {
              for (const body of asList(named.value)) {
                const comment = getEntry(body, '//');
                const text = stringValue(comment?.value);
                const m = text ? /trustlint-disable\b(.*)$/.exec(text) : undefined;
                if (!comment || !m) continue;
                out.push({
                  kind: 'resource',
                  ids: parseIds(m[1]),
                  fromLine: lineOf(comment.value.range),
                  toLine: lineOf(comment.value.range),
                  pathPrefix: formatPath([top, type.key, named.key]),
                  range: comment.value.range,
                  text: text!,
                  used: false,
                });
              }
            }
          }
        }
      }
    }
  }
  return out;
}

export function collectSuppressions(file: SourceFile, roots: Node[], language: Language): Suppression[] {
  if (!file.text.includes('trustlint')) return [];
  return [...commentSuppressions(file, language), ...resourceSuppressions(file, roots)];
}

function covers(s: Suppression, d: Diagnostic): boolean {
  if (s.ids !== 'all' && !s.ids.has(d.ruleId)) return false;
  if (s.kind === 'resource') return d.path === s.pathPrefix || d.path.startsWith(`${s.pathPrefix}.`) || d.path.startsWith(`${s.pathPrefix}[`);
  return d.range.start.line >= s.fromLine && d.range.start.line <= s.toLine;
}

/** The diagnostics no suppression covers; marks the suppressions that were used. */
export function applySuppressions(diagnostics: Diagnostic[], suppressions: Suppression[]): Diagnostic[] {
  if (suppressions.length === 0) return diagnostics;
  return diagnostics.filter((d) => {
    let hidden = false;
    for (const s of suppressions) {
      if (covers(s, d)) {
        s.used = true;
        hidden = true;
      }
    }
    return !hidden;
  });
}
