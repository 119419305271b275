/**
 * Step 1 of verification (docs/formats/transcript.md §5): every line of a
 * journal checked and hashed. No signature code, so the journal can use it
 * on opening without loading the curves.
 *
 * In three parts, so that a host can run the first two on two cores
 * (electron/core/transcript/verify-on-two-cores.ts) and still get the result
 * this file computes alone:
 *  - readJournalLines: what needs each line as an object (JSON, envelope,
 *    payload); its objects are the verifier's output, so it runs where the
 *    result is wanted;
 *  - digestLines: what needs only the text and bytes (canonical form, leaf
 *    hashes), for every line;
 *  - linkJournal: in order, the first line that fails any check, and the
 *    sequence numbers, hash links and ceremony id.
 */
import { bytesEqual, hexToBytes, utf8Decode } from './bytes.ts';
import { isCanonicalJson } from './canonical-json.ts';
import { parseCheckpointText } from './checkpoint.ts';
import { GENESIS_PREV, PREV_NOT_HEX, checkEventShape, hashPattern, type TranscriptEvent } from './event.ts';
import { defaultSha256, treeRoot, type Sha256 } from './merkle.ts';
import { parseNote } from './note-format.ts';
import { checkPayload } from './payloads.ts';

/** Checkpoint notes with the file names they came from. */
export type NamedNotes = readonly { readonly name: string; readonly note: string }[];

const NOT_CANONICAL = 'not in canonical form (RFC 8785)';

/** Where each line is: [start, end) in bytes, the newline excluded; a last line without one counts. */
export interface LineOffsets {
  readonly starts: number[];
  readonly ends: number[];
  /** The last line has no newline. */
  readonly unterminated: boolean;
}

export function lineOffsets(journal: Uint8Array): LineOffsets {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  for (;;) {
    const end = journal.indexOf(0x0a, start);
    if (end < 0) break;
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  const unterminated = start < journal.length;
  if (unterminated) {
    starts.push(start);
    ends.push(journal.length);
  }
  return { starts, ends, unterminated };
}

export interface LineSplit extends LineOffsets {
  /** Line i's text, or undefined if it is not UTF-8. */
  readonly text: (i: number) => string | undefined;
}

/** Splits a journal into lines (at `offsets`, if already found) and decodes them. */
export function splitLines(journal: Uint8Array, offsets: LineOffsets = lineOffsets(journal)): LineSplit {
  const { starts, ends, unterminated } = offsets;
  // Speed (bench:verify): one decode for the whole file. A newline byte is
  // never inside a UTF-8 sequence, so the file is UTF-8 exactly when every
  // line is, and its lines are the decoded text's lines; when it is ASCII
  // they are at the same offsets. Otherwise each line is decoded on its own.
  const whole = utf8Decode(journal);
  if (whole === undefined) return { starts, ends, unterminated, text: (i) => utf8Decode(journal.subarray(starts[i], ends[i])) };
  if (whole.length === journal.length) return { starts, ends, unterminated, text: (i) => whole.slice(starts[i], ends[i]) };
  const textStarts: number[] = [];
  const textEnds: number[] = [];
  for (let s = 0, i = 0; i < starts.length; i++) {
    const e = whole.indexOf('\n', s);
    textStarts.push(s);
    textEnds.push(e < 0 ? whole.length : e);
    s = e + 1;
  }
  return { starts, ends, unterminated, text: (i) => whole.slice(textStarts[i], textEnds[i]) };
}

type LineCheck =
  | { event: TranscriptEvent; reason?: undefined }
  | { event?: undefined; reason: string; beforeCanonical: true }
  | { event: TranscriptEvent; reason: string; beforeCanonical: false };

/**
 * A line's checks that need its object: UTF-8, JSON, envelope, then (after
 * canonical form) payload. With `checkPrevHex` false, the envelope's last
 * rule (prev is a hex hash) is left to linkJournal.
 */
function checkLineObject(text: string | undefined, checkPrevHex: boolean): LineCheck {
  if (text === undefined) return { reason: 'not UTF-8', beforeCanonical: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not JSON', beforeCanonical: true };
  }
  const shape = checkEventShape(parsed, checkPrevHex);
  if (shape !== undefined) return { reason: shape, beforeCanonical: true };
  const event = parsed as TranscriptEvent;
  const payload = checkPayload(event.type, event.payload);
  if (payload !== undefined) return { event, reason: payload, beforeCanonical: false };
  return { event };
}

/** Every check of one line, in order (the reason, or the event). */
function scanLine(text: string | undefined): { event?: TranscriptEvent | undefined; reason?: string | undefined } {
  const checked = checkLineObject(text, true);
  if (checked.reason !== undefined && checked.beforeCanonical) return checked;
  if (!isCanonicalJson(text as string)) return { reason: NOT_CANONICAL };
  return checked.reason === undefined ? checked : { reason: checked.reason };
}

/** Part one: the journal's lines as events, up to the first whose object is not a valid event. */
export interface JournalLines {
  readonly journal: Uint8Array;
  readonly split: LineSplit;
  /** Events of the lines before `problem` (all lines if there is none). */
  readonly events: TranscriptEvent[];
  /**
   * The first line whose object fails a check, whether the check comes
   * before canonical form's, and (for a check after it) the line's event.
   */
  readonly problem: { readonly index: number; readonly reason: string; readonly beforeCanonical: boolean; readonly event?: TranscriptEvent } | undefined;
}

export function readJournalLines(journal: Uint8Array, split: LineSplit = splitLines(journal)): JournalLines {
  const events: TranscriptEvent[] = [];
  const count = split.starts.length;
  for (let i = 0; i < count; i++) {
    // Speed (bench:verify): whether prev is hex is settled by linkJournal, which compares it with the hash it must be.
    const checked = checkLineObject(split.text(i), false);
    if (checked.reason !== undefined) return { journal, split, events, problem: checked.beforeCanonical ? { index: i, reason: checked.reason, beforeCanonical: true } : { index: i, reason: checked.reason, beforeCanonical: false, event: checked.event } };
    events.push(checked.event);
  }
  return { journal, split, events, problem: undefined };
}

/** Part two: for every line, its RFC 6962 leaf hash and whether its text is canonical JSON. */
export interface LineDigests {
  readonly lineCount: number;
  /** SHA-256(0x00 || line) of every line, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  /** 1 where the line is UTF-8 whose text is in canonical form (isCanonicalJson; meaningful only for JSON). */
  readonly canonical: Uint8Array;
}

export function digestLines(journal: Uint8Array, sha256: Sha256 = defaultSha256, split: LineSplit = splitLines(journal)): LineDigests {
  const count = split.starts.length;
  const leafHashes = new Uint8Array(count * 32);
  const canonical = new Uint8Array(count);
  // RFC 6962 leaf input is 0x00 || line. One copy of the journal, shifted by
  // a byte, with every newline turned into 0x00, holds every leaf input
  // in place: no allocation per line.
  const leafInputs = new Uint8Array(journal.length + 1);
  leafInputs.set(journal, 1);
  for (let i = 0; i < count; i++) {
    const start = split.starts[i] as number;
    const end = split.ends[i] as number;
    leafInputs[start] = 0;
    leafHashes.set(sha256(leafInputs.subarray(start, end + 1)), i * 32);
    const text = split.text(i);
    canonical[i] = text !== undefined && isCanonicalJson(text) ? 1 : 0;
  }
  return { lineCount: count, leafHashes, canonical };
}

export interface ScannedJournal {
  /** The well-formed, correctly linked events before the first bad line. */
  readonly events: TranscriptEvent[];
  /** Their RFC 6962 leaf hashes, 32 bytes each, in order. */
  readonly leafHashes: Uint8Array;
  /** The same hashes, one array each (the live journal keeps them for proofs). */
  readonly leaves: Uint8Array[];
  readonly firstBadEvent: { index: number; reason: string } | undefined;
  readonly ceremonyId: string | undefined;
  /** Lines in the file, counting an unterminated last one. */
  readonly lineCount: number;
  /** Bytes after the last newline (a torn write, if the journal is live). */
  readonly unterminatedBytes: number;
}

const hexDigits = '0123456789abcdef';
const hexCodes = Array.from(hexDigits, (c) => c.charCodeAt(0));

/** Is `hex` the lower-case hex of hashes[at, at + 32)? (No string per event.) */
function hexMatches(hex: string, hashes: Uint8Array, at: number): boolean {
  if (hex.length !== 64) return false;
  for (let k = 0; k < 32; k++) {
    const byte = hashes[at + k] as number;
    if (hex.charCodeAt(2 * k) !== hexCodes[byte >> 4] || hex.charCodeAt(2 * k + 1) !== hexCodes[byte & 15]) return false;
  }
  return true;
}

function leafAt(hashes: Uint8Array, i: number): Uint8Array {
  return hashes.subarray(i * 32, i * 32 + 32);
}

/**
 * Part three: the first bad line, in order (every check of a line before
 * any of the next), and the links between lines. `digests` must be
 * digestLines of the same journal (a host may compute it elsewhere).
 */
export function linkJournal(lines: JournalLines, digests: LineDigests, sha256: Sha256 = defaultSha256, checkpoints: NamedNotes = []): ScannedJournal {
  const { journal, split, events, problem } = lines;
  const count = split.starts.length;
  if (digests.lineCount !== count || digests.leafHashes.length !== count * 32 || digests.canonical.length !== count) throw new RangeError('line digests are not of this journal');
  const { leafHashes, canonical } = digests;
  let firstBadEvent: { index: number; reason: string } | undefined;
  let ceremonyId: string | undefined;
  let valid = 0;
  for (let i = 0; i < count; i++) {
    if (problem?.index === i && problem.beforeCanonical) {
      firstBadEvent = { index: i, reason: problem.reason };
      break;
    }
    const event = (problem?.index === i ? problem.event : events[i]) as TranscriptEvent;
    // The envelope's last rule, left here by readJournalLines: a prev equal
    // to the hash it must be is hex; any other is tested.
    const linked = i === 0 ? event.prev === GENESIS_PREV : hexMatches(event.prev, leafHashes, (i - 1) * 32);
    if (!linked && !hashPattern.test(event.prev)) {
      firstBadEvent = { index: i, reason: PREV_NOT_HEX };
      break;
    }
    if (problem?.index === i) {
      firstBadEvent = { index: i, reason: canonical[i] === 1 ? problem.reason : NOT_CANONICAL };
      break;
    }
    if (canonical[i] !== 1) {
      firstBadEvent = { index: i, reason: NOT_CANONICAL };
      break;
    }
    if (i === count - 1 && split.unterminated) {
      firstBadEvent = { index: i, reason: 'the last line has no newline: the journal was cut' };
      break;
    }
    if (event.seq !== i) {
      firstBadEvent = { index: i, reason: `sequence number ${event.seq} where ${i} belongs` };
      break;
    }
    // The hash link first: an edit to event i-1 (its ceremony id included)
    // shows as a broken link at i, and blameBrokenLink names the edited line.
    if (!linked) {
      firstBadEvent = blameBrokenLink(i, split, leafHashes, event, checkpoints, sha256);
      break;
    }
    ceremonyId ??= event.ceremony;
    if (event.ceremony !== ceremonyId) {
      firstBadEvent = { index: i, reason: `belongs to ceremony ${event.ceremony}, not ${ceremonyId}` };
      break;
    }
    valid++;
  }
  const lastNewline = journal.lastIndexOf(0x0a);
  const validHashes = leafHashes.subarray(0, valid * 32);
  return {
    events: valid === events.length ? events : events.slice(0, valid),
    leafHashes: validHashes,
    get leaves() {
      return Array.from({ length: valid }, (_, i) => leafAt(validHashes, i));
    },
    firstBadEvent,
    ceremonyId,
    lineCount: count,
    unterminatedBytes: journal.length - (lastNewline + 1),
  };
}

/**
 * Checks every line of a journal (step 1 above) and hashes it. The journal
 * uses it on opening; `checkpoints` only helps name an edited last-but-one
 * event.
 */
export function scanJournal(journal: Uint8Array, sha256: Sha256 = defaultSha256, checkpoints: NamedNotes = []): ScannedJournal {
  const split = splitLines(journal);
  return linkJournal(readJournalLines(journal, split), digestLines(journal, sha256, split), sha256, checkpoints);
}

/**
 * Event i's `prev` does not match the line before it. Either event i-1 was
 * changed (and event i, vouched for by its own successor, is intact) or
 * event i itself was. A single change to line i-1 breaks only link i; a
 * change to line i breaks link i+1 as well.
 */
function blameBrokenLink(i: number, split: LineSplit, leafHashes: Uint8Array, event: TranscriptEvent, checkpoints: NamedNotes, sha256: Sha256): { index: number; reason: string } {
  const blamePrevious = { index: i - 1, reason: `its hash is not the one event ${i} recorded` };
  const blameThis = { index: i, reason: `prev does not match the hash of event ${i - 1}` };
  if (i === 0) return blameThis;
  const leaf = leafAt(leafHashes, i);
  if (i + 1 < split.starts.length) {
    const scanned = scanLine(split.text(i + 1));
    return scanned.event !== undefined && hexMatches(scanned.event.prev, leaf, 0) ? blamePrevious : blameThis;
  }
  // Last line: if a checkpoint over all the lines matches with event i's
  // record of event i-1 in place, the change was to event i-1.
  const claimed = hexToBytes(event.prev);
  const before = Array.from({ length: i - 1 }, (_, k) => leafAt(leafHashes, k));
  const alternative = treeRoot([...before, claimed, leaf], sha256);
  for (const { note } of checkpoints) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint !== 'string' && checkpoint.size === i + 1 && bytesEqual(checkpoint.root, alternative)) return blamePrevious;
  }
  return blameThis;
}
