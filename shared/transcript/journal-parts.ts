/**
 * Step 1 of verification (docs/formats/transcript.md §5) for a journal cut
 * into parts at line boundaries, the parts shared among cores. Every check
 * of a line needs only the line itself and the leaf hash of the line before
 * it, so a part is checked exactly as scanJournal checks the whole journal,
 * given the number of lines before it and that one leaf hash (scan.ts,
 * JournalPart), and a part keeps no events (the verdict needs only the
 * last). Each part also builds its own piece of the RFC 6962 tree (a
 * CompactRange from its first line), so joining the tree costs O(log n)
 * hashes a part instead of a hash per line on one core.
 *
 * Joining is only for the common case, where no part finds a problem. When
 * one does, the host scans the whole journal instead: the first bad event,
 * and the reason given for it, are then the ones the verifier names alone.
 */
import { parseCheckpointText } from './checkpoint.ts';
import type { TranscriptEvent } from './event.ts';
import { utf8Decode } from './bytes.ts';
import { CompactRange, defaultSha256, leafHash, type RangeState, type Sha256 } from './merkle.ts';
import { parseNote } from './note-format.ts';
import { scanJournal, type NamedNotes, type ScannedJournal } from './scan.ts';

/** What checking one part found. Plain data, so a worker thread can send it. */
export interface PartScan {
  /** Lines in the journal before this part. */
  readonly firstLine: number;
  /** Lines in this part, counting an unterminated last one. */
  readonly lineCount: number;
  /** Leaf hashes of the part's valid lines, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  readonly firstBadEvent: { readonly index: number; readonly reason: string } | undefined;
  readonly ceremonyId: string | undefined;
  /** The part's last valid event. */
  readonly lastEvent: TranscriptEvent | undefined;
  /** Bytes after the part's last newline. */
  readonly unterminatedBytes: number;
  /** The tree's leaves [firstLine, firstLine + valid lines) as a compact range. */
  readonly range: RangeState;
  /** The same range cut at each claimed tree size it reaches past its first line, in increasing order. */
  readonly cuts: readonly RangeState[];
}

/** The byte offset just after the first newline at or after `share` (0..1) of the journal: where a second part starts. */
export function partBoundary(journal: Uint8Array, share: number): number {
  const from = Math.min(journal.length, Math.max(0, Math.floor(journal.length * share)));
  const newline = journal.indexOf(0x0a, from === 0 ? 0 : from - 1);
  return newline < 0 ? journal.length : newline + 1;
}

/** Byte offsets that cut a journal into at most `count` parts at line boundaries: 0 first, the journal's length last. */
export function partBounds(journal: Uint8Array, count: number): number[] {
  const bounds = [0];
  for (let k = 1; k < count; k++) {
    const bound = partBoundary(journal, k / count);
    if (bound > (bounds[bounds.length - 1] as number) && bound < journal.length) bounds.push(bound);
  }
  bounds.push(journal.length);
  return bounds;
}

/**
 * A journal's parts as the cores share them: each core takes the next part
 * not yet taken (`taken`, one Int32 over a SharedArrayBuffer, counts the
 * parts handed out), so a core that starts late or runs slower simply takes
 * fewer, and none waits on a fixed share.
 */
export interface SharedParts {
  readonly journal: Uint8Array;
  /** partBounds: part k is bytes [bounds[k], bounds[k + 1]). */
  readonly bounds: readonly number[];
  /** The tree sizes the checkpoints claim (claimedSizes). */
  readonly sizes: readonly number[];
  readonly taken: Int32Array;
}

/** A part, by its place in the journal, and what checking it found. */
export interface TakenPart {
  readonly index: number;
  readonly part: PartScan;
}

/**
 * Takes and checks parts until none is left (or `limit` are taken). A part with a problem ends
 * the sharing for every core (the host then scans the whole journal on one
 * core, which names the first bad line exactly).
 */
export function takeParts(work: SharedParts, sha256: Sha256 = defaultSha256, limit = Infinity): TakenPart[] {
  const { journal, bounds, sizes, taken } = work;
  const parts = bounds.length - 1;
  const done: TakenPart[] = [];
  while (done.length < limit) {
    const index = Atomics.add(taken, 0, 1);
    if (index >= parts) break;
    const part = scanJournalPart(journal, bounds[index] as number, bounds[index + 1] as number, sha256, sizes);
    done.push({ index, part });
    if (part.firstBadEvent !== undefined) {
      Atomics.store(taken, 0, parts);
      break;
    }
  }
  return done;
}

/**
 * The number of lines before byte `start` (just after a newline). A part
 * far into the journal takes it from its first line's sequence number,
 * which costs one line instead of a count of every line before it; a wrong
 * one (a tampered line) numbers the part's lines wrongly, and joinParts,
 * which counts the lines of the parts before it, then refuses the join, so
 * the whole journal is scanned again on one core and the first bad line is
 * named exactly.
 */
function linesBefore(journal: Uint8Array, start: number, end: number): number {
  const newline = journal.indexOf(0x0a, start);
  const text = utf8Decode(journal.subarray(start, newline < 0 || newline > end ? end : newline));
  if (text !== undefined) {
    try {
      const seq = (JSON.parse(text) as { seq?: unknown } | null)?.seq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0) return seq;
    } catch {
      // Not JSON: counted below, so the part names the line by its true number.
    }
  }
  let lines = 0;
  for (let at = journal.indexOf(0x0a); at >= 0 && at < start; at = journal.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

/**
 * Checks the lines in bytes [start, end) of a journal; `start` is 0 or just
 * after a newline, `end` the journal's end or just after a newline. `sizes`
 * are the tree sizes the checkpoints claim (claimedSizes), where the part
 * cuts its range.
 */
export function scanJournalPart(journal: Uint8Array, start: number, end: number, sha256: Sha256 = defaultSha256, sizes: readonly number[] = []): PartScan {
  // Only the verdict is wanted: no events are kept but the last.
  let scanned: ScannedJournal;
  let firstLine = 0;
  if (start === 0) {
    scanned = scanJournal(journal.subarray(0, end), sha256, { keepEvents: false });
  } else {
    firstLine = linesBefore(journal, start, end);
    const previousStart = journal.lastIndexOf(0x0a, start - 2) + 1;
    const previousLeaf = leafHash(journal.subarray(previousStart, start - 1), sha256);
    scanned = scanJournal(journal.subarray(start, end), sha256, { part: { firstLine, previousLeaf }, keepEvents: false });
  }
  const { lastEvent, leafHashes, firstBadEvent, ceremonyId, lineCount, unterminatedBytes } = scanned;
  const range = new CompactRange(sha256, firstLine);
  const cuts: RangeState[] = [];
  const last = firstLine + leafHashes.length / 32;
  const growTo = (size: number): void => {
    while (range.end < size) range.append(leafHashes, (range.end - firstLine) * 32);
  };
  if (firstBadEvent === undefined) {
    for (const size of sizes) {
      if (size <= firstLine || size > last) continue;
      growTo(size);
      cuts.push(range.state());
    }
    growTo(last);
  }
  return { firstLine, lineCount, leafHashes, firstBadEvent, ceremonyId, lastEvent, unterminatedBytes, range: range.state(), cuts };
}

/**
 * The parts (in order, covering the journal) joined into the whole
 * journal's scan, without its events; or undefined if a part found a
 * problem or the parts name different ceremonies.
 */
export function joinParts(parts: readonly PartScan[]): ScannedJournal | undefined {
  let lineCount = 0;
  let ceremonyId: string | undefined;
  let lastEvent: TranscriptEvent | undefined;
  for (const part of parts) {
    if (part.firstBadEvent !== undefined || part.firstLine !== lineCount) return undefined;
    if (part.ceremonyId !== undefined) {
      if (ceremonyId !== undefined && part.ceremonyId !== ceremonyId) return undefined;
      ceremonyId = part.ceremonyId;
    }
    lineCount += part.lineCount;
    lastEvent = part.lastEvent ?? lastEvent;
  }
  const leafHashes = new Uint8Array(lineCount * 32);
  for (const part of parts) leafHashes.set(part.leafHashes, part.firstLine * 32);
  return {
    events: [],
    lastEvent,
    leafHashes,
    get leaves() {
      return Array.from({ length: lineCount }, (_, i) => leafHashes.subarray(i * 32, i * 32 + 32));
    },
    firstBadEvent: undefined,
    ceremonyId,
    lineCount,
    unterminatedBytes: parts[parts.length - 1]?.unterminatedBytes ?? 0,
  };
}

/** The tree sizes the checkpoint notes claim, in increasing order (a note that does not parse claims none). */
export function claimedSizes(notes: NamedNotes): number[] {
  const sizes = new Set<number>();
  for (const { note } of notes) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint !== 'string') sizes.add(checkpoint.size);
  }
  return [...sizes].sort((a, b) => a - b);
}

/**
 * The RFC 6962 root at every claimed size the joined parts reach, from
 * their ranges: each part's range is merged onto the ranges before it, and
 * each of its cuts onto a copy of them (O(log n) hashes each).
 */
export function rootsOfParts(parts: readonly PartScan[], sha256: Sha256 = defaultSha256): Map<number, Uint8Array> {
  const roots = new Map<number, Uint8Array>();
  const tree = new CompactRange(sha256);
  for (const part of parts) {
    for (const cut of part.cuts) {
      const upTo = CompactRange.fromState(tree.state(), sha256);
      upTo.merge(cut);
      roots.set(upTo.end, upTo.root());
    }
    tree.merge(part.range);
  }
  return roots;
}
