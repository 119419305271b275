/**
 * Step 1 of verification (docs/formats/transcript.md §5) for a journal cut
 * into parts at line boundaries, one part a core. Every check of a line
 * needs only the line itself and the leaf hash of the line before it, so a
 * part is checked exactly as scanJournal checks the whole journal, given the
 * number of lines before it and that one leaf hash (scan.ts, JournalPart),
 * and a part keeps no events (the verdict needs only the last).
 *
 * Joining is only for the common case, where no part finds a problem. When
 * one does, the host scans the whole journal instead: the first bad event,
 * and the reason given for it, are then the ones the verifier names alone.
 */
import { parseCheckpointText } from './checkpoint.ts';
import type { TranscriptEvent } from './event.ts';
import { defaultSha256, leafHash, type CompactRange, type Sha256 } from './merkle.ts';
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
}

/** The byte offset just after the first newline at or after `share` (0..1) of the journal: where a second part starts. */
export function partBoundary(journal: Uint8Array, share: number): number {
  const from = Math.min(journal.length, Math.max(0, Math.floor(journal.length * share)));
  const newline = journal.indexOf(0x0a, from === 0 ? 0 : from - 1);
  return newline < 0 ? journal.length : newline + 1;
}

/** Checks the lines in bytes [start, end) of a journal; `start` is 0 or just after a newline, `end` the journal's end or just after a newline. */
export function scanJournalPart(journal: Uint8Array, start: number, end: number, sha256: Sha256 = defaultSha256): PartScan {
  let firstLine = 0;
  for (let newline = journal.indexOf(0x0a); newline >= 0 && newline < start; newline = journal.indexOf(0x0a, newline + 1)) firstLine++;
  // Only the verdict is wanted: no events are kept but the last.
  let scanned: ScannedJournal;
  if (start === 0) {
    scanned = scanJournal(journal.subarray(0, end), sha256, { keepEvents: false });
  } else {
    const previousStart = journal.lastIndexOf(0x0a, start - 2) + 1;
    const previousLeaf = leafHash(journal.subarray(previousStart, start - 1), sha256);
    scanned = scanJournal(journal.subarray(start, end), sha256, { part: { firstLine, previousLeaf }, keepEvents: false });
  }
  const { lastEvent, leafHashes, firstBadEvent, ceremonyId, lineCount, unterminatedBytes } = scanned;
  return { firstLine, lineCount, leafHashes, firstBadEvent, ceremonyId, lastEvent, unterminatedBytes };
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
 * Appends leaves to `range` (which holds the first `firstLeaf` leaves) and
 * adds to `roots` the RFC 6962 root at every size in `sizes` those leaves
 * reach; sizes beyond them are left for the next part.
 */
export function addRoots(range: CompactRange, leafHashes: Uint8Array, firstLeaf: number, sizes: readonly number[], roots: Map<number, Uint8Array>): void {
  // An earlier part appends its leaves only if a size beyond it needs them.
  if (!sizes.some((size) => size >= firstLeaf && !roots.has(size))) return;
  if (range.size !== firstLeaf) throw new RangeError(`the tree holds ${range.size} leaves, not ${firstLeaf}`);
  const last = firstLeaf + leafHashes.length / 32;
  for (const size of sizes) {
    if (size < firstLeaf || size > last || roots.has(size)) continue;
    while (range.size < size) range.append(leafHashes, (range.size - firstLeaf) * 32);
    roots.set(size, range.root());
  }
  // A later part needs the tree of every leaf before it.
  if (sizes.some((size) => size > last)) while (range.size < last) range.append(leafHashes, (range.size - firstLeaf) * 32);
}
