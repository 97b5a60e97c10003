/**
 * Linting on worker threads. The CLI hands over its targets; each worker builds its own Linter from
 * the same configuration and lints the files it is given, small batches at a time so that one large
 * template does not leave the other cores idle. Results come back in the order of the targets, with
 * the same content as single-threaded linting: a worker is only another place to call `lintFile`.
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
/** The largest batch of files handed to a thread at once. */
const MAX_BATCH = 16;

export interface WorkerInit {
  config: LintConfig;
  maxFileSize?: number;
  text: TextPolicy;
  pathBase?: string;
}

export interface WorkerRequest {
  batch: number;
  targets: LintTarget[];
}

export type WorkerReply = { batch: number; results: FileResult[] } | { batch: number; error: string };

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
 * `lintHere` (one V8 isolate fewer to start and warm up). Resolves to the results in the order of
 * `targets`. A worker that fails (it should not: lintFile never throws for bad input) rejects the run.
 */
export async function lintInParallel(targets: LintTarget[], threads: number, opts: PoolOptions, lintHere: (t: LintTarget) => Promise<FileResult>): Promise<FileResult[]> {
  const url = workerUrl();
  if (!url) throw new Error('worker threads need the compiled CLI (dist/)');
  const { Worker } = await import('node:worker_threads');
  const results: FileResult[] = new Array<FileResult>(targets.length);
  // Guided batches: large while much is left (fewer messages), down to single files at the end,
  // so that the threads finish together.
  const batches: LintTarget[][] = [];
  const starts: number[] = [];
  for (let i = 0; i < targets.length; ) {
    const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil((targets.length - i) / (threads * 8))));
    starts.push(i);
    batches.push(targets.slice(i, i + size));
    i += size;
  }
  const init: WorkerInit = { config: opts.config, maxFileSize: opts.maxFileSize, text: opts.text, pathBase: opts.pathBase };
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let failed: unknown;
  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      const fail = (e: unknown) => {
        failed ??= e;
        rejectAll(e);
      };
      const finished = () => {
        if (++done === batches.length) resolveAll();
      };
      const send = (w: Worker) => {
        if (next >= batches.length) return;
        const batch = next++;
        const msg: WorkerRequest = { batch, targets: batches[batch] };
        w.postMessage(msg);
      };
      for (let k = 0; k < threads - 1; k++) {
        const w = new Worker(url, { workerData: init });
        pool.push(w);
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) {
            fail(new Error(reply.error));
            return;
          }
          const base = starts[reply.batch];
          reply.results.forEach((r, j) => (results[base + j] = r));
          send(w);
          finished();
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (done < batches.length) fail(new Error(`a lint worker exited (code ${code}) before finishing`));
        });
        // Two batches in flight per worker: it never waits for the next one.
        send(w);
        send(w);
      }
      // This thread takes batches from the same queue until none is left.
      void (async () => {
        const keepHeap = heapKeeper();
        while (next < batches.length && failed === undefined) {
          const batch = next++;
          const list = batches[batch];
          for (let j = 0; j < list.length; j++) {
            results[starts[batch] + j] = detach(keepText(await lintHere(list[j]), opts.text));
            keepHeap();
          }
          finished();
          // Linting a file is synchronous: let the workers' replies in (and send them more work)
          // between batches, or they would wait until this thread ran out of batches.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      })().catch(fail);
      if (batches.length === 0) resolveAll();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
