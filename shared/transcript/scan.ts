/**
 * Step 1 of verification (docs/formats/transcript.md §5): every line of a
 * journal checked and hashed, in one pass, in order (every check of a line
 * before any of the next), naming the first line that fails. No signature
 * code, so the journal can use it on opening without loading the curves.
 *
 * A host may check a journal in parts, on several cores (journal-parts.ts),
 * while another core hashes its tree (journal-tree.ts): a part is scanned as
 * a journal of its own, given the number of lines before it (JournalPart),
 * without hashing, and its links are checked once the tree's leaf hashes are
 * known (linksHold).
 */
import { bytesEqual, hashRoomFor, hexToBytes, utf8Decode, withRoom } from './bytes.ts';
import { isCanonicalJson, isCanonicalJsonLine } from './canonical-json.ts';
import { parseCheckpointText } from './checkpoint.ts';
import { GENESIS_PREV, PREV_NOT_HEX, checkEventShape, checkEventValues, hashPattern, type TranscriptEvent } from './event.ts';
import { LeafHasher, defaultSha256, treeRoot, type Sha256 } from './merkle.ts';
import { parseNote } from './note-format.ts';
import { readPlainLine } from './plain-line.ts';
import { checkPayload } from './payloads.ts';

/** Checkpoint notes with the file names they came from. */
export type NamedNotes = readonly { readonly name: string; readonly note: string }[];

const NOT_CANONICAL = 'not in canonical form (RFC 8785)';

/** Where each line is: [start, end) in bytes, the newline excluded; a last line without one counts. */
interface LineOffsets {
  readonly starts: number[];
  readonly ends: number[];
  /** The last line has no newline. */
  readonly unterminated: boolean;
}

/** Line offsets in a journal of `length` bytes (or characters, for ASCII text), given where the next newline is from an offset on (-1: none). */
function lineOffsets(length: number, newlineFrom: (from: number) => number): LineOffsets {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  for (;;) {
    const end = newlineFrom(start);
    if (end < 0) break;
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  const unterminated = start < length;
  if (unterminated) {
    starts.push(start);
    ends.push(length);
  }
  return { starts, ends, unterminated };
}

interface LineSplit extends LineOffsets {
  /** Line i's text, or undefined if it is not UTF-8. */
  readonly text: (i: number) => string | undefined;
  /** The whole segment's text when it is ASCII (each character at its byte's offset). */
  readonly ascii?: string;
}

/** Splits a segment of a journal (whole lines: scanJournal) into lines and decodes them. */
function splitLines(journal: Uint8Array): LineSplit {
  // Speed (bench:verify): one decode for the whole segment. A newline byte is
  // never inside a UTF-8 sequence, so the segment is UTF-8 exactly when every
  // line is, and its lines are the decoded text's lines. When it is ASCII
  // (as many characters as bytes), each character is at its byte's offset,
  // and the lines are found in the text: a string's indexOf is several
  // times as fast as a byte array's, per call. Otherwise each line is
  // decoded on its own.
  const whole = utf8Decode(journal);
  if (whole !== undefined && whole.length === journal.length) {
    const offsets = lineOffsets(whole.length, (from) => whole.indexOf('\n', from));
    return { ...offsets, text: (i) => whole.slice(offsets.starts[i], offsets.ends[i]), ascii: whole };
  }
  const { starts, ends, unterminated } = lineOffsets(journal.length, (from) => journal.indexOf(0x0a, from));
  if (whole === undefined) return { starts, ends, unterminated, text: (i) => utf8Decode(journal.subarray(starts[i], ends[i])) };
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
 * rule (prev is a hex hash) is left to the caller.
 */
function checkLineObject(text: string | undefined, checkPrevHex: boolean): LineCheck {
  if (text === undefined) return { reason: 'not UTF-8', beforeCanonical: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not JSON', beforeCanonical: true };
  }
  return checkParsedLine(parsed, checkPrevHex);
}

/** checkLineObject's checks after JSON.parse: envelope, then (after canonical form) payload. */
function checkParsedLine(parsed: unknown, checkPrevHex: boolean): LineCheck {
  const shape = checkEventShape(parsed, checkPrevHex);
  if (shape !== undefined) return { reason: shape, beforeCanonical: true };
  return checkEventPayload(parsed as TranscriptEvent);
}

/** The same for a line plain-line.ts read, whose members' JSON types and time hold by construction (prev's hex is the caller's). */
function checkPlainLine(event: TranscriptEvent): LineCheck {
  const values = checkEventValues(event, false, true);
  if (values !== undefined) return { reason: values, beforeCanonical: true };
  return checkEventPayload(event);
}

function checkEventPayload(event: TranscriptEvent): LineCheck {
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

export interface ScannedJournal {
  /** The well-formed, correctly linked events before the first bad line (none in a scan joined from parts: journal-parts.ts). */
  readonly events: TranscriptEvent[];
  /** The last of those events. */
  readonly lastEvent: TranscriptEvent | undefined;
  /** Their RFC 6962 leaf hashes, 32 bytes each, in order (none for a part: its links are deferred). */
  readonly leafHashes: Uint8Array;
  /** The same hashes, one array each (the live journal keeps them for proofs). */
  readonly leaves: Uint8Array[];
  readonly firstBadEvent: { index: number; reason: string } | undefined;
  readonly ceremonyId: string | undefined;
  /** Lines in the file, counting an unterminated last one. */
  readonly lineCount: number;
  /** Bytes after the last newline (a torn write, if the journal is live). */
  readonly unterminatedBytes: number;
  /** A part's links, to be checked against the leaf hashes (linksHold); absent for a whole journal, whose links are checked in the scan. */
  readonly links?: DeferredLinks;
}

/**
 * Each line's prev as a part found it, for linksHold: the 32 bytes its 64
 * lower-case hex digits name, decoded as the line was read (plain-line.ts,
 * PrevOut), or, for a line read in full or a prev that is not such digits,
 * its text.
 */
export interface DeferredLinks {
  /** Line i's prev at 32 * i, decoded (undefined for a line in prevText, which linksHold reads first). */
  readonly prevHashes: Uint8Array;
  readonly prevText: ReadonlyMap<number, string>;
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

/** Are a[aAt, aAt + 32) and b[bAt, bAt + 32) the same hash? (No array per event.) */
function sameHash(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): boolean {
  for (let k = 0; k < 32; k++) if (a[aAt + k] !== b[bAt + k]) return false;
  return true;
}

function leafAt(hashes: Uint8Array, i: number): Uint8Array {
  return hashes.subarray(i * 32, i * 32 + 32);
}

/**
 * Where a journal's bytes are one part of a larger journal (a host checks
 * the parts on several cores): the number of lines before it. A part hashes
 * nothing: its lines' links wait for the tree's leaf hashes (linksHold).
 */
export interface JournalPart {
  readonly firstLine: number;
}

export interface ScanOptions {
  /** Checkpoint notes; they only help name an edited last-but-one event. */
  readonly checkpoints?: NamedNotes;
  /** The journal is this part of a larger one: sequence numbers and the indices reported count from its first line, and links are deferred (ScannedJournal.links). */
  readonly part?: JournalPart;
  /**
   * Keep every event (the default). A host that wants only the verdict
   * keeps the last one alone, and so leaves the garbage collector nothing
   * to carry (bench:verify).
   */
  readonly keepEvents?: boolean;
  /** The size of the segments the journal is read in (SEGMENT_BYTES; tests vary it, as the scan must not depend on it). */
  readonly segmentBytes?: number;
}

/**
 * The journal is read a segment of about this many bytes at a time (whole
 * lines; a longer line makes a longer segment), each decoded on its own:
 * one string of the whole journal, 31 MB, is made in new memory, and its
 * page faults made decoding it and finding its lines take 20 to 40 ms
 * where segments this size, reusing the young generation's memory, took 6
 * (bench:verify).
 */
const SEGMENT_BYTES = 1 << 16;

/** Where the segment that starts at `start` ends: just after the first newline at or past its size, or at the journal's end. */
function segmentEnd(journal: Uint8Array, start: number, size: number): number {
  const newline = journal.indexOf(0x0a, start + size - 1);
  return newline < 0 ? journal.length : newline + 1;
}

/** Lines in journal[from, length), `from` being a line's start, counting an unterminated last one. */
function linesFrom(journal: Uint8Array, from: number): number {
  let count = 0;
  for (let newline = journal.indexOf(0x0a, from); newline >= 0; newline = journal.indexOf(0x0a, newline + 1)) count++;
  return count + (from < journal.length && journal[journal.length - 1] !== 0x0a ? 1 : 0);
}

/** Checks every line of a journal (step 1 above) and hashes it (a part: hashes nothing, ScanOptions.part). The journal uses it on opening; the verifier, for every bundle. */
export function scanJournal(journal: Uint8Array, sha256: Sha256 = defaultSha256, options: ScanOptions = {}): ScannedJournal {
  const { checkpoints = [], part, keepEvents = true, segmentBytes = SEGMENT_BYTES } = options;
  // Line i here is line `at + i` of the whole journal.
  const at = part?.firstLine ?? 0;
  // A part's links wait for the leaf hashes (linksHold): each prev is decoded (or its text kept) for then.
  let prevHashes = part === undefined ? undefined : hashRoomFor(journal.length);
  const prevText = new Map<number, string>();
  let leafHashes = part === undefined ? hashRoomFor(journal.length) : new Uint8Array(0);
  const leafHasher = part === undefined ? new LeafHasher(sha256) : undefined;
  // A whole journal's links are checked line by line: each prev is decoded here first.
  const prevHere = { bytes: new Uint8Array(32), at: 0 };
  const events: TranscriptEvent[] = [];
  let lastEvent: TranscriptEvent | undefined;
  let firstBadEvent: { index: number; reason: string } | undefined;
  let ceremonyId: string | undefined;
  let valid = 0;
  let i = 0;
  // The segment being read: journal[segmentStart, its end), whose first line is line segmentFirstLine.
  let segmentStart = 0;
  let segmentFirstLine = 0;
  segments: while (segmentStart < journal.length) {
    const bytes = journal.subarray(segmentStart, segmentEnd(journal, segmentStart, segmentBytes));
    const split = splitLines(bytes);
    const { starts, ends } = split;
    segmentFirstLine = i;
    if (prevHashes !== undefined) prevHashes = withRoom(prevHashes, 32 * (i + starts.length));
    else leafHashes = withRoom(leafHashes, 32 * (i + starts.length));
    for (let s = 0; s < starts.length; s++, i++) {
      const start = starts[s] as number;
      const end = ends[s] as number;
      leafHasher?.hashInto(bytes, start, end, leafHashes, i * 32);
      // Speed (bench:verify): the common line is read without a full parse,
      // and is then canonical (plain-line.ts), its prev decoded when it is
      // 64 lower-case hex digits; whether any other prev is hex is settled
      // below, by comparing it with the hash it must be.
      const plain = split.ascii === undefined ? undefined : readPlainLine(bytes, split.ascii, start, end, prevHashes === undefined ? prevHere : { bytes: prevHashes, at: 32 * i });
      const checked = plain === undefined ? checkLineObject(split.text(s), false) : checkPlainLine(plain.event);
      if (checked.reason !== undefined && checked.beforeCanonical) {
        firstBadEvent = { index: at + i, reason: checked.reason };
        break segments;
      }
      const event = checked.event;
      // The envelope's last rule: a prev equal to the hash it must be is hex; any other is tested.
      // A part's links wait for the leaf hashes (linksHold), where a prev that is not hex matches none.
      const linked =
        at + i === 0 ? event.prev === GENESIS_PREV
        : prevHashes !== undefined ? deferLink(prevText, i, event.prev, plain?.prevDecoded === true)
        : plain?.prevDecoded === true ? sameHash(prevHere.bytes, 0, leafHashes, (i - 1) * 32)
        : hexMatches(event.prev, leafHashes, (i - 1) * 32);
      if (!linked && !hashPattern.test(event.prev)) {
        firstBadEvent = { index: at + i, reason: PREV_NOT_HEX };
        break segments;
      }
      const canonical = plain !== undefined || isCanonicalJsonLine(bytes, start, end);
      if (checked.reason !== undefined || !canonical) {
        firstBadEvent = { index: at + i, reason: canonical ? (checked.reason as string) : NOT_CANONICAL };
        break segments;
      }
      // (Only the last segment can end without a newline.)
      if (s === starts.length - 1 && split.unterminated) {
        firstBadEvent = { index: at + i, reason: 'the last line has no newline: the journal was cut' };
        break segments;
      }
      if (event.seq !== at + i) {
        firstBadEvent = { index: at + i, reason: `sequence number ${event.seq} where ${at + i} belongs` };
        break segments;
      }
      // The hash link first: an edit to event i-1 (its ceremony id included)
      // shows as a broken link at i, and blameBrokenLink names the edited line.
      if (!linked) {
        firstBadEvent = blameBrokenLink(i, nextLineText(journal, segmentStart + end), leafHashes, event, checkpoints, sha256);
        break segments;
      }
      ceremonyId ??= event.ceremony;
      if (event.ceremony !== ceremonyId) {
        firstBadEvent = { index: at + i, reason: `belongs to ceremony ${event.ceremony}, not ${ceremonyId}` };
        break segments;
      }
      if (keepEvents) events.push(event);
      lastEvent = event;
      valid++;
    }
    segmentStart += bytes.length;
  }
  // Stopped at a bad line: the lines not read are counted too.
  const lineCount = firstBadEvent === undefined ? i : segmentFirstLine + linesFrom(journal, segmentStart);
  const lastNewline = journal.lastIndexOf(0x0a);
  const validHashes = leafHashes.subarray(0, valid * 32);
  return {
    events,
    lastEvent,
    leafHashes: validHashes,
    get leaves() {
      return Array.from({ length: validHashes.length / 32 }, (_, k) => leafAt(validHashes, k));
    },
    firstBadEvent,
    ceremonyId,
    lineCount,
    unterminatedBytes: journal.length - (lastNewline + 1),
    ...(prevHashes === undefined ? {} : { links: { prevHashes, prevText } }),
  };
}

/** The text of the line after the one that ends at `end` (its newline's offset), decoded as the scan decodes it (a byte-order mark kept): undefined when it is not UTF-8, null when there is none. */
function nextLineText(journal: Uint8Array, end: number): string | undefined | null {
  if (end + 1 >= journal.length) return null;
  const newline = journal.indexOf(0x0a, end + 1);
  return utf8Decode(journal.subarray(end + 1, newline < 0 ? journal.length : newline));
}

/** Records line i's prev for linksHold: decoded already (by readPlainLine), or its text. Answers true: it is checked later. */
function deferLink(prevText: Map<number, string>, i: number, prev: string, decoded: boolean): true {
  if (!decoded) prevText.set(i, prev);
  return true;
}

/**
 * A part's deferred links against the whole journal's leaf hashes: the prev
 * of each of its lines (but the journal's first, which the scan held to
 * GENESIS_PREV) is the hex of the leaf hash of the line before it. `lines`
 * are the part's valid lines.
 */
export function linksHold(links: DeferredLinks, firstLine: number, lines: number, leafHashes: Uint8Array): boolean {
  const { prevHashes, prevText } = links;
  if (lines > 0 && (firstLine + lines - 1) * 32 > leafHashes.length) return false;
  for (let i = firstLine === 0 ? 1 : 0; i < lines; i++) {
    const at = (firstLine + i - 1) * 32;
    if (prevText.size > 0 && prevText.has(i)) {
      if (!hexMatches(prevText.get(i) as string, leafHashes, at)) return false;
      continue;
    }
    if (!sameHash(prevHashes, 32 * i, leafHashes, at)) return false;
  }
  return true;
}

/**
 * Event i's `prev` does not match the line before it. Either event i-1 was
 * changed (and event i, vouched for by its own successor, is intact) or
 * event i itself was. A single change to line i-1 breaks only link i; a
 * change to line i breaks link i+1 as well.
 */
function blameBrokenLink(i: number, next: string | undefined | null, leafHashes: Uint8Array, event: TranscriptEvent, checkpoints: NamedNotes, sha256: Sha256): { index: number; reason: string } {
  const blamePrevious = { index: i - 1, reason: `its hash is not the one event ${i} recorded` };
  const blameThis = { index: i, reason: `prev does not match the hash of event ${i - 1}` };
  if (i === 0) return blameThis;
  const leaf = leafAt(leafHashes, i);
  if (next !== null) {
    const scanned = scanLine(next);
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
