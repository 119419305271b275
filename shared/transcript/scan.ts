/**
 * Step 1 of verification (docs/formats/transcript.md §5): every line of a
 * journal checked and hashed. No signature code, so the journal can use it
 * on opening without loading the curves.
 */
import { bytesEqual, bytesToHex, hexToBytes, utf8Decode } from './bytes.ts';
import { parseCheckpointText } from './checkpoint.ts';
import { GENESIS_PREV, checkEventShape, isCanonical, type TranscriptEvent } from './event.ts';
import { defaultSha256, treeRoot, type Sha256 } from './merkle.ts';
import { parseNote } from './note-format.ts';
import { checkPayload } from './payloads.ts';

/** Checkpoint notes with the file names they came from. */
export type NamedNotes = readonly { readonly name: string; readonly note: string }[];

interface ScannedLine {
  readonly bytes: Uint8Array;
  readonly event?: TranscriptEvent;
  readonly reason?: string;
}

function splitLines(journal: Uint8Array): { lines: Uint8Array[]; unterminated: boolean } {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const end = journal.indexOf(0x0a, start);
    if (end < 0) break;
    lines.push(journal.subarray(start, end));
    start = end + 1;
  }
  const unterminated = start < journal.length;
  if (unterminated) lines.push(journal.subarray(start));
  return { lines, unterminated };
}

function scanLine(bytes: Uint8Array, known?: string): ScannedLine {
  const text = known ?? utf8Decode(bytes);
  if (text === undefined) return { bytes, reason: 'not UTF-8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { bytes, reason: 'not JSON' };
  }
  const shape = checkEventShape(parsed);
  if (shape !== undefined) return { bytes, reason: shape };
  if (!isCanonical(text, parsed)) return { bytes, reason: 'not in canonical form (RFC 8785)' };
  const event = parsed as TranscriptEvent;
  const payload = checkPayload(event.type, event.payload);
  if (payload !== undefined) return { bytes, reason: payload };
  return { bytes, event };
}

export interface ScannedJournal {
  /** The well-formed, correctly linked events before the first bad line. */
  readonly events: TranscriptEvent[];
  /** Their RFC 6962 leaf hashes. */
  readonly leaves: Uint8Array[];
  readonly firstBadEvent: { index: number; reason: string } | undefined;
  readonly ceremonyId: string | undefined;
  /** Lines in the file, counting an unterminated last one. */
  readonly lineCount: number;
  /** Bytes after the last newline (a torn write, if the journal is live). */
  readonly unterminatedBytes: number;
}

/**
 * Checks every line of a journal (step 1 above) and hashes it. The journal
 * uses it on opening; `checkpoints` only helps name an edited last-but-one
 * event.
 */
export function scanJournal(journal: Uint8Array, sha256: Sha256 = defaultSha256, checkpoints: NamedNotes = []): ScannedJournal {
  const { lines, unterminated } = splitLines(journal);
  const events: TranscriptEvent[] = [];
  const leaves: Uint8Array[] = [];
  let firstBadEvent: { index: number; reason: string } | undefined;
  let ceremonyId: string | undefined;
  let previousHex = GENESIS_PREV;
  // Speed (bench:verify): one decode for the whole file when it is ASCII,
  // so line i's characters are its bytes; otherwise each line on its own.
  const whole = utf8Decode(journal);
  const ascii = whole !== undefined && whole.length === journal.length ? whole : undefined;
  // RFC 6962 leaf input is 0x00 || line. One copy of the journal, shifted by
  // a byte, with every newline turned into 0x00, holds every leaf input
  // in place: no allocation per event.
  const leafInputs = new Uint8Array(journal.length + 1);
  leafInputs.set(journal, 1);
  let offset = 0;
  for (const line of lines) {
    leafInputs[offset] = 0;
    offset += line.length + 1;
  }

  offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const bytes = lines[i] as Uint8Array;
    const start = offset;
    offset += bytes.length + 1;
    const line = scanLine(bytes, ascii?.slice(start, start + bytes.length));
    if (line.event === undefined) {
      firstBadEvent = { index: i, reason: line.reason ?? 'malformed' };
      break;
    }
    const event = line.event;
    if (i === lines.length - 1 && unterminated) {
      firstBadEvent = { index: i, reason: 'the last line has no newline: the journal was cut' };
      break;
    }
    if (event.seq !== i) {
      firstBadEvent = { index: i, reason: `sequence number ${event.seq} where ${i} belongs` };
      break;
    }
    // The hash link first: an edit to event i-1 (its ceremony id included)
    // shows as a broken link at i, and blameBrokenLink names the edited line.
    const leaf = sha256(leafInputs.subarray(start, start + bytes.length + 1));
    if (event.prev !== previousHex) {
      firstBadEvent = blameBrokenLink(i, lines, leaves, leaf, event, checkpoints, sha256);
      break;
    }
    ceremonyId ??= event.ceremony;
    if (event.ceremony !== ceremonyId) {
      firstBadEvent = { index: i, reason: `belongs to ceremony ${event.ceremony}, not ${ceremonyId}` };
      break;
    }
    events.push(event);
    leaves.push(leaf);
    previousHex = bytesToHex(leaf);
  }
  const lastNewline = journal.lastIndexOf(0x0a);
  return { events, leaves, firstBadEvent, ceremonyId, lineCount: lines.length, unterminatedBytes: journal.length - (lastNewline + 1) };
}

/**
 * Event i's `prev` does not match the line before it. Either event i-1 was
 * changed (and event i, vouched for by its own successor, is intact) or
 * event i itself was. A single change to line i-1 breaks only link i; a
 * change to line i breaks link i+1 as well.
 */
function blameBrokenLink(i: number, lines: readonly Uint8Array[], leaves: readonly Uint8Array[], leaf: Uint8Array, event: TranscriptEvent, checkpoints: NamedNotes, sha256: Sha256): { index: number; reason: string } {
  const blamePrevious = { index: i - 1, reason: `its hash is not the one event ${i} recorded` };
  const blameThis = { index: i, reason: `prev does not match the hash of event ${i - 1}` };
  if (i === 0) return blameThis;
  const following = lines[i + 1];
  if (following !== undefined) {
    const scanned = scanLine(following);
    return scanned.event !== undefined && scanned.event.prev === bytesToHex(leaf) ? blamePrevious : blameThis;
  }
  // Last line: if a checkpoint over all the lines matches with event i's
  // record of event i-1 in place, the change was to event i-1.
  const claimed = hexToBytes(event.prev);
  const alternative = treeRoot([...leaves.slice(0, i - 1), claimed, leaf], sha256);
  for (const { note } of checkpoints) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint !== 'string' && checkpoint.size === i + 1 && bytesEqual(checkpoint.root, alternative)) return blamePrevious;
  }
  return blameThis;
}

