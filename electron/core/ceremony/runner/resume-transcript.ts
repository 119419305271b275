/**
 * Reading a crashed run's transcript before anything is written to it
 * (resume.ts): every whole line is checked the way the offline verifier
 * checks a bundle (event schema and payloads, hash chain, every checkpoint's
 * root and signature, docs/formats/transcript.md §5), against the keys the
 * transcript itself names (the ceremony key of `ceremony/opened` and of any
 * earlier `ceremony/resumed`, and the cosigner keys). A damaged transcript,
 * another script's, or a closed ceremony is refused with a typed error and
 * left exactly as it is.
 *
 * A torn last line (a write that never finished, so was never acknowledged)
 * is left out here; Journal.open cuts it and records `transcript/recovered`
 * once the resume goes ahead.
 *
 * WARNING: events after the last checkpoint are an unsigned tail. The hash
 * chain shows they were not reordered or edited one by one, but nothing
 * signed vouches for them; they are replayed like the rest (they are this
 * machine's own record of the steps since), and the resumed run's next
 * checkpoint signs them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyriteError } from '../../../../shared/result.ts';
import type { TranscriptEvent } from '../../../../shared/transcript/event.ts';
import { CHECKPOINT_FOLDER, JOURNAL_PATH } from '../../../../shared/transcript/layout.ts';
import { scanJournal, verifyTranscript } from '../../../../shared/transcript/verify.ts';
import { nodeSha256 } from '../../transcript/node-sha256.ts';
import { nodeCrypto } from '../../transcript/node-crypto.ts';

export interface CrashedTranscript {
  readonly ceremonyId: string;
  /** Every whole, verified event, in order (a torn tail left out). */
  readonly events: readonly TranscriptEvent[];
  readonly runNonce: string;
  /** The ceremony keys that signed so far, oldest first (ceremony/opened, then each ceremony/resumed). */
  readonly ceremonyKeys: readonly string[];
  /** Bytes after the last newline: a torn write Journal.open will cut and record. */
  readonly tornBytes: number;
  /** Events after the last signed checkpoint. */
  readonly unsignedEvents: number;
}

const damaged = (message: string) => new KeyriteError('CEREMONY_RESUME_TRANSCRIPT_DAMAGED', `${message} The transcript has not been changed; it cannot be resumed.`);

const text = (event: TranscriptEvent, field: string): string | undefined => {
  const value = event.payload[field];
  return typeof value === 'string' ? value : undefined;
};

/** Reads and checks `transcriptFolder` of a crashed run of the script with SHA-256 `scriptSha256`. */
export function readCrashedTranscript(transcriptFolder: string, scriptSha256: string): CrashedTranscript {
  const path = join(transcriptFolder, JOURNAL_PATH);
  if (!existsSync(path)) throw new KeyriteError('CEREMONY_RESUME_NO_TRANSCRIPT', `There is no transcript at ${path}: nothing to resume.`);
  const bytes = new Uint8Array(readFileSync(path));
  const whole = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
  const scanned = scanJournal(whole, nodeSha256);
  if (scanned.firstBadEvent !== undefined) throw damaged(`Event ${scanned.firstBadEvent.index} is not as it was recorded: ${scanned.firstBadEvent.reason}.`);
  const events = scanned.events;
  const opened = events[0];
  if (opened?.type !== 'ceremony/opened') throw damaged('The transcript does not begin with ceremony/opened.');
  const runNonce = text(opened, 'runNonce');
  const firstKey = text(opened, 'signingKey');
  if (runNonce === undefined || firstKey === undefined) throw damaged('ceremony/opened names no run nonce or ceremony key.');
  if (text(opened, 'scriptSha256') !== scriptSha256) {
    throw new KeyriteError('CEREMONY_RESUME_WRONG_SCRIPT', `This transcript ran the script with SHA-256 ${text(opened, 'scriptSha256') ?? '(none)'}, not the one given (${scriptSha256}): resume with the very script it ran.`);
  }
  const ceremonyKeys = [firstKey, ...events.filter((e) => e.type === 'ceremony/resumed').map((e) => text(e, 'signingKey') ?? '')];
  const cosignerKeys = [
    ...events.filter((e) => e.type === 'participant/enrolled').map((e) => text(e, 'cosignerKey') ?? ''),
    ...events.filter((e) => e.type === 'ceremony/resumed').flatMap((e) => (e.payload['cosignerKeys'] as { cosignerKey?: string }[] | undefined ?? []).map((c) => c.cosignerKey ?? '')),
  ].filter((k) => k !== '');
  const folder = join(transcriptFolder, CHECKPOINT_FOLDER);
  const checkpoints = existsSync(folder)
    ? readdirSync(folder).filter((name) => /^\d{12}\.note$/.test(name)).map((name) => ({ name, note: readFileSync(join(folder, name), 'utf8') }))
    : [];
  const verified = verifyTranscript({ journal: whole, checkpoints, trustedKeys: [...ceremonyKeys, ...cosignerKeys] }, nodeCrypto);
  if (verified.status !== 'verified' && verified.status !== 'unsigned-tail') throw damaged(verified.summary);
  const closed = events.find((e) => e.type === 'ceremony/closed');
  if (closed !== undefined) {
    throw new KeyriteError('CEREMONY_RESUME_CLOSED', `Ceremony ${opened.ceremony} is already closed (${text(closed, 'outcome') ?? 'no outcome'}, event ${closed.seq}): a closed ceremony is never resumed; run it again as a new ceremony.`);
  }
  return { ceremonyId: opened.ceremony, events, runNonce, ceremonyKeys, tornBytes: bytes.length - whole.length, unsignedEvents: events.length - verified.signedSize };
}
