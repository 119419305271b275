/**
 * `keyrite verify`'s verifier: the pure verifier (shared/transcript/bundle.ts)
 * for the verdict alone, on this thread or with the journal's parts shared
 * among threads (shared/transcript/journal-parts.ts). Its answer is
 * verifyBundle's, without the events (the command prints none; the
 * auditor's screen, which shows them, calls verifyBundle itself). When a
 * part finds a problem, the whole bundle is verified again on this thread,
 * so a tampered bundle's first bad event and every reason are the ones
 * verifyBundle names (verify-in-parallel.test.ts compares the two over
 * tampered bundles).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_PATH, bundleCheckpoints, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { claimedSizes, joinParts, partBounds, rootsOfParts, scanJournalPart, takeParts, type PartScan, type SharedParts, type TakenPart } from '../../../shared/transcript/journal-parts.ts';
import { checkNoteSignatures } from '../../../shared/transcript/prepared-work.ts';
import { readBundle } from './bundle-read.ts';
import { workerEnvironment } from './compile-cache.ts';
import { nodeCrypto } from './node-crypto.ts';

/**
 * Below this journal size (about 13,000 events) verify on this thread alone:
 * a worker's start-up costs about 100 ms, about what checking 4 MB of
 * journal takes (bench:verify).
 */
export const PARALLEL_MIN_BYTES = 4_000_000;

/**
 * Parts per thread. A worker starts late and runs its first parts before
 * V8 has optimised them (its first 2 MB part took 130 to 160 ms where this
 * thread took 55), so it takes fewer parts than this thread; parts small
 * enough that neither thread waits long for the other's last one (about
 * 1 MB, 30 ms, for 100,000 events on two threads), and few enough that
 * each part's own start (its first line read twice, the line before it
 * hashed) stays small (bench:verify).
 */
export const PARTS_PER_THREAD = 16;

/** Beyond four threads a 100,000-event journal gains little: each worker's start-up costs what a part does. */
export const MAX_THREADS = 4;

/** The threads `keyrite verify` uses unless told: one a core, up to MAX_THREADS. */
export function defaultThreads(): number {
  return Math.min(MAX_THREADS, availableParallelism());
}

/** verifyBundle's answer, without the events. */
export type BundleVerdict = Omit<BundleVerification, 'events'>;

/** A thread taking parts: what it took, and a way to stop it. */
export interface PartsHelper {
  readonly answer: Promise<TakenPart[]>;
  readonly cancel: () => void;
}

export interface ParallelOptions {
  /** vkeys the auditor brought; when absent, the bundle's own keys.txt (as verifyBundle). */
  readonly trustedKeys?: readonly string[];
  /** Threads in all, this one included (defaultThreads); 1 verifies on this thread alone. */
  readonly threads?: number;
  /** Journals smaller than this are verified on this thread alone (PARALLEL_MIN_BYTES). */
  readonly minBytes?: number;
  readonly partsPerThread?: number;
  /** Starts a thread that takes parts; a worker thread by default (tests take parts in-thread). */
  readonly helper?: (work: SharedParts) => PartsHelper;
}

/** A worker thread that will take parts once given the work; any failure before then is kept for that moment. */
interface WaitingWorker {
  readonly worker: Worker;
  failure: Error | undefined;
}

function startWorker(): WaitingWorker | Error {
  try {
    const worker = new Worker(new URL('./journal-parts-worker.ts', import.meta.url), { env: workerEnvironment() });
    // Until it is given work it keeps no process alive (a verification that does not need it ends at once).
    worker.unref();
    const waiting: WaitingWorker = { worker, failure: undefined };
    worker.once('error', (error) => (waiting.failure = error));
    // A thread that ended before it was given work will never answer.
    worker.once('exit', (code) => (waiting.failure ??= new Error(`journal-parts worker exited with ${code} before it was given work`)));
    return waiting;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Gives a waiting worker the work. The answer rejects if the worker failed or fails. */
function give(waiting: WaitingWorker | Error, work: SharedParts): PartsHelper {
  // A worker that could not start, or failed or ended while it waited, is not given the work.
  if (waiting instanceof Error || waiting.failure !== undefined) return { answer: Promise.reject(waiting instanceof Error ? waiting : waiting.failure), cancel: () => undefined };
  const { worker } = waiting;
  const answer = new Promise<TakenPart[]>((resolve, reject) => {
    worker.once('message', (taken: TakenPart[]) => {
      resolve(taken);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`journal-parts worker exited with ${code}`)));
  });
  // An early failure is handled where the answer is awaited, or not at all when it is cancelled.
  answer.catch(() => undefined);
  worker.ref();
  worker.postMessage(work);
  return { answer, cancel: () => void worker.terminate() };
}

/** Takes parts on a new worker thread. The answer rejects if the worker cannot start or fails. */
export function partsOnWorker(work: SharedParts): PartsHelper {
  return give(startWorker(), work);
}

/**
 * Worker threads started ahead of the work, so that their start-up (100 to
 * 300 ms, bench:verify) overlaps the reading of the bundle: `helper` gives
 * the next one the work (a new one when none is left), `close` ends those
 * never given any.
 */
export function startWorkers(count: number): { helper: (work: SharedParts) => PartsHelper; close: () => void } {
  const idle = Array.from({ length: count }, startWorker);
  return {
    helper: (work) => give(idle.shift() ?? startWorker(), work),
    close: () => {
      for (const waiting of idle.splice(0)) if (!(waiting instanceof Error)) void waiting.worker.terminate();
    },
  };
}

/**
 * `keyrite verify`: reads the bundle at `path` (a folder or .tar) and
 * verifies it with `threads` threads; when the journal is large enough to
 * share, the workers start before the reading.
 */
export async function readAndVerifyBundle(path: string, options: Omit<ParallelOptions, 'helper'> = {}): Promise<BundleVerdict> {
  const threads = options.threads ?? defaultThreads();
  const workers = threads > 1 && bundleBytes(path) >= (options.minBytes ?? PARALLEL_MIN_BYTES) ? startWorkers(threads - 1) : undefined;
  try {
    return await verifyBundleInParallel(readBundle(path), { ...options, threads, ...(workers === undefined ? {} : { helper: workers.helper }) });
  } finally {
    workers?.close();
  }
}

/** The journal's size in a bundle folder, or the archive's size (an upper bound); 0 if neither can be read (the reading then says why). */
function bundleBytes(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? statSync(join(path, JOURNAL_PATH)).size : stat.size;
  } catch {
    return 0;
  }
}

/** The journal in memory every thread sees: starting a worker then copies nothing (a 30 MB copy costs this thread ~40 ms, bench:verify). */
function shareable(journal: Uint8Array): Uint8Array {
  if (journal.buffer instanceof SharedArrayBuffer) return journal;
  const shared = new Uint8Array(new SharedArrayBuffer(journal.length));
  shared.set(journal);
  return shared;
}

function withoutEvents({ events: _events, ...verdict }: BundleVerification): BundleVerdict {
  return verdict;
}

/** The keys to trust, as verifyBundle takes them (absent: the bundle's own). */
function trustOf(options: Pick<ParallelOptions, 'trustedKeys'>): { trustedKeys?: readonly string[] } {
  return options.trustedKeys === undefined ? {} : { trustedKeys: options.trustedKeys };
}

/** verifyBundle's answer without the events, on this thread, with node:crypto and no events kept (the verdict alone). */
export function verifyBundleVerdict(files: ReadonlyMap<string, Uint8Array>, options: Pick<ParallelOptions, 'trustedKeys'> = {}): BundleVerdict {
  return withoutEvents(verifyBundle(files, { ...trustOf(options), ...nodeCrypto, keepEvents: false }));
}

/**
 * verifyBundleVerdict with the journal's parts shared among `threads`
 * threads. Each thread takes the next part not yet taken, checks it and
 * builds its piece of the tree; this thread then checks the signatures and
 * the journal file's hash, checks any part a failed worker left, joins the
 * parts and their pieces of the tree, and asks the pure verifier for the
 * verdict with that work done.
 */
export async function verifyBundleInParallel(files: ReadonlyMap<string, Uint8Array>, options: ParallelOptions = {}): Promise<BundleVerdict> {
  const trusted = trustOf(options);
  const alone = () => verifyBundleVerdict(files, trusted);
  const journal = files.get(JOURNAL_PATH);
  const threads = options.threads ?? defaultThreads();
  if (journal === undefined || threads < 2 || journal.length < (options.minBytes ?? PARALLEL_MIN_BYTES)) return alone();
  const notes = bundleCheckpoints(files);
  const shared = shareable(journal);
  const work: SharedParts = { journal: shared, bounds: partBounds(shared, threads * (options.partsPerThread ?? PARTS_PER_THREAD)), sizes: claimedSizes(notes), taken: new Int32Array(new SharedArrayBuffer(4)) };
  const helpers = Array.from({ length: threads - 1 }, () => (options.helper ?? partsOnWorker)(work));
  // First, while the workers start: the signatures, and the journal file's
  // hash for the manifest; then parts until none is left, so that every
  // thread ends with the parts at once (afterwards this thread would end
  // later by their cost, bench:verify).
  const signatures = checkNoteSignatures(notes, options.trustedKeys ?? bundleKeys(files), nodeCrypto.ed25519);
  const journalSha256 = nodeCrypto.sha256(journal);
  const taken = takeParts(work, nodeCrypto.sha256);
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) {
    for (const helper of helpers) helper.cancel();
    return alone();
  }
  for (const helper of helpers) {
    try {
      taken.push(...(await helper.answer));
    } catch {
      // A worker that could not run (no threads, a bundled app without the
      // worker file) or failed: the parts it took are checked below, with the same result.
    }
  }
  // A worker found a problem (and stopped the taking): the whole journal on this thread, which names it.
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) return alone();
  const byIndex = new Map(taken.map(({ index, part }) => [index, part]));
  const parts: PartScan[] = [];
  for (let k = 0; k + 1 < work.bounds.length; k++) parts.push(byIndex.get(k) ?? scanJournalPart(shared, work.bounds[k] as number, work.bounds[k + 1] as number, nodeCrypto.sha256, work.sizes));
  const scanned = joinParts(parts);
  if (scanned === undefined) return alone();
  const roots = rootsOfParts(parts, nodeCrypto.sha256);
  return withoutEvents(verifyBundle(files, { ...trusted, ...nodeCrypto, prepared: { scanned, roots, signatures, journalSha256 } }));
}
