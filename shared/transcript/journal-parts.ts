/**
 * Step 1 of verification (docs/formats/transcript.md §5) for a journal cut
 * into parts at line boundaries, the parts shared among cores. Every check
 * of a line needs only the line itself and the leaf hash of the line before
 * it, so a part is checked exactly as scanJournal checks the whole journal,
 * given the number of lines before it (scan.ts, JournalPart), except that it
 * hashes nothing: its links are checked when the parts are joined, against
 * the leaf hashes another core computed for the whole journal
 * (journal-tree.ts). A part keeps no events (the verdict needs only the
 * last).
 *
 * Joining is only for the common case, where no part finds a problem. When
 * one does, or a link does not hold, the host scans the whole journal
 * instead: the first bad event, and the reason given for it, are then the
 * ones the verifier names alone.
 */
import { parseCheckpointText } from './checkpoint.ts';
import type { TranscriptEvent } from './event.ts';
import { utf8Decode } from './bytes.ts';
import type { JournalTree } from './journal-tree.ts';
import { parseNote } from './note-format.ts';
import { linksHold, scanJournal, type DeferredLinks, type NamedNotes, type ScannedJournal } from './scan.ts';

/** What checking one part found. Plain data, so a worker thread can send it. */
export interface PartScan {
  /** Where the part is in the journal's bytes: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Lines in the journal before this part. */
  readonly firstLine: number;
  /** Lines in this part, counting an unterminated last one. */
  readonly lineCount: number;
  readonly firstBadEvent: { readonly index: number; readonly reason: string } | undefined;
  readonly ceremonyId: string | undefined;
  /** The part's last valid event. */
  readonly lastEvent: TranscriptEvent | undefined;
  /** Bytes after the part's last newline. */
  readonly unterminatedBytes: number;
  /** Its lines' links, checked at the join (undefined when the part found a problem first). */
  readonly links: DeferredLinks | undefined;
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
  /** The tree sizes the checkpoints claim (claimedSizes), where the tree's roots are wanted (journal-tree.ts). */
  readonly sizes: readonly number[];
  readonly taken: Int32Array;
  /** The tree's chunks as its thread and the tail share them (journal-tree.ts, treeChunkClaims); without it the tree's thread hashes every line. */
  readonly treeChunks?: Int32Array;
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
export function takeParts(work: SharedParts, limit = Infinity): TakenPart[] {
  const { journal, bounds, taken } = work;
  const parts = bounds.length - 1;
  const done: TakenPart[] = [];
  while (done.length < limit) {
    const index = Atomics.add(taken, 0, 1);
    if (index >= parts) break;
    const part = scanJournalPart(journal, bounds[index] as number, bounds[index + 1] as number);
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
 * after a newline, `end` the journal's end or just after a newline.
 */
export function scanJournalPart(journal: Uint8Array, start: number, end: number): PartScan {
  const firstLine = start === 0 ? 0 : linesBefore(journal, start, end);
  // Only the verdict is wanted: no events are kept but the last; nothing is hashed (links are deferred).
  const { lastEvent, firstBadEvent, ceremonyId, lineCount, unterminatedBytes, links } = scanJournal(journal.subarray(start, end), undefined, { part: { firstLine }, keepEvents: false });
  return { start, end, firstLine, lineCount, firstBadEvent, ceremonyId, lastEvent, unterminatedBytes, links: firstBadEvent === undefined ? links : undefined };
}

/**
 * The parts (in order, covering the journal) joined into the whole
 * journal's scan, without its events, with the leaf hashes of its tree; or
 * undefined if a part found a problem, the parts name different
 * ceremonies, count other lines than the tree, or a link does not hold.
 */
export function joinParts(parts: readonly PartScan[], tree: JournalTree): ScannedJournal | undefined {
  let lineCount = 0;
  let ceremonyId: string | undefined;
  let lastEvent: TranscriptEvent | undefined;
  for (const part of parts) {
    if (part.firstBadEvent !== undefined || part.links === undefined || part.firstLine !== lineCount) return undefined;
    if (part.ceremonyId !== undefined) {
      if (ceremonyId !== undefined && part.ceremonyId !== ceremonyId) return undefined;
      ceremonyId = part.ceremonyId;
    }
    lineCount += part.lineCount;
    lastEvent = part.lastEvent ?? lastEvent;
  }
  const { leafHashes } = tree;
  if (tree.lineCount !== lineCount || leafHashes.length !== lineCount * 32) return undefined;
  for (const part of parts) if (!linksHold(part.links as DeferredLinks, part.firstLine, part.lineCount, leafHashes)) return undefined;
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
