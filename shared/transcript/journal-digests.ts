/**
 * The hashing half of the verifier's byte work (prepared-work.ts): every
 * line's leaf hash and canonical form, the tree's roots at the sizes the
 * checkpoints claim, and the journal file's hash. No signature code, so a
 * worker thread that does only this loads no curves.
 */
import { parseCheckpointText } from './checkpoint.ts';
import { CompactRange, defaultSha256, type Sha256 } from './merkle.ts';
import { parseNote } from './note-format.ts';
import { digestLines, splitLines, type LineDigests, type LineOffsets, type NamedNotes } from './scan.ts';

export interface JournalDigests {
  readonly digests: LineDigests;
  /** RFC 6962 root of the journal's first `size` lines, for each size a checkpoint claims (up to the line count). */
  readonly roots: ReadonlyMap<number, Uint8Array>;
  /** SHA-256 of the journal file (the manifest lists it). */
  readonly journalSha256: Uint8Array;
}

/** Hashes a journal (whose lines may already have been found) for its checkpoint notes. */
export function digestJournal(journal: Uint8Array, notes: NamedNotes, sha256: Sha256 = defaultSha256, offsets?: LineOffsets): JournalDigests {
  const digests = digestLines(journal, sha256, splitLines(journal, offsets));
  const sizes = new Set<number>();
  for (const { note } of notes) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint !== 'string' && checkpoint.size <= digests.lineCount) sizes.add(checkpoint.size);
  }
  const roots = new Map<number, Uint8Array>();
  const range = new CompactRange(sha256);
  for (const size of [...sizes].sort((a, b) => a - b)) {
    while (range.size < size) range.append(digests.leafHashes, range.size * 32);
    roots.set(size, range.root());
  }
  return { digests, roots, journalSha256: sha256(journal) };
}
