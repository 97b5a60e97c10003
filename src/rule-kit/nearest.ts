import { distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `word` (case-insensitive edit distance), when it is clearly the nearest:
 * within `maxRatio` of the word's length and strictly closer than any other candidate.
 */
export function nearest(word: string, candidates: Iterable<string>, maxRatio = 0.4): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  // A long word cut short (`UpdateFunctionConfig`): the one candidate it begins, when there is one,
  // before one a few edits away (`UpdateFunctionUrlConfig`).
  let extends_: string | undefined;
  let extendsMany = false;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    if (w.length >= 8 && lc.length > w.length && lc.startsWith(w)) {
      if (extends_ !== undefined && extends_.toLowerCase() !== lc) extendsMany = true;
      extends_ = c;
    }
    const d = distance(w, lc);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD && c.toLowerCase() !== best?.toLowerCase()) tie = true;
  }
  // Unless a one-edit slip explains the word better (`PutImages` is `PutImage`, not `PutImageScanning...`).
  if (extends_ !== undefined && !extendsMany && bestD > 1) return extends_;
  if (best === undefined || tie) return undefined;
  return bestD <= Math.max(2, Math.ceil(w.length * maxRatio)) ? best : undefined;
}
