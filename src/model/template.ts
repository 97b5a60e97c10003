/** Builds string values out of known text and holes (text the file does not determine). */
import type { Resolution } from './build.js';
import type { LString } from './types.js';

export class TemplateBuilder {
  private value = '';
  /** Made on the first hole: most values have none, or one. */
  private holes: Array<[number, number]> | undefined;
  unknown = false;

  text(s: string): this {
    this.value += s;
    return this;
  }

  hole(display: string): this {
    const span: [number, number] = [this.value.length, this.value.length + display.length];
    if (this.holes) this.holes.push(span);
    else this.holes = [span];
    this.value += display;
    return this;
  }

  /** Appends a resolved value, keeping its holes. */
  append(r: Resolution | LString): this {
    if (r.unknown) this.unknown = true;
    const base = this.value.length;
    if (r.holes) {
      for (const [s, e] of r.holes) {
        const span: [number, number] = [base + s, base + e];
        if (this.holes) this.holes.push(span);
        else this.holes = [span];
      }
    }
    this.value += r.value;
    return this;
  }

  build(): Resolution {
    const r: Resolution = { value: this.value };
    if (this.holes && this.holes.length > 0) r.holes = this.holes;
    if (this.unknown) r.unknown = true;
    return r;
  }
}

/** The value with each hole replaced by `fill` (for shape checks that must not depend on holes). */
export function fillHoles(s: { value: string; holes?: ReadonlyArray<readonly [number, number]> }, fill: string): string {
  if (!s.holes || s.holes.length === 0) return s.value;
  let out = '';
  let pos = 0;
  for (const [a, b] of s.holes) {
    out += s.value.slice(pos, a) + fill;
    pos = b;
  }
  return out + s.value.slice(pos);
}

/** A text as a regular expression that matches just that text. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The source of a regular expression for IAM's wildcards: `*` any run of characters, `?` one. */
export function iamWildcardSource(pattern: string): string {
  return pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
}

/** A regular expression matching every text the value could stand for (holes match anything). */
export function templateRegExp(s: { value: string; holes?: ReadonlyArray<readonly [number, number]> }, flags = 'i'): RegExp {
  let src = '';
  let pos = 0;
  for (const [a, b] of s.holes ?? []) {
    src += escapeRegExp(s.value.slice(pos, a)) + '.*';
    pos = b;
  }
  src += escapeRegExp(s.value.slice(pos));
  return new RegExp(`^${src}$`, flags);
}
