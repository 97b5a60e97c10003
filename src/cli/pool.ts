/**
 * Linting on worker threads. The CLI hands over its targets; each worker builds its own Linter from
 * the same configuration. Every thread takes the next file from one shared counter (a
 * SharedArrayBuffer), a file at a time, so that no thread waits for another to hand it work and one
 * large template does not leave the other cores idle. Results come back in the order of the targets,
 * with the same content as single-threaded linting: a worker is only another place to call `lintFile`.
 *
 * Few files are linted on the calling thread: starting a worker costs about as much as loading
 * trustlint once, which a handful of files does not repay.
 */
import { availableParallelism } from 'node:os';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import type { LintConfig } from '../engine/config.js';
import type { FileResult } from '../engine/diagnostic.js';

/** What the report needs of a file's text: stylish shows code frames, SARIF locates fix edits. */
export type TextPolicy = 'none' | 'findings' | 'fixes';

export interface LintTarget {
  absolute: string;
  display: string;
  explicit: boolean;
}

export interface PoolOptions {
  config: LintConfig;
  maxFileSize?: number;
  text: TextPolicy;
  /** See `LinterOptions.pathBase`. */
  pathBase?: string;
  /** Worker threads to use (default: the available cores). */
  jobs?: number;
}

/** Below this many files, linting stays on the calling thread. */
export const MIN_FILES_PER_WORKER = 24;
/** A worker sends its results back this many files at a time (fewer messages; the last ones at once). */
export const REPLY_EVERY = 16;

export interface WorkerInit {
  config: LintConfig;
  maxFileSize?: number;
  text: TextPolicy;
  pathBase?: string;
  /** Every target of the run, in order. */
  targets: LintTarget[];
  /** One Int32 on a SharedArrayBuffer: the index of the next target to take (Atomics.add). */
  next: Int32Array;
}

/** Results of the targets at `indexes` (in the same order), or why the worker stopped. */
export type WorkerReply = { indexes: number[]; results: FileResult[] } | { error: string };

/** Drops the file's text unless the report will use it: nothing per file is kept that is not reported. */
export function keepText(r: FileResult, policy: TextPolicy): FileResult {
  if (r.text === undefined) return r;
  const keep = policy === 'findings' ? r.diagnostics.length > 0 : policy === 'fixes' ? r.diagnostics.some((d) => d.fix || (d.suggestions && d.suggestions.length > 0)) : false;
  if (!keep) delete r.text;
  return r;
}

/**
 * Keeps the heap near what is live. Each file's tree lives just long enough to be promoted to V8's
 * old generation, which V8 lets grow with the work done, so that a long run peaks far higher than a
 * short one for the same live data. Called after each file: when the heap has grown well past what
 * was live at the last collection, collect now. Nothing per file outlives its report, so the peak
 * stays flat as the number of files grows.
 */
export function heapKeeper(): () => void {
  let collect: (() => void) | undefined;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
  let live = 0;
  let calls = 0;
  return () => {
    if (++calls % 8 !== 0) return;
    const used = oldGeneration();
    if (used < Math.max(HEAP_FLOOR, live * 3)) return;
    collect!();
    live = oldGeneration();
  };
}

/** Bytes used outside the young generation: what survived, and what only a full collection frees. */
function oldGeneration(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space') used += s.space_used_size;
  return used;
}
const HEAP_FLOOR = 48 * 1024 * 1024;

/**
 * A result as kept until the report: a deep copy. Strings a rule or fixer built from the file
 * (messages, edit texts) are slices of its text to V8, and each would keep the whole text alive;
 * the copy holds only its own characters. (Results from workers are copies already.)
 */
export function detach(r: FileResult): FileResult {
  // Most files have no findings: nothing in them comes from the text (the path is the walk's).
  if (r.diagnostics.length === 0 && r.text === undefined) return r;
  return structuredClone(r);
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/**
 * How many threads `files` files are worth, the calling thread included (1: no workers). Each
 * thread is worth starting for MIN_FILES_PER_WORKER files or more.
 */
export function threadsFor(files: number, jobs: number): number {
  return Math.max(1, Math.min(jobs, Math.floor(files / MIN_FILES_PER_WORKER)));
}

/** Set by the bundler (scripts/postbuild.mjs): the bundled worker, relative to the bundled CLI. */
declare const __TRUSTLINT_WORKER__: string | undefined;

/** The compiled worker entry; undefined when running from TypeScript sources (tests). */
function workerUrl(): URL | undefined {
  if (typeof __TRUSTLINT_WORKER__ === 'string') return new URL(__TRUSTLINT_WORKER__, import.meta.url);
  return import.meta.url.endsWith('.js') ? new URL('./lint-worker.js', import.meta.url) : undefined;
}

export function canUseWorkers(): boolean {
  return workerUrl() !== undefined;
}

/**
 * Lints `targets` on `threads` threads: `threads - 1` workers, and the calling thread through
 * `lintHere` (one V8 isolate fewer to start and warm up). Each thread takes the next target from a
 * shared counter, so the threads finish together and none waits for work. Resolves to the results
 * in the order of `targets`. A worker that fails (it should not: lintFile never throws for bad
 * input) rejects the run.
 */
export async function lintInParallel(targets: LintTarget[], threads: number, opts: PoolOptions, lintHere: (t: LintTarget) => Promise<FileResult>): Promise<FileResult[]> {
  const url = workerUrl();
  if (!url) throw new Error('worker threads need the compiled CLI (dist/)');
  const { Worker } = await import('node:worker_threads');
  const results: FileResult[] = new Array<FileResult>(targets.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const init: WorkerInit = { config: opts.config, maxFileSize: opts.maxFileSize, text: opts.text, pathBase: opts.pathBase, targets, next };
  const pool: Worker[] = [];
  let done = 0;
  let failed: unknown;
  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      const fail = (e: unknown) => {
        failed ??= e;
        // Stop every thread taking more files.
        Atomics.store(next, 0, targets.length);
        rejectAll(e);
      };
      const finished = (n: number) => {
        done += n;
        if (done === targets.length) resolveAll();
      };
      for (let k = 0; k < threads - 1; k++) {
        const w = new Worker(url, { workerData: init });
        pool.push(w);
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) {
            fail(new Error(reply.error));
            return;
          }
          reply.indexes.forEach((i, j) => (results[i] = reply.results[j]));
          finished(reply.indexes.length);
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (done < targets.length) fail(new Error(`a lint worker exited (code ${code}) before finishing`));
        });
      }
      // This thread takes files from the same counter until none is left.
      void (async () => {
        const keepHeap = heapKeeper();
        let mine = 0;
        for (let i = Atomics.add(next, 0, 1); i < targets.length && failed === undefined; i = Atomics.add(next, 0, 1)) {
          results[i] = detach(keepText(await lintHere(targets[i]), opts.text));
          keepHeap();
          // Linting a file is synchronous: take the workers' replies in as often as they come, so
          // that their results do not pile up in the message queue until the end.
          if (++mine === REPLY_EVERY) {
            finished(mine);
            mine = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
        finished(mine);
      })().catch(fail);
      if (targets.length === 0) resolveAll();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
