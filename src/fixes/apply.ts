/**
 * Applying fixes: choose the fixes the user allowed, apply non-overlapping edits in passes,
 * re-lint after each pass, keep only results that still parse, stop when nothing changes.
 */
import type { Diagnostic, Edit, Fix } from '../engine/diagnostic.js';
import { parseText } from '../engine/parse.js';

export const MAX_PASSES = 10;

export interface FixPolicy {
  /** Also apply fixes whose applicability is `unsafe`. */
  unsafe: boolean;
}

export function allowed(fix: Fix | undefined, policy: FixPolicy): fix is Fix {
  if (!fix || fix.edits.length === 0) return false;
  return fix.applicability === 'safe' || (policy.unsafe && fix.applicability === 'unsafe');
}

/** Applies whole fixes whose edits overlap none already taken; returns the text and the fixes used. */
export function applyFixes(text: string, fixes: Fix[]): { text: string; applied: Fix[] } {
  const taken: Edit[] = [];
  const applied: Fix[] = [];
  const overlaps = (e: Edit) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start && t.start === t.end));
  for (const fix of fixes) {
    const edits = [...fix.edits].sort((a, b) => a.start - b.start);
    if (edits.some((e, i) => overlaps(e) || (i > 0 && e.start < edits[i - 1].end))) continue;
    taken.push(...edits);
    applied.push(fix);
  }
  taken.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of taken) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, applied };
}

export interface FixResult {
  output: string;
  /** How many fixes were applied over all passes. */
  fixed: number;
  passes: number;
  /** Fixes dropped because the file no longer parsed with them. */
  dropped: number;
  diagnostics: Diagnostic[];
}

/**
 * Fixes a file's text to a fixed point. `lint` lints a text (the same path, so the same parser).
 * A pass whose result does not parse is retried one fix at a time, dropping the ones that break it.
 */
export function fixToFixedPoint(path: string, text: string, lint: (text: string) => Diagnostic[], policy: FixPolicy): FixResult {
  let current = text;
  let diagnostics = lint(current);
  let fixed = 0;
  const droppedFixes = new Set<string>();
  let passes = 0;
  const parses = (t: string) => !parseText(path, t).error;
  // A key written twice is a fix gone wrong (two fixes that each add the same block, a rename onto a
  // key that exists): IAM would keep only the last one, silently dropping conditions.
  const repeats = (ds: Diagnostic[]) => ds.reduce((n, d) => n + (d.ruleId === 'duplicate-key' ? 1 : 0), 0);
  for (; passes < MAX_PASSES; passes++) {
    const fixes = diagnostics.map((d) => d.fix).filter((f): f is Fix => allowed(f, policy));
    if (fixes.length === 0) break;
    const before = repeats(diagnostics);
    let { text: next, applied } = applyFixes(current, fixes);
    let after = parses(next) ? lint(next) : undefined;
    if (!after || repeats(after) > before) {
      // Find the fixes that keep the file sound, one at a time.
      next = current;
      applied = [];
      after = undefined;
      for (const f of fixes) {
        const attempt = applyFixes(current, [f]);
        if (attempt.applied.length === 1 && parses(attempt.text)) {
          const ds = lint(attempt.text);
          if (repeats(ds) <= before) {
            next = attempt.text;
            after = ds;
            applied.push(f);
            break; // offsets of the remaining fixes refer to the old text: re-lint first
          }
        }
        droppedFixes.add(JSON.stringify([f.title, f.edits]));
      }
    }
    if (applied.length === 0 || next === current || !after) break;
    fixed += applied.length;
    current = next;
    diagnostics = after;
  }
  return { output: current, fixed, passes, dropped: droppedFixes.size, diagnostics };
}
