/**
 * The offline verifier (docs/formats/transcript.md §5). Pure TypeScript: the
 * CLI, the main process and the auditor's screen run this same code.
 *
 * What it proves, in order:
 *  1. every line is UTF-8, canonical JSON (RFC 8785) and a well-formed event
 *     whose `seq` is its line number and whose `prev` is the hash of the line
 *     before (so a changed, missing, repeated or moved line names itself);
 *  2. every checkpoint is a signed note from the ceremony key, whose root is
 *     the RFC 6962 root of the first `size` events (recomputing the roots
 *     from the events proves each checkpoint is a prefix of the next, which
 *     is what a consistency proof would show); every signature from a known
 *     key, cosignatures included, verifies;
 *  3. the last checkpoint covers every event; events after it are an
 *     unsigned tail.
 */
import { bytesEqual, bytesToHex, hexToBytes, utf8Decode } from './bytes.ts';
import { parseCheckpointText } from './checkpoint.ts';
import { GENESIS_PREV, checkEventShape, isCanonical, type TranscriptEvent } from './event.ts';
import { CompactRange, defaultSha256, leafHash, treeRoot, type Sha256 } from './merkle.ts';
import { SIGNATURE_TYPE, cosignatureTime, parseNote, parseVerifierKey, signatureMatchesKey, verifyNoteSignature, type VerifierKey } from './note.ts';
import { checkPayload } from './payloads.ts';

export type VerificationStatus = 'verified' | 'tampered' | 'unsigned-tail' | 'unreadable';

export interface TranscriptInput {
  /** The journal file's bytes (JSON Lines). */
  readonly journal: Uint8Array;
  /** Checkpoint notes, each with the file name it came from. */
  readonly checkpoints: readonly { readonly name: string; readonly note: string }[];
  /** vkeys the auditor trusts: the ceremony key, and any cosigner keys. */
  readonly trustedKeys: readonly string[];
}

export interface VerifyOptions {
  /** SHA-256 implementation; @noble/hashes by default. */
  readonly sha256?: Sha256;
}

export interface CheckpointSummary {
  readonly name: string;
  readonly size: number;
  readonly rootHex: string;
  readonly signedBy: string;
  readonly cosigners: readonly { readonly name: string; readonly time: number }[];
  /** Signature lines from keys we do not know: ignored, as signed-note §Signatures requires. */
  readonly ignoredSignatures: number;
}

export interface VerificationResult {
  readonly status: VerificationStatus;
  /** One sentence for people. */
  readonly summary: string;
  readonly ceremonyId: string | undefined;
  readonly eventCount: number;
  /** Tree size of the last valid checkpoint. */
  readonly signedSize: number;
  readonly rootHex: string | undefined;
  readonly firstBadEvent?: { readonly index: number; readonly reason: string };
  readonly badCheckpoint?: { readonly name: string; readonly reason: string };
  readonly unsignedTail?: { readonly from: number; readonly count: number };
  readonly checkpoints: readonly CheckpointSummary[];
  /** The well-formed events, in order (up to the first bad one). */
  readonly events: readonly TranscriptEvent[];
}

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

function scanLine(bytes: Uint8Array): ScannedLine {
  const text = utf8Decode(bytes);
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
export function scanJournal(journal: Uint8Array, sha256: Sha256 = defaultSha256, checkpoints: TranscriptInput['checkpoints'] = []): ScannedJournal {
  const { lines, unterminated } = splitLines(journal);
  const events: TranscriptEvent[] = [];
  const leaves: Uint8Array[] = [];
  let firstBadEvent: { index: number; reason: string } | undefined;
  let ceremonyId: string | undefined;
  let previousHex = GENESIS_PREV;

  for (let i = 0; i < lines.length; i++) {
    const line = scanLine(lines[i] as Uint8Array);
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
    ceremonyId ??= event.ceremony;
    if (event.ceremony !== ceremonyId) {
      firstBadEvent = { index: i, reason: `belongs to ceremony ${event.ceremony}, not ${ceremonyId}` };
      break;
    }
    const leaf = leafHash(line.bytes, sha256);
    if (event.prev !== previousHex) {
      firstBadEvent = blameBrokenLink(i, lines, leaves, leaf, event, checkpoints, sha256);
      break;
    }
    events.push(event);
    leaves.push(leaf);
    previousHex = bytesToHex(leaf);
  }
  const lastNewline = journal.lastIndexOf(0x0a);
  return { events, leaves, firstBadEvent, ceremonyId, lineCount: lines.length, unterminatedBytes: journal.length - (lastNewline + 1) };
}

/** Verifies a transcript: journal, checkpoints and the keys to trust. */
export function verifyTranscript(input: TranscriptInput, options: VerifyOptions = {}): VerificationResult {
  const sha256 = options.sha256 ?? defaultSha256;
  return checkCheckpoints(input, scanJournal(input.journal, sha256, input.checkpoints), sha256);
}

/**
 * Event i's `prev` does not match the line before it. Either event i-1 was
 * changed (and event i, vouched for by its own successor, is intact) or
 * event i itself was. A single change to line i-1 breaks only link i; a
 * change to line i breaks link i+1 as well.
 */
function blameBrokenLink(i: number, lines: readonly Uint8Array[], leaves: readonly Uint8Array[], leaf: Uint8Array, event: TranscriptEvent, checkpoints: TranscriptInput['checkpoints'], sha256: Sha256): { index: number; reason: string } {
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

function knownKeys(trusted: readonly string[]): VerifierKey[] {
  const keys: VerifierKey[] = [];
  for (const text of trusted) {
    const key = parseVerifierKey(text.trim());
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

function checkCheckpoints(input: TranscriptInput, scanned: ScannedJournal, sha256: Sha256): VerificationResult {
  const { events, leaves, firstBadEvent, lineCount } = scanned;
  const keys = knownKeys(input.trustedKeys);
  const ceremonyId = scanned.ceremonyId ?? firstOrigin(input);
  const base = { ceremonyId, eventCount: lineCount, events };
  const summaries: CheckpointSummary[] = [];
  const range = new CompactRange(sha256);
  const ordered = [...input.checkpoints].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let signedSize = 0;
  let rootHex: string | undefined;
  const tampered = (badCheckpoint: { name: string; reason: string } | undefined, badEvent: { index: number; reason: string } | undefined, summary: string): VerificationResult => ({
    ...base, status: 'tampered', summary, signedSize, rootHex, checkpoints: summaries,
    ...(badEvent === undefined ? {} : { firstBadEvent: badEvent }),
    ...(badCheckpoint === undefined ? {} : { badCheckpoint }),
  });
  if (firstBadEvent !== undefined) return tampered(undefined, firstBadEvent, `Event ${firstBadEvent.index} is not as it was recorded: ${firstBadEvent.reason}.`);
  if (lineCount === 0 && ordered.length === 0) return { ...base, status: 'unreadable', summary: 'The bundle holds no events and no checkpoints.', signedSize: 0, rootHex: undefined, checkpoints: [] };

  const logKeys = keys.filter((key) => key.name === ceremonyId && (key.type === SIGNATURE_TYPE.ed25519 || key.type === SIGNATURE_TYPE.ecdsa));
  if (logKeys.length === 0) return { ...base, status: 'unreadable', summary: `No trusted key named ${ceremonyId ?? '(unknown ceremony)'} was given, so no checkpoint can be checked.`, signedSize: 0, rootHex: undefined, checkpoints: [] };

  let previousSize = -1;
  for (const { name, note } of ordered) {
    const bad = (reason: string) => tampered({ name, reason }, undefined, `Checkpoint ${name} is not valid: ${reason}.`);
    const parsed = parseNote(note);
    if (typeof parsed === 'string') return bad(parsed);
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint === 'string') return bad(checkpoint);
    if (checkpoint.origin !== ceremonyId) return bad(`origin ${checkpoint.origin} is not the ceremony ${ceremonyId ?? ''}`);
    let signedBy: string | undefined;
    const cosigners: { name: string; time: number }[] = [];
    let ignored = 0;
    for (const signature of parsed.signatures) {
      const key = keys.find((candidate) => signatureMatchesKey(signature, candidate));
      if (key === undefined) {
        ignored++;
        continue;
      }
      // signed-note §Signatures: a known key's failed signature rejects the note.
      if (!verifyNoteSignature(parsed.text, signature, key)) return bad(`the signature by ${key.name} does not verify`);
      if (logKeys.includes(key)) signedBy = key.name;
      else cosigners.push({ name: key.name, time: Number(cosignatureTime(signature) ?? 0n) });
    }
    if (signedBy === undefined) return bad('it has no valid signature from the ceremony key');
    if (checkpoint.size <= previousSize) return bad(`its size ${checkpoint.size} does not grow from ${previousSize}`);
    if (checkpoint.size > leaves.length) {
      return tampered({ name, reason: `it covers ${checkpoint.size} events` }, { index: leaves.length, reason: `missing: checkpoint ${name} covers ${checkpoint.size} events, the journal holds ${leaves.length}` }, `Events are missing: checkpoint ${name} covers ${checkpoint.size}, the journal holds ${leaves.length}.`);
    }
    while (range.size < checkpoint.size) range.append(leaves[range.size] as Uint8Array);
    if (!bytesEqual(range.root(), checkpoint.root)) {
      // The hash chain is intact, so the change is in the last event it reaches, or a run of events was rewritten.
      const index = checkpoint.size === leaves.length ? checkpoint.size - 1 : signedSize;
      return tampered({ name, reason: 'its root does not match the events' }, { index, reason: `the events up to ${checkpoint.size} do not hash to the root of checkpoint ${name}` }, `Checkpoint ${name} does not match the events.`);
    }
    previousSize = checkpoint.size;
    signedSize = checkpoint.size;
    rootHex = bytesToHex(checkpoint.root);
    summaries.push({ name, size: checkpoint.size, rootHex, signedBy, cosigners, ignoredSignatures: ignored });
  }

  if (signedSize < leaves.length) {
    return { ...base, status: 'unsigned-tail', summary: `Events ${signedSize} to ${leaves.length - 1} are not covered by any checkpoint.`, signedSize, rootHex, checkpoints: summaries, unsignedTail: { from: signedSize, count: leaves.length - signedSize } };
  }
  return { ...base, status: 'verified', summary: `All ${leaves.length} events verified; ${summaries.length} checkpoints signed by the ceremony key.`, signedSize, rootHex, checkpoints: summaries };
}

function firstOrigin(input: TranscriptInput): string | undefined {
  for (const { note } of input.checkpoints) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    const checkpoint = parseCheckpointText(parsed.text);
    if (typeof checkpoint !== 'string') return checkpoint.origin;
  }
  return undefined;
}
