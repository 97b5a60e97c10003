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
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD && c.toLowerCase() !== best?.toLowerCase()) tie = true;
  }
  if (best === undefined || tie) return undefined;
  return bestD <= Math.max(2, Math.ceil(w.length * maxRatio)) ? best : undefined;
}
