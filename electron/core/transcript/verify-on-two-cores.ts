/**
 * `keyrite verify`'s verifier: the pure verifier (shared/transcript/bundle.ts)
 * for the verdict alone, on this thread or with the journal checked in two
 * parts, one on a worker thread (shared/transcript/journal-parts.ts). Its
 * answer is verifyBundle's, without the events (the command prints none;
 * the auditor's screen, which shows them, calls verifyBundle itself). When
 * a part finds a problem, the whole bundle is verified again on this
 * thread, so a tampered bundle's first bad event and every reason are the
 * ones verifyBundle names (verify-on-two-cores.test.ts compares the two
 * over tampered bundles).
 */
import { Worker } from 'node:worker_threads';
import { JOURNAL_PATH, bundleCheckpoints, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { addRoots, claimedSizes, joinParts, partBoundary, scanJournalPart, type PartScan } from '../../../shared/transcript/journal-parts.ts';
import { CompactRange } from '../../../shared/transcript/merkle.ts';
import { checkNoteSignatures } from '../../../shared/transcript/prepared-work.ts';
import type { JournalPartRequest } from './journal-part-worker.ts';
import { nodeCrypto } from './node-crypto.ts';

/**
 * Below this journal size (about 13,000 events) verify on this thread alone:
 * a worker's start-up and module loading cost some 100 ms, about what
 * checking 4 MB of journal takes (bench:verify).
 */
export const TWO_CORE_MIN_BYTES = 4_000_000;

/**
 * This thread's share of the journal. It starts at once, while the worker
 * first loads its modules, and afterwards still checks the signatures and
 * hashes the journal file for the manifest (bench:verify).
 */
export const THIS_THREAD_SHARE = 0.5;

/** verifyBundle's answer, without the events. */
export type BundleVerdict = Omit<BundleVerification, 'events'>;

export interface TwoCoreOptions {
  /** vkeys the auditor brought; when absent, the bundle's own keys.txt (as verifyBundle). */
  readonly trustedKeys?: readonly string[];
  /** Journals smaller than this are verified on this thread alone. */
  readonly minBytes?: number;
  /** This thread's share of the journal (THIS_THREAD_SHARE). */
  readonly share?: number;
  /** Checks the second part; a worker thread by default (tests check it in-thread too). */
  readonly secondPart?: (request: JournalPartRequest) => { answer: Promise<PartScan>; cancel: () => void };
}

/** Checks a part on a worker thread. The answer rejects if the worker cannot start or fails. */
export function partOnWorker(request: JournalPartRequest): { answer: Promise<PartScan>; cancel: () => void } {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./journal-part-worker.ts', import.meta.url), { workerData: request });
  } catch (error) {
    return { answer: Promise.reject(error instanceof Error ? error : new Error(String(error))), cancel: () => undefined };
  }
  const answer = new Promise<PartScan>((resolve, reject) => {
    worker.once('message', (part: PartScan) => {
      resolve(part);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`journal-part worker exited with ${code}`)));
  });
  // An early failure is handled where the answer is awaited, or not at all when it is cancelled.
  answer.catch(() => undefined);
  return { answer, cancel: () => void worker.terminate() };
}

/** The journal in memory both threads see: starting a worker then copies nothing (a 30 MB copy costs this thread ~40 ms, bench:verify). */
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
function trustOf(options: Pick<TwoCoreOptions, 'trustedKeys'>): { trustedKeys?: readonly string[] } {
  return options.trustedKeys === undefined ? {} : { trustedKeys: options.trustedKeys };
}

/** verifyBundle's answer without the events, on this thread, with node:crypto and no events kept (the verdict alone). */
export function verifyBundleVerdict(files: ReadonlyMap<string, Uint8Array>, options: Pick<TwoCoreOptions, 'trustedKeys'> = {}): BundleVerdict {
  return withoutEvents(verifyBundle(files, { ...trustOf(options), ...nodeCrypto, keepEvents: false }));
}

/**
 * verifyBundleVerdict with half the journal on a second core. Where the
 * two cores share one physical core, as on the machine bench:verify was
 * measured on, it gains nothing (from 0.88 to 1.16 times one thread's time
 * over five runs), so `keyrite verify` uses it only when asked (--threads 2).
 */
export async function verifyBundleOnTwoCores(files: ReadonlyMap<string, Uint8Array>, options: TwoCoreOptions = {}): Promise<BundleVerdict> {
  const trusted = trustOf(options);
  const alone = () => verifyBundleVerdict(files, trusted);
  const journal = files.get(JOURNAL_PATH);
  if (journal === undefined || journal.length < (options.minBytes ?? TWO_CORE_MIN_BYTES)) return alone();
  const boundary = partBoundary(journal, options.share ?? THIS_THREAD_SHARE);
  const second = (options.secondPart ?? partOnWorker)({ journal: shareable(journal), start: boundary, end: journal.length });
  const first = scanJournalPart(journal, 0, boundary, nodeCrypto.sha256);
  if (first.firstBadEvent !== undefined) {
    second.cancel();
    return alone();
  }
  // While the worker checks its part: the signatures, the journal file's hash, and the tree over this part.
  const notes = bundleCheckpoints(files);
  const signatures = checkNoteSignatures(notes, options.trustedKeys ?? bundleKeys(files), nodeCrypto.ed25519);
  const journalSha256 = nodeCrypto.sha256(journal);
  const sizes = claimedSizes(notes);
  const range = new CompactRange(nodeCrypto.sha256);
  const roots = new Map<number, Uint8Array>();
  addRoots(range, first.leafHashes, 0, sizes, roots);
  let last: PartScan;
  try {
    last = await second.answer;
  } catch {
    // The worker could not run (no threads, a bundled app without the
    // worker file): the part is checked here instead, with the same result.
    last = scanJournalPart(journal, boundary, journal.length, nodeCrypto.sha256);
  }
  const scanned = joinParts([first, last]);
  if (scanned === undefined) return alone();
  addRoots(range, last.leafHashes, last.firstLine, sizes, roots);
  return withoutEvents(verifyBundle(files, { ...trusted, ...nodeCrypto, prepared: { scanned, roots, signatures, journalSha256 } }));
}
