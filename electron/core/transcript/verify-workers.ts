/**
 * The worker threads of verify-in-parallel.ts: started (ahead of the
 * work, startWorkers), given their job, and answering. Loads nothing of the
 * verifier itself.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SharedParts, TakenPart } from '../../../shared/transcript/journal-parts.ts';
import type { TreeAnswer } from '../../../shared/transcript/journal-tree.ts';
import { workerEnvironment } from './compile-cache.ts';
import type { WorkerJob } from './verify-worker.ts';

/** Beyond four threads a 100,000-event journal gains little: each worker's start-up costs what a part does. */
export const MAX_THREADS = 4;

/** The threads `keyrite verify` uses unless told: one a core, up to MAX_THREADS. */
export function defaultThreads(): number {
  return Math.min(MAX_THREADS, availableParallelism());
}

/** Work on another thread: its answer, and a way to stop it. */
export interface Helper<T> {
  readonly answer: Promise<T>;
  readonly cancel: () => void;
}

/** The tree's worker's answer: the tree, and the parts of the lines it took once the tree was done (none if every part was taken). */
export type TreeWorkerAnswer = TreeAnswer & { readonly taken?: TakenPart[] };

/** How the other threads are started: the first one hashes the tree (then takes parts), any more take parts. */
export interface Helpers {
  readonly tree: (work: SharedParts, fileHashClaim: Int32Array) => Helper<TreeWorkerAnswer>;
  readonly parts: (work: SharedParts) => Helper<TakenPart[]>;
}

/** A worker thread that will do its job (hash the tree, or take parts) once given it; any failure before then is kept for that moment. */
interface WaitingWorker {
  readonly worker: Worker;
  failure: Error | undefined;
}

function startWorker(): WaitingWorker | Error {
  try {
    const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), { env: workerEnvironment() });
    // Until it is given work it keeps no process alive (a verification that does not need it ends at once).
    worker.unref();
    const waiting: WaitingWorker = { worker, failure: undefined };
    worker.once('error', (error) => (waiting.failure = error));
    // A thread that ended before it was given work will never answer.
    worker.once('exit', (code) => (waiting.failure ??= new Error(`verify worker exited with ${code} before it was given work`)));
    return waiting;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Gives a waiting worker its job. The answer rejects if the worker failed or fails. */
function give<T>(waiting: WaitingWorker | Error, job: WorkerJob): Helper<T> {
  // A worker that could not start, or failed or ended while it waited, is not given the work.
  if (waiting instanceof Error || waiting.failure !== undefined) return { answer: Promise.reject(waiting instanceof Error ? waiting : waiting.failure), cancel: () => undefined };
  const { worker } = waiting;
  const answer = new Promise<T>((resolve, reject) => {
    worker.once('message', (found: T) => {
      resolve(found);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`verify worker exited with ${code}`)));
  });
  // An early failure is handled where the answer is awaited, or not at all when it is cancelled.
  answer.catch(() => undefined);
  worker.ref();
  worker.postMessage(job);
  return { answer, cancel: () => void worker.terminate() };
}

/** Each job on a new worker thread. An answer rejects if its worker cannot start or fails. */
export const onWorkers: Helpers = {
  tree: (work, fileHashClaim) => give(startWorker(), { role: 'tree', work, fileHashClaim }),
  parts: (work) => give(startWorker(), { role: 'parts', work }),
};

/**
 * Worker threads started ahead of the work, so that their start-up (100 to
 * 300 ms, bench:verify) overlaps the reading of the bundle: `helpers` give
 * the next one a job (a new one when none is left), `close` ends those
 * never given any.
 */
export function startWorkers(count: number): { helpers: Helpers; close: () => void } {
  const idle = Array.from({ length: count }, startWorker);
  const next = <T>(job: WorkerJob): Helper<T> => give<T>(idle.shift() ?? startWorker(), job);
  return {
    helpers: { tree: (work, fileHashClaim) => next({ role: 'tree', work, fileHashClaim }), parts: (work) => next({ role: 'parts', work }) },
    close: () => {
      for (const waiting of idle.splice(0)) if (!(waiting instanceof Error)) void waiting.worker.terminate();
    },
  };
}
