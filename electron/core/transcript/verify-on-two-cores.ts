/**
 * The Node host's verifier: the pure verifier (shared/transcript/bundle.ts)
 * on two cores. This thread reads the events, which the result holds and
 * which would cost as much again to copy from another thread, then checks
 * the checkpoint signatures; a worker thread meanwhile hashes (every line's
 * leaf hash and canonical form, the tree's roots, the journal's hash:
 * shared/transcript/journal-digests.ts). The two halves cost about the same
 * (bench:verify). The pure verifier then takes those answers where it would
 * have computed them, in the same order, so the result is the one
 * verifyBundle gives alone (verify-on-two-cores.test.ts compares them over
 * tampered bundles).
 */
import { Worker } from 'node:worker_threads';
import { JOURNAL_PATH, bundleCheckpoints, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import type { JournalDigests } from '../../../shared/transcript/journal-digests.ts';
import { checkNoteSignatures, type PreparedWork } from '../../../shared/transcript/prepared-work.ts';
import { lineOffsets, readJournalLines, splitLines, type LineOffsets } from '../../../shared/transcript/scan.ts';
import type { ByteWorkOffsets, ByteWorkRequest } from './byte-work-worker.ts';
import { nodeSha256 } from './node-sha256.ts';

/**
 * Below this journal size (about 13,000 events) verify on this thread alone:
 * a worker's start-up and module loading cost some 100-200 ms of CPU, about
 * what hashing 4 MB of journal takes (measured under load for bench:verify).
 */
export const TWO_CORE_MIN_BYTES = 4_000_000;

export interface TwoCoreOptions {
  /** vkeys the auditor brought; when absent, the bundle's own keys.txt (as verifyBundle). */
  readonly trustedKeys?: readonly string[];
  /** Journals smaller than this are verified on this thread alone. */
  readonly minBytes?: number;
}

/**
 * Starts the hashing on a worker thread; `send` gives it the line offsets.
 * The answer rejects if the worker cannot start or fails.
 */
function digestsOnWorker(request: ByteWorkRequest): { send: (offsets: LineOffsets) => void; answer: Promise<JournalDigests> } {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./byte-work-worker.ts', import.meta.url), { workerData: request });
  } catch (error) {
    return { send: () => undefined, answer: Promise.reject(error instanceof Error ? error : new Error(String(error))) };
  }
  const answer = new Promise<JournalDigests>((resolve, reject) => {
    worker.once('message', (work: JournalDigests) => {
      resolve(work);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`byte-work worker exited with ${code}`)));
  });
  const send = ({ starts, ends, unterminated }: LineOffsets) => {
    const startArray = new Float64Array(starts);
    const endArray = new Float64Array(ends);
    const offsets: ByteWorkOffsets = { starts: startArray, ends: endArray, unterminated };
    worker.postMessage(offsets, [startArray.buffer, endArray.buffer]);
  };
  return { send, answer };
}

/** verifyBundle, with node:crypto's SHA-256 and the byte work on a second core. */
export async function verifyBundleOnTwoCores(files: ReadonlyMap<string, Uint8Array>, options: TwoCoreOptions = {}): Promise<BundleVerification> {
  const trusted = options.trustedKeys === undefined ? {} : { trustedKeys: options.trustedKeys };
  const journal = files.get(JOURNAL_PATH);
  if (journal === undefined || journal.length < (options.minBytes ?? TWO_CORE_MIN_BYTES)) return verifyBundle(files, { ...trusted, sha256: nodeSha256 });
  const notes = bundleCheckpoints(files);
  const work = digestsOnWorker({ journal, notes });
  // Keep an early failure from being reported as unhandled while this thread reads the events.
  work.answer.catch(() => undefined);
  const offsets = lineOffsets(journal);
  work.send(offsets);
  const lines = readJournalLines(journal, splitLines(journal, offsets));
  const signatures = checkNoteSignatures(notes, options.trustedKeys ?? bundleKeys(files));
  let prepared: PreparedWork;
  try {
    prepared = { lines, signatures, ...(await work.answer) };
  } catch {
    // The worker could not run (no threads, a bundled app without the
    // worker file): the same work is done here instead, with the same result.
    prepared = { lines, signatures };
  }
  return verifyBundle(files, { ...trusted, sha256: nodeSha256, prepared });
}
