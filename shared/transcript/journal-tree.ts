/**
 * The journal's RFC 6962 tree (docs/formats/transcript.md §3) built apart
 * from the checks of its lines: every line's leaf hash, and the root at
 * each size a checkpoint claims, in one pass that only hashes. A host runs
 * it on one core while others check the lines in parts (journal-parts.ts),
 * whose links it then checks against these leaf hashes (scan.ts,
 * linksHold): node:crypto's hashing is native code that a new thread runs
 * at full speed at once, where the line checks run slowly until the
 * thread's JavaScript is optimised (bench:verify).
 */
import { CompactRange, sha256Into, type Sha256 } from './merkle.ts';

/** Plain data, so a worker thread can send it (the leaf hashes transferred). */
export interface JournalTree {
  /** Lines in the journal, counting an unterminated last one (as scanJournal counts them). */
  readonly lineCount: number;
  /** Every line's leaf hash, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  /** The root of the first `size` lines at every claimed size the journal reaches. */
  readonly roots: ReadonlyMap<number, Uint8Array>;
}

/** A tree hashed on another thread, with the journal file's SHA-256 (the manifest lists it) when that thread claimed it (claimFileHash). */
export type TreeAnswer = JournalTree & { readonly journalSha256?: Uint8Array };

/**
 * Claims the journal file's hash for the calling thread, through one Int32
 * in shared memory: true for the first thread to ask, false for every later
 * one. The thread that checks the lines and the one that hashes the tree
 * each ask when their own work is done, so the file is hashed once, by
 * whichever is free first.
 */
export function claimFileHash(claim: Int32Array): boolean {
  return Atomics.compareExchange(claim, 0, 0, 1) === 0;
}

/**
 * Hashes every line of `journal` (split at each newline, as scanJournal
 * splits it) and the tree at each of `sizes` (increasing, as claimedSizes
 * gives them).
 *
 * RFC 6962 leaf input is 0x00 || line. Rather than copy each line after a
 * 0x00 (a copy per line out of shared memory cost a third of the hashing,
 * bench:verify), the journal is copied once, one byte to the right, and
 * each newline is made 0x00 once the line before it is hashed: every line's
 * leaf input is then the bytes from the one just before it.
 */
export function hashJournalTree(journal: Uint8Array, sha256: Sha256, sizes: readonly number[]): JournalTree {
  const inputs = new Uint8Array(journal.length + 1);
  inputs.set(journal, 1);
  // Room for as many leaf hashes as lines of 256 bytes, doubled when there are more (counting them first cost a pass).
  let leafHashes = new Uint8Array(32 * Math.max(64, Math.floor(journal.length / 256)));
  const range = new CompactRange(sha256);
  const roots = new Map<number, Uint8Array>();
  let next = 0;
  const rootsAt = (size: number): void => {
    while (next < sizes.length && (sizes[next] as number) <= size) {
      if (sizes[next] === size) roots.set(size, range.root());
      next++;
    }
  };
  rootsAt(0);
  let lineCount = 0;
  // A line starts at `start` in inputs (its journal offset + 1), and inputs[start - 1] is 0x00.
  let start = 1;
  while (start < inputs.length) {
    const newline = inputs.indexOf(0x0a, start);
    const end = newline < 0 ? inputs.length : newline;
    if (leafHashes.length === lineCount * 32) {
      const more = new Uint8Array(2 * leafHashes.length);
      more.set(leafHashes);
      leafHashes = more;
    }
    sha256Into(sha256, inputs.subarray(start - 1, end), leafHashes, lineCount * 32);
    range.append(leafHashes, lineCount * 32);
    rootsAt(++lineCount);
    // An unterminated last line is a line (as scanJournal counts it, and refuses it).
    if (newline < 0) break;
    inputs[newline] = 0;
    start = newline + 1;
  }
  return { lineCount, leafHashes: leafHashes.slice(0, lineCount * 32), roots };
}
