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
import { CompactRange, LeafHasher, type Sha256 } from './merkle.ts';

/** Plain data, so a worker thread can send it (the leaf hashes transferred). */
export interface JournalTree {
  /** Lines in the journal, counting an unterminated last one (as scanJournal counts them). */
  readonly lineCount: number;
  /** Every line's leaf hash, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  /** The root of the first `size` lines at every claimed size the journal reaches. */
  readonly roots: ReadonlyMap<number, Uint8Array>;
}

/** Hashes every line of `journal` (split at each newline, as scanJournal splits it) and the tree at each of `sizes` (increasing, as claimedSizes gives them). */
export function hashJournalTree(journal: Uint8Array, sha256: Sha256, sizes: readonly number[]): JournalTree {
  let lineCount = 0;
  for (let at = journal.indexOf(0x0a); at >= 0; at = journal.indexOf(0x0a, at + 1)) lineCount++;
  const unterminated = journal.length > 0 && journal[journal.length - 1] !== 0x0a;
  if (unterminated) lineCount++;
  const leafHashes = new Uint8Array(lineCount * 32);
  const hasher = new LeafHasher(sha256);
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
  let start = 0;
  for (let i = 0; i < lineCount; i++) {
    const newline = journal.indexOf(0x0a, start);
    const end = newline < 0 ? journal.length : newline;
    hasher.hashInto(journal, start, end, leafHashes, i * 32);
    range.append(leafHashes, i * 32);
    rootsAt(i + 1);
    start = end + 1;
  }
  return { lineCount, leafHashes, roots };
}
