/**
 * A copy of a string that shares no memory with the string it came from. A value read from a file
 * is, to V8, often a slice of the whole file's text (or a concatenation holding such slices), and
 * keeps that text alive as long as it lives: a key of a cache that outlives the file must be copied
 * first, or the cache would keep up to one file text per entry.
 */
export function ownString(s: string): string {
  // The concatenation is flattened into a new string before it is sliced.
  return (' ' + s).slice(1);
}
