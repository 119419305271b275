/**
 * The journal's RFC 6962 tree (docs/formats/transcript.md §3) built apart
 * from the checks of its lines: every line's leaf hash, and the root at
 * each size a checkpoint claims, in one pass that only hashes. A host runs
 * it on one core while others check the lines in parts (journal-parts.ts),
 * whose links it then checks against these leaf hashes (scan.ts,
 * linksHold): node:crypto's hashing is native code that a new thread runs
 * at full speed at once, where the line checks run slowly until the
 * thread's JavaScript is optimised (bench:verify). The host that checks the
 * lines, once done, hashes the tree's last chunks from the end
 * (hashTreeTail) until it meets this thread, and joins the two (joinTree):
 * the worker starts 100 ms or more after the host, and which of the two
 * finished last varied from run to run (bench:verify).
 */
import { hashRoomFor, withRoom } from './bytes.ts';
import { CompactRange, LeafHasher, sha256Into, type CompactRangeState, type Sha256 } from './merkle.ts';

/** Plain data, so a worker thread can send it (the leaf hashes transferred). */
export interface JournalTree {
  /** Lines in the journal, counting an unterminated last one (as scanJournal counts them). */
  readonly lineCount: number;
  /** Every line's leaf hash, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  /** The root of the first `size` lines at every claimed size the journal reaches (of its first lineCount lines, when it handed over). */
  readonly roots: ReadonlyMap<number, Uint8Array>;
  /**
   * Present when the hashing stopped at a chunk another thread had claimed
   * (hashTreeTail): the tree over the lines hashed so far, for joinTree to
   * go on from. lineCount and leafHashes then count those lines alone.
   */
  readonly handedOver?: CompactRangeState;
}

/**
 * The tree's work is shared in chunks of 2^TREE_CHUNK_HEIGHT lines: the
 * thread that hashes the tree takes them from the journal's start, and the
 * thread that checks the lines, once it is done, takes them from the end
 * (hashTreeTail), so neither waits long for the other. A full chunk is one
 * of the tree's own perfect subtrees (RFC 6962 §2.1 splits at powers of
 * two), so its root is appended whole (CompactRange.appendSubtree).
 */
export const TREE_CHUNK_HEIGHT = 8;
const CHUNK_LINES = 2 ** TREE_CHUNK_HEIGHT;
const BY_TREE = 1;
const BY_TAIL = 2;

/** One Int32 per chunk a journal of `length` bytes can have (it has at most `length` lines), in shared memory, each 0 until a thread claims it. */
export function treeChunkClaims(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (Math.floor(length / CHUNK_LINES) + 1)));
}

function claimChunk(claims: Int32Array, chunk: number, by: number): boolean {
  return chunk < claims.length && Atomics.compareExchange(claims, chunk, 0, by) === 0;
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

/** A window of 64 KiB: about 200 lines, and small enough to stay in a core's cache. */
const WINDOW_BYTES = 1 << 16;

/**
 * Where RFC 6962 leaf inputs (0x00 || line) are made: a window that holds
 * the journal's bytes from a line's start on (whole lines, then the start
 * of the next), copied one byte to the right, so that the byte before each
 * line (the last line's newline, or the window's first byte) can be made
 * the 0x00 and every line's leaf input is a view of the window, with no
 * copy per line (a copy per line out of shared memory cost a third of the
 * hashing, bench:verify). One window reused, rather than the whole journal
 * copied once: the copy into 31 MB of new memory cost the tree's worker 10
 * to 25 ms, in page faults mostly, and the window stays in the cache
 * (bench:verify).
 */
class LeafInputs {
  readonly #journal: Uint8Array;
  #window = new Uint8Array(WINDOW_BYTES);
  /** The copied bytes: journal[offset + 1, offset + filled.length) at filled[1..]. */
  #filled = this.#window.subarray(0, 0);
  #offset = -1;

  constructor(journal: Uint8Array) {
    this.#journal = journal;
  }

  /**
   * The leaf input of the line that starts at journal offset `start` (0x00,
   * then the line without its newline), and the offset of the newline that
   * ends it (-1 for an unterminated last line).
   */
  lineFrom(start: number): { input: Uint8Array; newline: number } {
    for (;;) {
      const at = this.#filled.indexOf(0x0a, start - this.#offset);
      if (at >= 0) return this.#input(start, at + this.#offset, at);
      if (this.#offset + this.#filled.length === this.#journal.length) return this.#input(start, -1, this.#filled.length);
      this.#fill(start);
    }
  }

  #input(start: number, newline: number, end: number): { input: Uint8Array; newline: number } {
    const from = start - this.#offset - 1;
    this.#window[from] = 0;
    return { input: this.#window.subarray(from, end), newline };
  }

  /** Copies the journal from `start` on into the window, doubled first if a line starting there filled it. */
  #fill(start: number): void {
    if (start === this.#offset + 1 && this.#filled.length === this.#window.length) this.#window = new Uint8Array(2 * this.#window.length);
    const bytes = this.#journal.subarray(start, start + this.#window.length - 1);
    this.#window.set(bytes, 1);
    this.#filled = this.#window.subarray(0, bytes.length + 1);
    this.#offset = start - 1;
  }
}

/**
 * Hashes every line of `journal` (split at each newline, as scanJournal
 * splits it) and the tree at each of `sizes` (increasing, as claimedSizes
 * gives them).
 */
export function hashJournalTree(journal: Uint8Array, sha256: Sha256, sizes: readonly number[], claims?: Int32Array): JournalTree {
  const inputs = new LeafInputs(journal);
  let leafHashes = hashRoomFor(journal.length);
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
  let start = 0;
  while (start < journal.length) {
    // Each chunk is claimed before its first line; one the tail has claimed ends the work here.
    if (claims !== undefined && lineCount % CHUNK_LINES === 0 && !claimChunk(claims, lineCount / CHUNK_LINES, BY_TREE)) {
      return { lineCount, leafHashes: leafHashes.slice(0, lineCount * 32), roots, handedOver: range.state() };
    }
    const { input, newline } = inputs.lineFrom(start);
    leafHashes = withRoom(leafHashes, (lineCount + 1) * 32);
    sha256Into(sha256, input, leafHashes, lineCount * 32);
    range.append(leafHashes, lineCount * 32);
    rootsAt(++lineCount);
    // An unterminated last line is a line (as scanJournal counts it, and refuses it).
    if (newline < 0) break;
    start = newline + 1;
  }
  return { lineCount, leafHashes: leafHashes.slice(0, lineCount * 32), roots };
}

/** The leaf hashes of a journal's last chunks, hashed by the thread that checked its lines (hashTreeTail). */
export interface TreeTail {
  /** The tail's first line: a multiple of the chunk size (the journal's line count when it took no chunk). */
  readonly from: number;
  /** Lines in the journal. */
  readonly lineCount: number;
  /** lineCount leaf hashes, 32 bytes each; those from `from` on are the tail's. */
  readonly leafHashes: Uint8Array;
  /** The root of each full chunk the tail took, at 32 * its chunk's index. */
  readonly chunkRoots: Uint8Array;
}

/**
 * Claims chunks of the tree's work from the journal's end, one at a time,
 * until it meets one the tree's thread has claimed, and hashes their lines
 * and each full chunk's subtree. For a journal whose lines were all found
 * whole: `lineCount` lines, each ended by a newline (the last byte is one).
 * Undefined, having claimed nothing, for a journal not ended by a newline,
 * or when the tree's thread has every chunk already; undefined too when the
 * lines it finds are not `lineCount` (its claims stay: the tree's thread
 * then hands over where they start, joinTree refuses the two, and the
 * caller hashes the whole tree itself).
 */
export function hashTreeTail(journal: Uint8Array, lineCount: number, claims: Int32Array, sha256: Sha256): TreeTail | undefined {
  const chunks = Math.ceil(lineCount / CHUNK_LINES);
  // The last chunk is claimed first, before anything is allocated: most often the tree's thread has it already.
  if (lineCount === 0 || journal[journal.length - 1] !== 0x0a || !claimChunk(claims, chunks - 1, BY_TAIL)) return undefined;
  const leafHashes = new Uint8Array(lineCount * 32);
  const chunkRoots = new Uint8Array(chunks * 32);
  const hasher = new LeafHasher(sha256);
  let from = lineCount;
  // The newline that ends line `from - 1`; lines are found from the end backwards.
  let newline = journal.length - 1;
  for (let chunk = chunks - 1; chunk >= 0 && (chunk === chunks - 1 || claimChunk(claims, chunk, BY_TAIL)); chunk--) {
    const first = chunk * CHUNK_LINES;
    for (let line = from - 1; line >= first; line--) {
      // (A negative index would count from the array's end.)
      const start = newline === 0 ? 0 : journal.lastIndexOf(0x0a, newline - 1) + 1;
      // Fewer or more lines than counted: the count was wrong, and the tail is no use.
      if (start === 0 ? line > 0 : line === 0) return undefined;
      hasher.hashInto(journal, start, newline, leafHashes, line * 32);
      newline = start - 1;
    }
    if (from - first === CHUNK_LINES) {
      const subtree = new CompactRange(sha256);
      for (let line = first; line < from; line++) subtree.append(leafHashes, line * 32);
      chunkRoots.set(subtree.root(), chunk * 32);
    }
    from = first;
  }
  return { from, lineCount, leafHashes, chunkRoots };
}

/**
 * The whole journal's tree from the tree thread's part (`head`) and the
 * tail's: the roots at the claimed sizes past the head, and every leaf
 * hash. Undefined when the two do not meet (the caller then hashes the
 * whole tree itself).
 */
export function joinTree(head: JournalTree, tail: TreeTail | undefined, sizes: readonly number[], sha256: Sha256): JournalTree | undefined {
  if (head.handedOver === undefined) return tail === undefined || (tail.from === tail.lineCount && head.lineCount === tail.lineCount) ? head : undefined;
  const range = tail === undefined ? undefined : CompactRange.fromState(head.handedOver, sha256);
  if (tail === undefined || range === undefined || head.lineCount !== tail.from || range.size !== tail.from || head.leafHashes.length !== tail.from * 32) return undefined;
  const { leafHashes, lineCount } = tail;
  leafHashes.set(head.leafHashes);
  const roots = new Map(head.roots);
  let next = 0;
  while (next < sizes.length && (sizes[next] as number) <= tail.from) next++;
  for (let first = tail.from; first < lineCount; first += CHUNK_LINES) {
    const end = Math.min(first + CHUNK_LINES, lineCount);
    // Sizes inside the chunk: the tree so far and the chunk's first lines,
    // on one copy appended to in order (at most a chunk's leaves, however
    // many sizes a bundle claims).
    if (next < sizes.length && (sizes[next] as number) < end) {
      const within = range.clone();
      for (; next < sizes.length && (sizes[next] as number) < end; next++) {
        const size = sizes[next] as number;
        within.extendTo(leafHashes, size);
        roots.set(size, within.root());
      }
    }
    if (end - first === CHUNK_LINES) range.appendSubtree(tail.chunkRoots, (first / CHUNK_LINES) * 32, TREE_CHUNK_HEIGHT);
    else range.extendTo(leafHashes, end);
    if (sizes[next] === end) roots.set(sizes[next++] as number, range.root());
  }
  return { lineCount, leafHashes, roots };
}
