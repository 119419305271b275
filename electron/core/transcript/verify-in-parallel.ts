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
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { JOURNAL_PATH, bundleCheckpoints, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { claimedSizes, joinParts, partBounds, rootsOfParts, scanJournalPart, takeParts, type PartScan, type SharedParts, type TakenPart } from '../../../shared/transcript/journal-parts.ts';
import { checkNoteSignatures } from '../../../shared/transcript/prepared-work.ts';
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
 * V8 has optimised them, so it takes fewer parts than this thread; parts
 * small enough that neither thread waits long for the other's last one,
 * and few enough that each part's own start (its first line read twice,
 * the line before it hashed) stays small (bench:verify).
 */
export const PARTS_PER_THREAD = 8;

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

/** Takes parts on a worker thread. The answer rejects if the worker cannot start or fails. */
export function partsOnWorker(work: SharedParts): PartsHelper {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./journal-parts-worker.ts', import.meta.url), { workerData: work, env: workerEnvironment() });
  } catch (error) {
    return { answer: Promise.reject(error instanceof Error ? error : new Error(String(error))), cancel: () => undefined };
  }
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
  return { answer, cancel: () => void worker.terminate() };
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
  const taken = takeParts(work, nodeCrypto.sha256);
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) {
    for (const helper of helpers) helper.cancel();
    return alone();
  }
  // While the helpers finish their last parts: the signatures, and the journal file's hash for the manifest.
  const signatures = checkNoteSignatures(notes, options.trustedKeys ?? bundleKeys(files), nodeCrypto.ed25519);
  const journalSha256 = nodeCrypto.sha256(journal);
  for (const helper of helpers) {
    try {
      taken.push(...(await helper.answer));
    } catch {
      // A worker that could not run (no threads, a bundled app without the
      // worker file) or failed: the parts it took are checked below, with the same result.
    }
  }
  const byIndex = new Map(taken.map(({ index, part }) => [index, part]));
  const parts: PartScan[] = [];
  for (let k = 0; k + 1 < work.bounds.length; k++) parts.push(byIndex.get(k) ?? scanJournalPart(shared, work.bounds[k] as number, work.bounds[k + 1] as number, nodeCrypto.sha256, work.sizes));
  const scanned = joinParts(parts);
  if (scanned === undefined) return alone();
  const roots = rootsOfParts(parts, nodeCrypto.sha256);
  return withoutEvents(verifyBundle(files, { ...trusted, ...nodeCrypto, prepared: { scanned, roots, signatures, journalSha256 } }));
}
