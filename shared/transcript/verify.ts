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
 *     unsigned tail;
 *  4. for an evidence bundle (`requireClosed`), the last event is
 *     `ceremony/closed`: a ceremony always ends with one, checkpointed, so a
 *     transcript cut at a checkpoint (hiding an exception, an abort, a
 *     destruction) cannot pass as complete. A live journal is not closed
 *     yet, so this is off by default.
 */
import { bytesEqual, bytesToHex } from './bytes.ts';
import { parseCheckpointText } from './checkpoint.ts';
import type { TranscriptEvent } from './event.ts';
import { CompactRange, defaultSha256, type Sha256 } from './merkle.ts';
import type { Ed25519Verify } from './ed25519.ts';
import { SIGNATURE_TYPE, cosignatureTime, parseNote, signatureMatchesKey, verifyNoteSignature, type NoteSignature, type VerifierKey } from './note.ts';
import { knownKeys, signatureVerdictKey, type PreparedWork } from './prepared-work.ts';
import { scanJournal, type ScannedJournal } from './scan.ts';

export { scanJournal, type ScannedJournal, type PreparedWork };

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
  /** Ed25519 verification; the pure one by default, or a host's with the same answers (ed25519.ts). */
  readonly ed25519?: Ed25519Verify;
  /**
   * Plain signed-note semantics: ignore signature lines from unknown keys.
   * Off by default: in a bundle every signer's key is listed.
   */
  readonly allowUnknownSigners?: boolean;
  /**
   * Evidence-bundle rule (docs/formats/transcript.md §5 step 5): the last
   * event must be `ceremony/closed`, or the result is `tampered` (events
   * after the last one may have been removed). Off for a live journal.
   */
  readonly requireClosed?: boolean;
  /**
   * Parts of this verification a host already did, on other cores
   * (electron/core/transcript/verify-in-parallel.ts); each is exactly what
   * this code would compute, so the result is the same.
   */
  readonly prepared?: PreparedWork;
  /**
   * Keep the events for the result (the default). A host that wants only
   * the verdict (`keyrite verify`) says false: the result then holds no
   * events, and the scan leaves the garbage collector nothing to carry
   * (bench:verify).
   */
  readonly keepEvents?: boolean;
}

/** The event type every finished ceremony's transcript ends with. */
export const CLOSING_EVENT_TYPE = 'ceremony/closed';

export interface CheckpointSummary {
  readonly name: string;
  readonly size: number;
  readonly rootHex: string;
  readonly signedBy: string;
  readonly cosigners: readonly { readonly name: string; readonly time: number }[];
  /** Signature lines from unknown keys, ignored (only with allowUnknownSigners). */
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
  /** The well-formed events, in order (up to the first bad one); none when the host asked for the verdict alone (keepEvents false, or PreparedWork.scanned). */
  readonly events: readonly TranscriptEvent[];
}

/** Verifies a transcript: journal, checkpoints and the keys to trust. */
export function verifyTranscript(input: TranscriptInput, options: VerifyOptions = {}): VerificationResult {
  const sha256 = options.sha256 ?? defaultSha256;
  return checkCheckpoints(input, options.prepared?.scanned ?? scanJournal(input.journal, sha256, { checkpoints: input.checkpoints, keepEvents: options.keepEvents ?? true }), sha256, options);
}

function checkCheckpoints(input: TranscriptInput, scanned: ScannedJournal, sha256: Sha256, options: VerifyOptions): VerificationResult {
  const { events, leafHashes, firstBadEvent, lineCount } = scanned;
  const leafCount = leafHashes.length / 32;
  const keys = knownKeys(input.trustedKeys);
  const { roots, signatures } = options.prepared ?? {};
  const signatureVerifies = (text: string, signature: NoteSignature, key: VerifierKey): boolean => signatures?.get(signatureVerdictKey(text, signature, key)) ?? verifyNoteSignature(text, signature, key, options.ed25519);
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
        // signed-note says to ignore it, and the note would still verify; but
        // in an evidence bundle every signer is listed, so a line from no
        // listed key means a signature was altered or added.
        if (options.allowUnknownSigners !== true) return bad(`its signature line by ${signature.keyName} is from no trusted key`);
        ignored++;
        continue;
      }
      // signed-note §Signatures: a known key's failed signature rejects the note.
      if (!signatureVerifies(parsed.text, signature, key)) return bad(`the signature by ${key.name} does not verify`);
      if (logKeys.includes(key)) signedBy = key.name;
      else cosigners.push({ name: key.name, time: Number(cosignatureTime(signature) ?? 0n) });
    }
    if (signedBy === undefined) return bad('it has no valid signature from the ceremony key');
    if (checkpoint.size <= previousSize) return bad(`its size ${checkpoint.size} does not grow from ${previousSize}`);
    if (checkpoint.size > leafCount) {
      return tampered({ name, reason: `it covers ${checkpoint.size} events` }, { index: leafCount, reason: `missing: checkpoint ${name} covers ${checkpoint.size} events, the journal holds ${leafCount}` }, `Events are missing: checkpoint ${name} covers ${checkpoint.size}, the journal holds ${leafCount}.`);
    }
    if (!bytesEqual(roots?.get(checkpoint.size) ?? rootAt(range, leafHashes, checkpoint.size), checkpoint.root)) {
      // The hash chain is intact, so the change is in the last event it reaches, or a run of events was rewritten.
      const index = checkpoint.size === leafCount ? checkpoint.size - 1 : signedSize;
      return tampered({ name, reason: 'its root does not match the events' }, { index, reason: `the events up to ${checkpoint.size} do not hash to the root of checkpoint ${name}` }, `Checkpoint ${name} does not match the events.`);
    }
    previousSize = checkpoint.size;
    signedSize = checkpoint.size;
    rootHex = bytesToHex(checkpoint.root);
    summaries.push({ name, size: checkpoint.size, rootHex, signedBy, cosigners, ignoredSignatures: ignored });
  }

  const unsignedTail = { from: signedSize, count: leafCount - signedSize };
  if (options.requireClosed === true && scanned.lastEvent?.type !== CLOSING_EVENT_TYPE) {
    // Nothing after the last event is signed, so nothing shows whether more
    // events followed it: a bundle that does not end with its close may have
    // been cut (at a checkpoint, the cut leaves every signature valid).
    const after = signedSize === leafCount ? `checkpoint ${signedSize}` : `event ${leafCount - 1}`;
    const reason = `the transcript ends without ${CLOSING_EVENT_TYPE}: events after ${after} may have been removed`;
    const ends = leafCount === 0 ? 'it holds no events' : `it ends at event ${leafCount - 1} without ${CLOSING_EVENT_TYPE}`;
    return {
      ...tampered(undefined, { index: leafCount, reason }, `The transcript is incomplete: ${ends}; events after ${after} may have been removed.`),
      ...(signedSize < leafCount ? { unsignedTail } : {}),
    };
  }
  if (signedSize < leafCount) {
    return { ...base, status: 'unsigned-tail', summary: `Events ${signedSize} to ${leafCount - 1} are not covered by any checkpoint.`, signedSize, rootHex, checkpoints: summaries, unsignedTail };
  }
  return { ...base, status: 'verified', summary: `All ${leafCount} events verified; ${summaries.length} checkpoints signed by the ceremony key.`, signedSize, rootHex, checkpoints: summaries };
}

/** The root of the first `size` leaves, appending to `range` (sizes come in increasing order). */
function rootAt(range: CompactRange, leafHashes: Uint8Array, size: number): Uint8Array {
  range.extendTo(leafHashes, size);
  return range.root();
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
