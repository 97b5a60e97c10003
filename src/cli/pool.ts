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
  /** Worker threads to use (default: the available cores). */
  jobs?: number;
}

/** Below this many files, linting stays on the calling thread. */
export const MIN_FILES_PER_WORKER = 24;
const BATCH = 8;

export interface WorkerInit {
  config: LintConfig;
  maxFileSize?: number;
  text: TextPolicy;
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
 * Lints targets in order while reading ahead: asking for result `i` starts the next `depth - 1`
 * files too, so that reading them overlaps linting this one (lintFile is I/O, then CPU).
 */
export function lintAhead(lint: (t: LintTarget) => Promise<FileResult>, targets: LintTarget[], depth: number): (i: number) => Promise<FileResult> {
  const started = new Map<number, Promise<FileResult>>();
  let next = 0;
  return (i) => {
    while (next < targets.length && next < i + depth) {
      const k = next++;
      const p = lint(targets[k]);
      // Awaited in turn below; a rejection before its turn is not "unhandled".
      p.catch(() => undefined);
      started.set(k, p);
    }
    const p = started.get(i) ?? lint(targets[i]);
    started.delete(i);
    return p;
  };
}

/** Files read ahead of the one being linted. */
export const READ_AHEAD = 3;

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** How many workers `targets.length` files are worth (0: lint on the calling thread). */
export function workersFor(files: number, jobs: number): number {
  if (jobs <= 1) return 0;
  const n = Math.min(jobs, Math.floor(files / MIN_FILES_PER_WORKER));
  return n >= 2 ? n : 0;
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
 * Lints `targets` on `workers` threads; resolves to their results in the order of `targets`.
 * A worker that fails (it should not: lintFile never throws for bad input) rejects the whole run.
 */
export async function lintOnWorkers(targets: LintTarget[], workers: number, opts: PoolOptions): Promise<FileResult[]> {
  const url = workerUrl();
  if (!url) throw new Error('worker threads need the compiled CLI (dist/)');
  const { Worker } = await import('node:worker_threads');
  const results: FileResult[] = new Array<FileResult>(targets.length);
  const batches: LintTarget[][] = [];
  for (let i = 0; i < targets.length; i += BATCH) batches.push(targets.slice(i, i + BATCH));
  const init: WorkerInit = { config: opts.config, maxFileSize: opts.maxFileSize, text: opts.text };
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      const send = (w: Worker) => {
        if (next >= batches.length) return;
        const batch = next++;
        const msg: WorkerRequest = { batch, targets: batches[batch] };
        w.postMessage(msg);
      };
      for (let k = 0; k < workers; k++) {
        const w = new Worker(url, { workerData: init });
        pool.push(w);
        w.on('message', (reply: WorkerReply) => {
          if ('error' in reply) {
            rejectAll(new Error(reply.error));
            return;
          }
          const base = reply.batch * BATCH;
          reply.results.forEach((r, j) => (results[base + j] = r));
          done++;
          if (done === batches.length) resolveAll();
          else send(w);
        });
        w.on('error', rejectAll);
        w.on('exit', (code) => {
          if (done < batches.length) rejectAll(new Error(`a lint worker exited (code ${code}) before finishing`));
        });
        // Two batches in flight per worker: it never waits for the next one.
        send(w);
        send(w);
      }
      if (batches.length === 0) resolveAll();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
