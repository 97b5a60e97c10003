/**
 * Baselines: `--write-baseline FILE` records today's findings by fingerprint (rule, file, path and
 * value — never line numbers, so unrelated edits do not invalidate it); `--baseline FILE` then
 * reports only findings that are not in it. A team adopts trustlint on a legacy repository in one
 * commit and fixes the recorded findings over time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../linter.js';
import type { FileResult } from '../engine/diagnostic.js';

interface BaselineFile {
  version: 1;
  tool: 'trustlint';
  findings: Array<{ fingerprint: string; ruleId: string; file: string; path: string }>;
}

export async function writeBaseline(path: string, results: FileResult[]): Promise<number> {
  const findings = results
    .flatMap((r) => r.diagnostics)
    .map((d) => ({ fingerprint: d.fingerprint, ruleId: d.ruleId, file: d.file, path: d.path }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  const body: BaselineFile = { version: 1, tool: 'trustlint', findings };
  await writeFile(path, JSON.stringify(body, null, 2) + '\n');
  return findings.length;
}

/** Fingerprint → file of each recorded finding. */
export async function readBaseline(path: string): Promise<Map<string, string>> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`Cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  const b = data as Partial<BaselineFile>;
  if (!b || b.tool !== 'trustlint' || b.version !== 1 || !Array.isArray(b.findings)) {
    throw new UsageError(`${path} is not a trustlint baseline (write one with --write-baseline).`);
  }
  return new Map(b.findings.map((f) => [f.fingerprint, f.file]));
}

/**
 * Removes baselined findings in place; returns how many baseline entries of the files linted in
 * this run no longer occur (fixed since the baseline was written).
 */
export function applyBaseline(results: FileResult[], baseline: Map<string, string>): { stale: number } {
  const seen = new Set<string>();
  for (const r of results) {
    r.diagnostics = r.diagnostics.filter((d) => {
      if (!baseline.has(d.fingerprint)) return true;
      seen.add(d.fingerprint);
      return false;
    });
  }
  const linted = new Set(results.map((r) => r.file));
  return { stale: [...baseline].filter(([f, file]) => linted.has(file) && !seen.has(f)).length };
}
