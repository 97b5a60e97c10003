#!/usr/bin/env node
// @ts-check
/**
 * What this machine allows: the speed-up of a plain allocation-heavy JavaScript loop (no trustlint,
 * no I/O, no JIT warm-up to speak of: one small function) when split over worker threads. A lint is
 * allocation-heavy too (trees, models), and V8's garbage collector and compiler use threads of their
 * own, so on a machine with few cores this is about the most any parallel lint can gain there.
 * Run by bench/run.mjs.
 *
 *   node bench/ceiling.mjs [THREADS] [ROUNDS] [allocating|computing]
 *
 * Prints JSON: { threads, kind, oneMs, manyMs }. `computing` (arithmetic only) is the comparison:
 * how far the cores themselves scale.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Builds and drops short-lived objects, as parsing a file into a tree does. */
function allocating(/** @type {number} */ rounds) {
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    const items = [];
    for (let i = 0; i < 100_000; i++) items.push({ key: `k${i % 100}`, range: { start: i, end: i + 1 }, value: [i] });
    n += items.length;
  }
  return n;
}

/** Arithmetic only: no garbage. */
function computing(/** @type {number} */ rounds) {
  let x = 0;
  for (let r = 0; r < rounds; r++) for (let i = 0; i < 2_000_000; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

const JOBS = { allocating, computing };

if (isMainThread) {
  const threads = Number(process.argv[2] ?? availableParallelism());
  const rounds = Number(process.argv[3] ?? 60);
  const kind = process.argv[4] === 'computing' ? 'computing' : 'allocating';
  const job = JOBS[kind];
  job(2); // warm up
  let t0 = performance.now();
  job(rounds);
  const oneMs = performance.now() - t0;
  t0 = performance.now();
  const share = Math.ceil(rounds / threads);
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL(import.meta.url), { workerData: { kind, rounds: share } }));
  await Promise.all([...workers.map((w) => new Promise((resolve) => w.once('message', resolve))), Promise.resolve().then(() => job(share))]);
  const manyMs = performance.now() - t0;
  await Promise.all(workers.map((w) => w.terminate()));
  process.stdout.write(JSON.stringify({ threads, kind, oneMs, manyMs }) + '\n');
} else {
  const job = JOBS[/** @type {'allocating' | 'computing'} */ (workerData.kind)];
  job(2);
  job(workerData.rounds);
  parentPort?.postMessage('done');
}
