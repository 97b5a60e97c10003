/**
 * A lint worker thread (see pool.ts): one Linter with the run's configuration, taking the next file
 * from the counter it shares with the other threads until none is left, and sending the results back
 * (texts dropped unless reported) a few files at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Linter } from '../linter.js';
import type { FileResult } from '../engine/diagnostic.js';
import { heapKeeper, keepText, REPLY_EVERY, type WorkerInit, type WorkerReply } from './pool.js';

const init = workerData as WorkerInit;
const linter = new Linter({ config: init.config, maxFileSize: init.maxFileSize, pathBase: init.pathBase });
const keepHeap = heapKeeper();
const { targets, next } = init;

async function work(): Promise<void> {
  let indexes: number[] = [];
  let results: FileResult[] = [];
  const send = () => {
    const reply: WorkerReply = { indexes, results };
    parentPort!.postMessage(reply);
    indexes = [];
    results = [];
  };
  for (let i = Atomics.add(next, 0, 1); i < targets.length; i = Atomics.add(next, 0, 1)) {
    const t = targets[i];
    indexes.push(i);
    results.push(keepText(await linter.lintFile(t.absolute, t.display, t.explicit), init.text));
    keepHeap();
    if (indexes.length === REPLY_EVERY) send();
  }
  if (indexes.length > 0) send();
}

// Stay until terminated: a worker that ended by itself before the whole run is done is a failure to
// the pool (pool.ts), and this one may run out of files while other threads still lint theirs.
parentPort!.on('message', () => undefined);
work().catch((e: unknown) => {
  const reply: WorkerReply = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  parentPort!.postMessage(reply);
});
