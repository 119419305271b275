/**
 * `keyrite verify`'s verifier: the pure verifier (shared/transcript/bundle.ts)
 * for the verdict alone, on this thread or on several: one worker thread
 * hashes the journal's tree (shared/transcript/journal-tree.ts) while this
 * thread, and any other workers, check its lines in parts
 * (shared/transcript/journal-parts.ts). Its answer is
 * verifyBundle's, without the events (the command prints none; the
 * auditor's screen, which shows them, calls verifyBundle itself). When a
 * part finds a problem, the whole bundle is verified again on this thread,
 * so a tampered bundle's first bad event and every reason are the ones
 * verifyBundle names (verify-in-parallel.test.ts compares the two over
 * tampered bundles).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_PATH, bundleCheckpoints, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { claimedSizes, joinParts, partBounds, scanJournalPart, takeParts, type PartScan, type SharedParts } from '../../../shared/transcript/journal-parts.ts';
import { claimFileHash, hashJournalTree, hashTreeTail, joinTree, treeChunkClaims } from '../../../shared/transcript/journal-tree.ts';
import { checkNoteSignatures } from '../../../shared/transcript/prepared-work.ts';
import { readBundle } from './bundle-read.ts';
import { nodeCrypto } from './node-crypto.ts';
import { defaultThreads, onWorkers, startWorkers, type Helpers, type TreeWorkerAnswer } from './verify-workers.ts';

export { MAX_THREADS, defaultThreads, onWorkers, startWorkers, type Helper, type Helpers, type TreeWorkerAnswer } from './verify-workers.ts';

/**
 * Below this journal size (about 13,000 events) verify on this thread alone:
 * a worker's start-up costs about 100 ms, about what checking 4 MB of
 * journal takes (bench:verify).
 */
export const PARALLEL_MIN_BYTES = 4_000_000;

/**
 * Parts per thread that checks lines. A worker starts late and runs its
 * first parts before V8 has optimised them (its first 2 MB part took 130 to
 * 160 ms where this thread took 55), so it takes fewer parts than this
 * thread; parts small enough that neither thread waits long for the
 * other's last one, and few enough that each part's own start (its first
 * line read twice) stays small (bench:verify). On two threads the lines
 * are in parts too, for the tree's worker to take any left when its tree
 * is done.
 */
export const PARTS_PER_THREAD = 16;

/** verifyBundle's answer, without the events. */
export type BundleVerdict = Omit<BundleVerification, 'events'>;

export interface ParallelOptions {
  /** vkeys the auditor brought; when absent, the bundle's own keys.txt (as verifyBundle). */
  readonly trustedKeys?: readonly string[];
  /** Threads in all, this one included (defaultThreads); 1 verifies on this thread alone, 2 has a worker hash the tree while this thread checks the lines, each more takes parts of the lines. */
  readonly threads?: number;
  /** Journals smaller than this are verified on this thread alone (PARALLEL_MIN_BYTES). */
  readonly minBytes?: number;
  /** Parts per thread that checks lines (PARTS_PER_THREAD). */
  readonly partsPerThread?: number;
  /** Starts the other threads; worker threads by default (tests stand in for them in this thread). */
  readonly helpers?: Helpers;
}

/**
 * `keyrite verify`: reads the bundle at `path` (a folder or .tar) and
 * verifies it with `threads` threads; when the journal is large enough to
 * share, the workers start before the reading.
 */
export async function readAndVerifyBundle(path: string, options: Omit<ParallelOptions, 'helpers'> = {}): Promise<BundleVerdict> {
  const threads = options.threads ?? defaultThreads();
  const workers = threads > 1 && bundleBytes(path) >= (options.minBytes ?? PARALLEL_MIN_BYTES) ? startWorkers(threads - 1) : undefined;
  try {
    return await verifyBundleInParallel(readBundle(path), { ...options, threads, ...(workers === undefined ? {} : { helpers: workers.helpers }) });
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
 * verifyBundleVerdict on `threads` threads. A worker hashes the journal's
 * tree, every line's leaf hash and the roots the checkpoints claim, while
 * this thread (and each further worker) takes the next part of the journal
 * not yet taken and checks its lines. This thread first checks the
 * signatures, then takes parts until none is left, then hashes the journal
 * file unless the tree's worker, done first, has claimed that; then, while
 * the tree's worker is still at it, it hashes the tree's last chunks from
 * the end until it meets the worker (journal-tree.ts, hashTreeTail: the two
 * then finish together, whichever was slower; a worker done first takes any
 * parts left instead), and joins the two trees (or hashes the tree itself
 * if its worker failed); it checks any part a failed worker left, joins the parts, checking every line's link
 * against the tree's leaf hashes, and asks the pure verifier for the
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
  const checkers = threads - 1;
  const treeChunks = treeChunkClaims(shared.length);
  const work: SharedParts = { journal: shared, bounds: partBounds(shared, checkers * (options.partsPerThread ?? PARTS_PER_THREAD)), sizes: claimedSizes(notes), taken: new Int32Array(new SharedArrayBuffer(4)), treeChunks };
  const helpers = options.helpers ?? onWorkers;
  const fileHashClaim = new Int32Array(new SharedArrayBuffer(4));
  const tree = helpers.tree(work, fileHashClaim);
  const others = Array.from({ length: checkers - 1 }, () => helpers.parts(work));
  // A failure is handled where an answer is awaited, or not at all when the work ends without it.
  for (const helper of [tree, ...others]) helper.answer.catch(() => undefined);
  const stop = () => {
    tree.cancel();
    for (const other of others) other.cancel();
  };
  // First, while the workers start: the signatures.
  const signatures = checkNoteSignatures(notes, options.trustedKeys ?? bundleKeys(files), nodeCrypto.ed25519);
  const taken = takeParts(work);
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) {
    stop();
    return alone();
  }
  for (const other of others) {
    try {
      taken.push(...(await other.answer));
    } catch {
      // A worker that could not run (no threads, a bundled app without the
      // worker file) or failed: the parts it took are checked below, with the same result.
    }
  }
  // A worker found a problem (and stopped the taking): the whole journal on this thread, which names it.
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) {
    stop();
    return alone();
  }
  // The journal file's hash for the manifest, here unless the tree's worker, free first, has taken it.
  const hashedHere = claimFileHash(fileHashClaim) ? nodeCrypto.sha256(journal) : undefined;
  // Then, while the tree's worker is still at it, the tree's last chunks
  // (journal-tree.ts, hashTreeTail); not when it has taken parts of the
  // lines, having finished the tree first.
  const lineCount = taken.length === work.bounds.length - 1 ? taken.reduce((lines, { part }) => lines + part.lineCount, 0) : undefined;
  const tail = lineCount === undefined ? undefined : hashTreeTail(shared, lineCount, treeChunks, nodeCrypto.sha256);
  let hashed: TreeWorkerAnswer | undefined;
  try {
    hashed = await tree.answer;
  } catch {
    // As for parts: a tree its worker could not hash is hashed here (below), and any part it took is checked here.
  }
  taken.push(...(hashed?.taken ?? []));
  if (taken.some(({ part }) => part.firstBadEvent !== undefined)) return alone();
  const byIndex = new Map(taken.map(({ index, part }) => [index, part]));
  const parts: PartScan[] = [];
  for (let k = 0; k + 1 < work.bounds.length; k++) parts.push(byIndex.get(k) ?? scanJournalPart(shared, work.bounds[k] as number, work.bounds[k + 1] as number));
  const whole = (hashed === undefined ? undefined : joinTree(hashed, tail, work.sizes, nodeCrypto.sha256)) ?? hashJournalTree(shared, nodeCrypto.sha256, work.sizes);
  const journalSha256 = hashedHere ?? hashed?.journalSha256 ?? nodeCrypto.sha256(journal);
  const scanned = joinParts(parts, whole);
  if (scanned === undefined) return alone();
  return withoutEvents(verifyBundle(files, { ...trusted, ...nodeCrypto, prepared: { scanned, roots: whole.roots, signatures, journalSha256 } }));
}
