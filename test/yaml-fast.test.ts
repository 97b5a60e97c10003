/**
 * The YAML fast path (src/parsers/yaml-fast.ts) against the reference path (`yaml`'s Documents,
 * converted): whenever the fast path returns a tree, the reference returns no error and the very
 * same tree — values, styles, tags, ranges, duplicate keys, alias expansions. Over every YAML
 * fixture, generated CloudFormation templates, and thousands of random YAML documents written to
 * hit the corners (comments at every indentation, blank lines, anchors, flows across lines, block
 * scalars, quoting, tags), each also mutated line by line. TRUSTLINT_YAML_CASES=N runs more.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { acceptsCfnTag, CFN_TAGS, parseYaml, parseYamlDocuments } from '../src/parsers/yaml.js';
import { parseYamlFast } from '../src/parsers/yaml-fast.js';
import { rng, templateText } from '../bench/generate.mjs';
import { Chaos, mutate } from './yaml-chaos.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CASES = Number(process.env.TRUSTLINT_YAML_CASES ?? 2500);
const SEED = Number(process.env.TRUSTLINT_YAML_SEED ?? 0);

function firstDiff(a: unknown, b: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path || '(root)'}: fast ${JSON.stringify(a)?.slice(0, 300)} / reference ${JSON.stringify(b)?.slice(0, 300)}`;
}

/** Fast and reference agree on `text`; returns whether the fast path took it. */
function agree(text: string): boolean {
  const fast = parseYamlFast(text, CFN_TAGS, acceptsCfnTag);
  const ref = parseYamlDocuments(text);
  if (fast !== undefined) {
    if (ref.error) throw new Error(`the fast path accepted a text the reference rejects (${ref.error.message} at ${ref.error.offset}):\n${text}`);
    const diff = firstDiff(fast, ref.documents);
    if (diff) throw new Error(`trees differ at ${diff}\n--- text ---\n${text}`);
  }
  // The public entry point: the same result as the reference, errors included.
  const diff = firstDiff(parseYaml(text), ref);
  if (diff) throw new Error(`parseYaml differs from the reference at ${diff}\n--- text ---\n${text}`);
  return fast !== undefined;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.(ya?ml|template|cfn|policy)$/i.test(name)) out.push(p);
  }
  return out;
}

describe('YAML fast path', () => {
  it('builds the same tree as the reference for every YAML fixture, or declines', () => {
    const files = [...yamlFiles(join(ROOT, 'fixtures'))];
    let taken = 0;
    for (const f of files) if (agree(readFileSync(f, 'utf8').replace(/^\uFEFF/, ''))) taken++;
    expect(files.length).toBeGreaterThan(20);
    // Fixtures are mostly plain CloudFormation: the fast path takes the great majority.
    expect(taken / files.length).toBeGreaterThan(0.7);
  });

  it('builds the same tree as the reference for generated CloudFormation templates', () => {
    for (let seed = 1; seed <= 60; seed++) expect(agree(templateText(seed, 2_000 + seed * 300, 'yaml'))).toBe(true);
  });

  it('agrees with the reference on random YAML and on its mutations', () => {
    let taken = 0;
    let mutatedTaken = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = rng((SEED + seed) * 7919);
      const text = new Chaos(r, seed % 2 === 0).document();
      if (agree(text)) taken++;
      for (let m = 0; m < 3; m++) if (agree(mutate(text, r))) mutatedTaken++;
    }
    if (process.env.TRUSTLINT_YAML_STATS) console.log({ taken, mutatedTaken, cases: CASES });
    // The corners are meant to be hit: a good share of the random documents takes the fast path.
    expect(taken / CASES).toBeGreaterThan(0.15);
    expect(mutatedTaken).toBeGreaterThan(0);
  }, 20_000 + CASES * 10);

  it('declines what it does not handle exactly', () => {
    for (const text of ['a:\t1\n', 'a: 1\r\n', '%YAML 1.2\n---\na: 1\n', '? a\n: b\n', "a: 'x\n  y'\n", 'a: |2\n   x\n', '[a, # c\n b]\n', 'a: !Foo x\n', 'a: *missing\n', 'a: &x [*x]\n', 'a: b: c\n', '\uFEFFa: 1\n']) {
      expect(parseYamlFast(text, CFN_TAGS, () => true), JSON.stringify(text)).toBeUndefined();
    }
  });
});
