/** Small helpers shared by the explain modules. */
import type { Range, SourceFile } from '../parsers/source.js';
import type { LString } from '../model/types.js';
import type { Location, Unresolved } from './types.js';

export function locate(file: SourceFile, range: Range): Location {
  const s = file.position(range.start);
  const e = file.position(range.end);
  return { file: file.path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

export function where(loc: Location | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/** A value as the user should read it: quoted JSON text. */
export function q(s: string): string {
  return JSON.stringify(s);
}

export function list(values: string[], conj = 'or'): string {
  const quoted = values.map((v) => `\`${v}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conj} ${quoted[quoted.length - 1]}`;
}

/** The parts of a value the file does not determine, for the report. */
export function unresolvedParts(s: LString, file: SourceFile): Unresolved[] {
  const location = locate(file, s.range);
  if (s.unknown) return [{ text: s.value, location }];
  return (s.holes ?? []).map(([a, b]) => ({ text: s.value.slice(a, b), location }));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `1h 2m 3s` for a number of seconds. */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s % 60 || s === 0 ? `${s % 60}s` : ''].filter(Boolean);
  return parts.slice(0, 2).join(' ');
}
