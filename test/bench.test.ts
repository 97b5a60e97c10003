/**
 * The benchmark harness (bench/) works: the generator is deterministic and writes every kind of
 * file, and `bench/run.mjs --smoke` runs every measurement on a tiny corpus and prints the table
 * (parallel results identical to single-threaded ones). No timing is checked here: CI machines
 * vary; docs/performance.md holds the measured figures.
 */
import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../bench/generate.mjs';
import { parseText } from '../src/engine/parse.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function digest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('bench', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'trustlint-bench-test-'));

  beforeAll(() => {
    // The harness measures the built CLI (CI builds it in `npm ci`).
    if (!existsSync(join(ROOT, 'dist', 'cli.js')) || !existsSync(join(ROOT, 'dist', 'src', 'cli', 'lint-worker.js'))) {
      execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
    }
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('generates the same corpus for the same seed, with every kind of file, all of it parseable', () => {
    const a = generateCorpus({ out: join(tmp, 'a'), scale: 0.02, seed: 7 });
    const b = generateCorpus({ out: join(tmp, 'b'), scale: 0.02, seed: 7 });
    expect(a).toEqual(b);
    expect(digest(join(tmp, 'a'))).toBe(digest(join(tmp, 'b')));
    expect(a.files).toBe(40);
    expect(Object.keys(a.byKind).length).toBeGreaterThanOrEqual(5);
    expect(a.byKind['cloudformation-yaml']?.files).toBeGreaterThan(5);
    expect(a.byKind['cloudformation-json']?.files).toBeGreaterThan(2);
    for (const f of allFiles(join(tmp, 'a'))) {
      expect(parseText(f, readFileSync(f, 'utf8')).error, f).toBeUndefined();
    }
    const other = generateCorpus({ out: join(tmp, 'c'), scale: 0.02, seed: 8 });
    expect(digest(join(tmp, 'c'))).not.toBe(digest(join(tmp, 'a')));
    expect(other.files).toBe(40);
  });

  it('runs every measurement in smoke mode and prints the table', () => {
    const r = spawnSync(process.execPath, ['bench/run.mjs', '--smoke', '--corpus-dir', join(tmp, 'corpora')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const row of [
      'floor: read + parse, fast paths',
      'floor: read + parse, before (yaml, jsonc-parser)',
      'YAML parsing alone',
      'JSON parsing alone',
      'lint: CLI --format json --jobs 1',
      'parallel: CLI --format json --jobs',
      'cold start: one 2 KB template, end to end',
      'node -e 0',
      'memory: lint --jobs 1 on the 5× corpus',
      'machine: allocating JS loop',
      'machine: arithmetic JS loop',
      'lint / floor',
      'parallel speed-up (lint / parallel)',
      'cold start − node start',
      'peak RSS 5× / 1×',
    ]) {
      expect(r.stdout).toContain(row);
    }
    expect(r.stdout).toMatch(/parallel results identical, same order +yes/);
    expect(r.stdout).toMatch(/peak RSS \d+ MiB/);
    // CPU time of every thread over wall time: above zero when the usage hook worked.
    const busy = /lint: CLI --format json --jobs 1 .*, (\d+\.\d\d) cores busy/.exec(r.stdout);
    expect(Number(busy?.[1])).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/most any split can give: \d+ cores \/ \d+\.\d\d busy\) +\d+\.\d\d×/);
  }, 120_000);
});
