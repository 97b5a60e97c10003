/**
 * A lint worker thread (see pool.ts): one Linter with the run's configuration, linting the batches
 * of files the main thread sends, replying with their results (texts dropped unless reported).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Linter } from '../linter.js';
import { heapKeeper, keepText, type WorkerInit, type WorkerReply, type WorkerRequest } from './pool.js';

const init = workerData as WorkerInit;
const linter = new Linter({ config: init.config, maxFileSize: init.maxFileSize, pathBase: init.pathBase });
const keepHeap = heapKeeper();

async function lintBatch(req: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    const results = [];
    for (const t of req.targets) {
      results.push(keepText(await linter.lintFile(t.absolute, t.display, t.explicit), init.text));
      keepHeap();
    }
    reply = { batch: req.batch, results };
  } catch (e) {
    reply = { batch: req.batch, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
}

// One batch at a time, in the order received (the next one is already queued while this one runs).
let queue = Promise.resolve();
parentPort!.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => lintBatch(req));
});
