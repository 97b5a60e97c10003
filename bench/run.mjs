#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: measures trustlint on a generated corpus (bench/generate.mjs) and prints a table.
 *
 *   1. floor     reading and parsing every file with trustlint's parsers, nothing else
 *                (the fast YAML and JSON paths, and the parsers they replaced: before/after)
 *   2. lint      the full CLI, --format json, single-threaded (--jobs 1)
 *   3. parallel  the same on worker threads, one per core (results compared byte for byte)
 *   4. cold start  one small template end to end, against `node -e 0`
 *   5. memory    peak RSS of (2), and of (2) on a corpus five times larger
 *   and, for (3), what the machine allows: the speed-up of plain JavaScript loops on the same
 *   threads (bench/ceiling.mjs: one allocating as a lint does, one doing arithmetic only)
 *
 * Times are medians of --runs runs (default 3) of separate processes, wall clock, measured here.
 * The floor and the two lints run back to back in each round, as do `node -e 0` and the cold start,
 * and each ratio is the median of the rounds' ratios (robust to the machine's drift over minutes).
 * Uses the built CLI (dist/): `npm run bench` builds first.
 *
 *   node bench/run.mjs [--scale N] [--runs N] [--seed N] [--corpus-dir DIR] [--json FILE] [--strict]
 *   node bench/run.mjs --smoke     a tiny corpus, one run: checks that the harness works, no timing
 *
 * Corpora are generated once into the system's temporary directory and reused while the generator
 * is unchanged. `--strict` exits 1 when a target of issue 8 is missed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCorpus, corpusFiles, templateText } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const FLOOR = join(ROOT, 'bench', 'floor.mjs');
const CEILING = join(ROOT, 'bench', 'ceiling.mjs');
const RSS_HOOK = new URL('./rss.mjs', import.meta.url).href;

const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.includes(name);
const opt = (/** @type {string} */ name, /** @type {string} */ dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const smoke = flag('--smoke');
// Smoke: enough files (80) for the CLI to use its worker threads, small enough to run in seconds.
const scale = Number(opt('--scale', smoke ? '0.04' : '1'));
const runs = Math.max(1, Number(opt('--runs', smoke ? '1' : '3')));
const seed = Number(opt('--seed', '1'));
const cores = availableParallelism();
const base = opt('--corpus-dir', join(tmpdir(), 'trustlint-bench'));
const work = join(base, `run-${process.pid}`);

/** Targets of issue 8. */
const TARGETS = { lintOverFloor: 1.25, speedup: 1.7, coldStartMs: 80, rssRatio: 1.5 };

function median(/** @type {number[]} */ xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs a process to completion; resolves to its wall time (ms), exit code and, with `rss`, its
 * peak resident set size (KiB) and the CPU time of all its threads (ms). Standard output goes to
 * `stdout` (a file) when given.
 * @param {string[]} argv @param {{ cwd?: string, stdout?: string, rss?: boolean, ok?: number[] }} o
 */
function run(argv, o = {}) {
  const rssFile = o.rss ? join(work, `rss-${Math.random().toString(36).slice(2)}`) : undefined;
  const env = { ...process.env, NO_COLOR: '1', ...(rssFile ? { TRUSTLINT_BENCH_RSS: rssFile } : {}) };
  const node = rssFile ? [process.execPath, '--import', RSS_HOOK, ...argv] : [process.execPath, ...argv];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(node[0], node.slice(1), { cwd: o.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    let err = '';
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const ok = o.ok ?? [0];
      if (!ok.includes(code ?? -1)) {
        reject(new Error(`${argv.join(' ')} exited ${code}: ${err.slice(0, 2000)}`));
        return;
      }
      const stdout = Buffer.concat(out);
      if (o.stdout) writeFileSync(o.stdout, stdout);
      /** @type {{ rss?: number, cpuMs?: number }} */
      const usage = rssFile && existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : {};
      resolve({ ms, code, rss: usage.rss, cpuMs: usage.cpuMs, stdout: o.stdout ? '' : stdout.toString('utf8') });
    });
  });
}

/** The corpus for a scale, generated once and reused while the generator is unchanged. */
function corpus(/** @type {number} */ s) {
  const t0 = performance.now();
  const c = cachedCorpus(base, s, seed);
  if (c.generated) log(`  generated ${c.files} files, ${mb(c.bytes)} in ${secs(performance.now() - t0)}`);
  return c;
}

const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (/** @type {number} */ ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const log = (/** @type {string} */ s) => process.stderr.write(s + '\n');

/** Runs `fn` `n` times; returns the medians of its numeric fields and the raw runs. */
async function repeat(/** @type {number} */ n, /** @type {() => Promise<Record<string, any>>} */ fn) {
  /** @type {Record<string, any>[]} */
  const all = [];
  for (let i = 0; i < n; i++) all.push(await fn());
  /** @type {Record<string, number>} */
  const med = {};
  for (const k of Object.keys(all[0])) if (typeof all[0][k] === 'number') med[k] = median(all.map((r) => r[k]));
  return { ...med, runs: all };
}

async function main() {
  if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist', 'src', 'cli', 'lint-worker.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const started = performance.now();
  const loadBefore = loadavg()[0];
  log(`trustlint bench: scale ${scale}, ${runs} run(s) each, ${cores} cores${smoke ? ' (smoke)' : ''}`);

  log('corpus');
  const c1 = corpus(scale);
  const c5 = corpus(scale * 5);
  const list = join(work, 'files.txt');
  writeFileSync(list, corpusFiles(c1.dir).join('\n') + '\n');

  // Each round runs the floor and both lints back to back, and the ratios are medians of each
  // round's ratios: this machine's speed drifts over minutes, which would skew a ratio of medians
  // taken one measurement after the other.
  // Exit 1: the corpus has findings, as real repositories do.
  const single = join(work, 'lint-1.json');
  const parallelOut = join(work, `lint-${cores}.json`);
  log(`floor (fast paths), lint --jobs 1 and lint --jobs ${cores}: ${runs} round(s)`);
  const rounds = await repeat(runs, async () => {
    const f = await run([FLOOR, list]);
    const j = JSON.parse(f.stdout);
    const l = await run([CLI, '--format', 'json', '--jobs', '1', '.'], { cwd: c1.dir, stdout: single, rss: true, ok: [0, 1] });
    const p = await run([CLI, '--format', 'json', '--jobs', String(cores), '.'], { cwd: c1.dir, stdout: parallelOut, rss: true, ok: [0, 1] });
    return {
      floorMs: f.ms,
      yamlMs: j.byLanguage.yaml?.ms ?? 0,
      jsonMs: j.byLanguage.json?.ms ?? 0,
      yamlBytes: j.byLanguage.yaml?.bytes ?? 0,
      jsonBytes: j.byLanguage.json?.bytes ?? 0,
      lintMs: l.ms,
      lintRss: l.rss ?? 0,
      lintBusy: (l.cpuMs ?? 0) / l.ms,
      parallelMs: p.ms,
      parallelRss: p.rss ?? 0,
      parallelBusy: (p.cpuMs ?? 0) / p.ms,
      lintOverFloor: l.ms / f.ms,
      speedup: l.ms / p.ms,
    };
  });
  const floor = { ms: rounds.floorMs, yamlMs: rounds.yamlMs, jsonMs: rounds.jsonMs, yamlBytes: rounds.yamlBytes, jsonBytes: rounds.jsonBytes };
  const lint = { ms: rounds.lintMs, rss: rounds.lintRss, busy: rounds.lintBusy };
  const parallel = { ms: rounds.parallelMs, rss: rounds.parallelRss, busy: rounds.parallelBusy };
  log('floor (yaml Documents and jsonc-parser: before)');
  const floorBefore = await repeat(runs, async () => {
    const r = await run([FLOOR, list, '--before']);
    const j = JSON.parse(r.stdout);
    return { ms: r.ms, yamlMs: j.byLanguage.yaml?.ms ?? 0, jsonMs: j.byLanguage.json?.ms ?? 0 };
  });
  const a = readFileSync(single);
  const b = readFileSync(parallelOut);
  const identical = a.equals(b);
  const report = JSON.parse(a.toString('utf8'));

  log('machine ceiling');
  const ceilingRuns = smoke ? 1 : runs;
  const ceilingOf = async (/** @type {string} */ kind) =>
    repeat(ceilingRuns, async () => {
      const j = JSON.parse((await run([CEILING, String(cores), smoke ? '4' : '60', kind])).stdout);
      return { one: j.oneMs, many: j.manyMs, speedup: j.oneMs / j.manyMs };
    });
  const allocating = await ceilingOf('allocating');
  const computing = await ceilingOf('computing');

  log('cold start');
  const smallDir = join(work, 'small');
  mkdirSync(smallDir);
  const small = templateText(seed, 2_000, 'yaml');
  writeFileSync(join(smallDir, 'template.yaml'), small);
  // `node -e 0` and the cold start back to back, as above.
  const starts = await repeat(Math.max(runs, 7), async () => {
    const n = await run(['-e', '0']);
    const c = await run([CLI, '--format', 'json', 'template.yaml'], { cwd: smallDir, ok: [0, 1] });
    return { node: n.ms, cold: c.ms, over: c.ms - n.ms };
  });
  const nodeStart = { ms: starts.node };
  const cold = { ms: starts.cold };

  log('memory: 5× corpus');
  const big = await repeat(smoke ? 1 : Math.min(runs, 2), async () => {
    const r = await run([CLI, '--format', 'json', '--jobs', '1', '.'], { cwd: c5.dir, stdout: join(work, 'lint-5x.json'), rss: true, ok: [0, 1] });
    return { ms: r.ms, rss: r.rss ?? 0 };
  });

  const yamlMB = floor.yamlBytes / 1e6;
  const rows = [
    ['floor: read + parse, fast paths', secs(floor.ms), `${(c1.bytes / 1e6 / (floor.ms / 1000)).toFixed(1)} MB/s`, ''],
    ['floor: read + parse, before (yaml, jsonc-parser)', secs(floorBefore.ms), `${(c1.bytes / 1e6 / (floorBefore.ms / 1000)).toFixed(1)} MB/s`, ''],
    [`  YAML parsing alone (${mb(floor.yamlBytes)}): fast / before`, `${secs(floor.yamlMs)} / ${secs(floorBefore.yamlMs)}`, `${(yamlMB / (floor.yamlMs / 1000)).toFixed(1)} / ${(yamlMB / (floorBefore.yamlMs / 1000)).toFixed(1)} MB/s`, `${(floorBefore.yamlMs / floor.yamlMs).toFixed(1)}× faster`],
    [`  JSON parsing alone (${mb(floor.jsonBytes)}): fast / before`, `${secs(floor.jsonMs)} / ${secs(floorBefore.jsonMs)}`, `${(floor.jsonBytes / 1e6 / (floor.jsonMs / 1000)).toFixed(1)} / ${(floor.jsonBytes / 1e6 / (floorBefore.jsonMs / 1000)).toFixed(1)} MB/s`, `${(floorBefore.jsonMs / floor.jsonMs).toFixed(1)}× faster`],
    ['lint: CLI --format json --jobs 1', secs(lint.ms), `${(c1.bytes / 1e6 / (lint.ms / 1000)).toFixed(1)} MB/s`, `peak RSS ${(lint.rss / 1024).toFixed(0)} MiB, ${lint.busy.toFixed(2)} cores busy`],
    [`parallel: CLI --format json --jobs ${cores}`, secs(parallel.ms), `${(c1.bytes / 1e6 / (parallel.ms / 1000)).toFixed(1)} MB/s`, `peak RSS ${(parallel.rss / 1024).toFixed(0)} MiB, ${parallel.busy.toFixed(2)} cores busy`],
    ['cold start: one 2 KB template, end to end', secs(cold.ms), '', ''],
    ['node -e 0', secs(nodeStart.ms), '', ''],
    [`memory: lint --jobs 1 on the 5× corpus (${mb(c5.bytes)})`, secs(big.ms), '', `peak RSS ${(big.rss / 1024).toFixed(0)} MiB`],
    [`machine: allocating JS loop, 1 / ${cores} threads`, `${secs(allocating.one)} / ${secs(allocating.many)}`, '', `${allocating.speedup.toFixed(2)}× faster`],
    [`machine: arithmetic JS loop, 1 / ${cores} threads`, `${secs(computing.one)} / ${secs(computing.many)}`, '', `${computing.speedup.toFixed(2)}× faster`],
  ];
  const ratios = {
    lintOverFloor: rounds.lintOverFloor,
    lintOverFloorBefore: lint.ms / floorBefore.ms,
    speedup: rounds.speedup,
    coldStartMs: starts.over,
    rssRatio: big.rss / lint.rss,
  };
  const mark = (/** @type {boolean} */ ok) => (smoke ? '' : ok ? 'yes' : 'NO');
  const checks = [
    ['lint / floor', ratios.lintOverFloor.toFixed(2), `<= ${TARGETS.lintOverFloor}`, mark(ratios.lintOverFloor <= TARGETS.lintOverFloor)],
    ['  (lint / floor with the parsers of before)', ratios.lintOverFloorBefore.toFixed(2), '', ''],
    ['parallel speed-up (lint / parallel)', `${ratios.speedup.toFixed(2)}×`, `>= ${TARGETS.speedup}×`, mark(ratios.speedup >= TARGETS.speedup)],
    ['  parallel results identical, same order', identical ? 'yes' : 'NO', 'yes', identical ? 'yes' : 'NO'],
    ['  (the machine: allocating / arithmetic loop)', `${allocating.speedup.toFixed(2)}× / ${computing.speedup.toFixed(2)}×`, '', ''],
    // A lint on one thread already keeps more than one core busy (V8 compiles and collects garbage on
    // threads of its own): no split over `cores` cores can be faster than cores / that.
    [`  (most any split can give: ${cores} cores / ${lint.busy.toFixed(2)} busy)`, `${(cores / lint.busy).toFixed(2)}×`, '', ''],
    ['cold start − node start', `${ratios.coldStartMs.toFixed(0)} ms`, `<= ${TARGETS.coldStartMs} ms`, mark(ratios.coldStartMs <= TARGETS.coldStartMs)],
    ['peak RSS 5× / 1×', ratios.rssRatio.toFixed(2), `<= ${TARGETS.rssRatio}`, mark(ratios.rssRatio <= TARGETS.rssRatio)],
  ];

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '',
    `trustlint ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} — ${c1.files} files, ${mb(c1.bytes)} (seed ${seed}, scale ${scale}); ${report.summary.errors + report.summary.warnings + report.summary.infos} findings`,
    `node ${process.version}, ${cores} cores (${cpu}); medians of ${runs} run(s)${smoke ? ' — SMOKE: tiny corpus, timings mean nothing' : ''}`,
    '',
    table(['measure', 'time', 'throughput', ''], rows),
    '',
    table(['ratio', 'value', 'target', 'met'], checks),
    '',
    `bench finished in ${secs(performance.now() - started)}; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after (other work on the machine skews the times)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const jsonOut = opt('--json', '');
  if (jsonOut) {
    const strip = (/** @type {Record<string, any>} */ r) => ({ ...r, runs: r.runs.map((/** @type {any} */ x) => x) });
    writeFileSync(
      jsonOut,
      JSON.stringify({ scale, runs, seed, cores, node: process.version, corpus: { files: c1.files, bytes: c1.bytes, byKind: c1.byKind }, corpus5x: { files: c5.files, bytes: c5.bytes }, starts: strip(starts), ceiling: { allocating: strip(allocating), computing: strip(computing) }, rounds: strip(rounds), floorBefore: strip(floorBefore), big: strip(big), identical, ratios, findings: report.summary }, null, 2) + '\n',
    );
  }
  rmSync(work, { recursive: true, force: true });
  if (!identical) {
    log('parallel results differ from single-threaded results');
    process.exitCode = 1;
  }
  if (flag('--strict') && !smoke && checks.some((c) => c[3] === 'NO')) process.exitCode = 1;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
function table(/** @type {string[]} */ head, /** @type {string[][]} */ rows) {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (/** @type {string[]} */ r) => r.map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

main().catch((e) => {
  log(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  rmSync(work, { recursive: true, force: true });
  process.exitCode = 2;
});
