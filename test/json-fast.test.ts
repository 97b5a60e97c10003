/**
 * The JSON fast path (src/parsers/json-fast.ts) against jsonc-parser (`parseJsonReference`):
 * whenever the fast path returns a tree, the reference returns no error and the very same tree —
 * values, styles, raw numbers, ranges, duplicate keys; and `parseJson` equals the reference, errors
 * included. Over every JSON fixture, generated CloudFormation templates, and random JSON written to
 * hit the corners (escapes, numbers in every form, whitespace, nesting), each also mutated at
 * random positions. TRUSTLINT_JSON_CASES=N runs more.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseJson, parseJsonReference } from '../src/parsers/json.js';
import { parseJsonFast } from '../src/parsers/json-fast.js';
import { generateCorpus, rng, templateText, type Rng } from '../bench/generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CASES = Number(process.env.TRUSTLINT_JSON_CASES ?? 2000);

/** Fast and reference agree on `text`; returns whether the fast path took it. */
function agree(text: string): boolean {
  const fast = parseJsonFast(text, MAX_NESTING);
  const ref = parseJsonReference(text);
  if (fast !== undefined) {
    if (ref.error) throw new Error(`the fast path accepted a text jsonc-parser rejects (${ref.error.message} at ${ref.error.offset}):\n${text}`);
    if (!isDeepStrictEqual({ root: fast }, ref)) throw new Error(`trees differ for:\n${text}\nfast: ${JSON.stringify(fast)}\nreference: ${JSON.stringify(ref.root)}`);
  }
  const full = parseJson(text);
  if (!isDeepStrictEqual(full, ref)) throw new Error(`parseJson differs from the reference for:\n${text}`);
  return fast !== undefined;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (/\.json$/i.test(name)) out.push(p);
  }
  return out;
}

const WS = [' ', '  ', '\n', '\r\n', '\t', '', '', ''];
const STRINGS = ['', 'a', 'sts:AssumeRoleWithWebIdentity', 'repo:org/*', 'é', '😀', '\u2028', 'a"b', 'back\\slash', 'tab\there', 'new\nline', '\u0001', '/slash', '\ud800'];
const NUMBERS = ['0', '-0', '1', '-1', '12345678901234567890', '0.5', '-0.25', '1e5', '1E+5', '2e-3', '1.5E10', '123456789012', '9007199254740993', '1e400'];

function str(r: Rng): string {
  const s = r.pick(STRINGS);
  // Each way JSON can write it: plain where possible, escapes, \u escapes.
  switch (r.int(3)) {
    case 0:
      return JSON.stringify(s);
    case 1:
      // Some characters as \u escapes (upper or lower case hex), the others as JSON.stringify writes them.
      return `"${[...s].map((ch) => (r.chance(0.5) ? JSON.stringify(ch).slice(1, -1) : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)).map((e) => (r.chance(0.5) ? e.toUpperCase().replace('\\U', '\\u') : e)).join('')}"`;
    default:
      return JSON.stringify(s).replace(/\//g, '\\/');
  }
}

function value(r: Rng, depth: number): string {
  const ws = () => r.pick(WS);
  const k = depth > 6 ? r.int(4) : r.int(7);
  switch (k) {
    case 0:
      return str(r);
    case 1:
      return r.pick(NUMBERS);
    case 2:
      return r.pick(['true', 'false', 'null']);
    case 3:
      return str(r);
    case 4:
    case 5: {
      const n = r.int(5);
      const keys = ['Version', 'Statement', 'Effect', 'Action', 'a', 'a', ''];
      const entries = Array.from({ length: n }, () => `${ws()}${str({ ...r, pick: () => r.pick(keys) } as Rng)}${ws()}:${ws()}${value(r, depth + 1)}${ws()}`);
      return `{${entries.join(',')}${n === 0 ? ws() : ''}}`;
    }
    default: {
      const n = r.int(5);
      return `[${Array.from({ length: n }, () => `${ws()}${value(r, depth + 1)}${ws()}`).join(',')}${n === 0 ? ws() : ''}]`;
    }
  }
}

const MUTATIONS = [',', '}', ']', '{', '[', '"', '\\', '/', '//c\n', '/*c*/', ' ', '\t', '\u00a0', '\ufeff', '\v', 'x', '0', '-', '.', 'e', '+', '\u0001', ':', 'u', 'true', '\n'];

function mutate(text: string, r: Rng): string {
  const at = r.int(text.length + 1);
  switch (r.int(3)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + r.pick(MUTATIONS) + text.slice(at);
    default:
      return text.slice(0, at) + r.pick(MUTATIONS) + text.slice(at + 1);
  }
}

describe('JSON fast path', () => {
  it('builds the same tree as jsonc-parser for every JSON fixture', () => {
    const files = [...jsonFiles(join(ROOT, 'fixtures')), ...jsonFiles(join(ROOT, 'test'))];
    expect(files.length).toBeGreaterThan(10);
    let taken = 0;
    for (const f of files) if (agree(readFileSync(f, 'utf8'))) taken++;
    // Nearly every fixture is plain JSON; the few with comments or errors are read by jsonc-parser.
    expect(taken).toBeGreaterThan(files.length * 0.8);
  });

  it('builds the same tree for every JSON file of a generated corpus (templates, Terraform JSON, plans, policies)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustlint-json-fast-'));
    try {
      generateCorpus({ out: dir, scale: 0.03, seed: 3 });
      const files = jsonFiles(dir);
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        // The generator writes plain JSON, except the files meant to be broken.
        expect(agree(text) || /broken|not-ours/.test(f), f).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the same tree for generated CloudFormation templates, pretty and minified', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = templateText(seed, 2_000 + seed * 3_000, 'json');
      expect(agree(text)).toBe(true);
      expect(agree(JSON.stringify(JSON.parse(text)))).toBe(true);
    }
  });

  it('agrees with jsonc-parser on random JSON and on every mutation of it', () => {
    const r = rng(8);
    let taken = 0;
    let declined = 0;
    for (let i = 0; i < CASES; i++) {
      const text = `${r.pick(WS)}${value(r, 0)}${r.pick(WS)}`;
      if (agree(text)) taken++;
      for (let m = 0; m < 4; m++) if (!agree(mutate(text, r))) declined++;
    }
    // Both kinds of text are exercised: most random texts are taken, most mutations declined.
    expect(taken).toBeGreaterThan(CASES * 0.9);
    expect(declined).toBeGreaterThan(CASES);
  });

  it('declines what jsonc-parser reads differently from plain JSON', () => {
    for (const text of ['', '   ', '{"a":1,}', '[1,]', '// c\n{}', '{/* c */}', '\ufeff{}', '{"a":\u00a01}', '{"a":"\u0001"}', '{"a":"\\x"}', '01', '1.', '.5', '+1', 'tru', 'nulls', '{"a" 1}', '{} {}', '"\\u12"']) {
      expect(parseJsonFast(text, MAX_NESTING), JSON.stringify(text)).toBeUndefined();
      agree(text);
    }
  });

  it('declines nesting deeper than the bound, which jsonc-parser then reports at its position', () => {
    const ok = `${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}`;
    expect(parseJsonFast(ok, MAX_NESTING)).toBeDefined();
    const deep = `${'['.repeat(MAX_NESTING + 1)}${']'.repeat(MAX_NESTING + 1)}`;
    expect(parseJsonFast(deep, MAX_NESTING)).toBeUndefined();
    expect(parseJson(deep).error).toEqual({ message: `nesting deeper than ${MAX_NESTING} levels`, offset: MAX_NESTING, length: 1 });
  });
});
