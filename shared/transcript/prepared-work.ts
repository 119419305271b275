/**
 * The part of verification that needs no event object: every line's leaf
 * hash and canonical form, the tree's roots at the checkpoints' sizes and
 * the journal file's hash (journal-digests.ts), and every checkpoint
 * signature. A host can do it while the events are read, on other cores
 * (electron/core/transcript/verify-on-two-cores.ts); the verifier then uses
 * the answers where it would have computed them, in the same order, so the
 * result is the same.
 */
import { bytesToHex } from './bytes.ts';
import { digestJournal } from './journal-digests.ts';
import { defaultSha256, type Sha256 } from './merkle.ts';
import { parseNote, parseVerifierKey, signatureMatchesKey, verifyNoteSignature, type NoteSignature, type VerifierKey } from './note.ts';
import type { JournalLines, LineDigests, LineOffsets, NamedNotes } from './scan.ts';

export interface PreparedWork {
  /** readJournalLines of this journal. */
  readonly lines?: JournalLines;
  /** digestLines of this journal. */
  readonly digests?: LineDigests;
  /** RFC 6962 root of the journal's first `size` lines, by size. */
  readonly roots?: ReadonlyMap<number, Uint8Array>;
  /** verifyNoteSignature's answers, by signatureVerdictKey. */
  readonly signatures?: ReadonlyMap<string, boolean>;
  /** SHA-256 of the journal file (the manifest lists it). */
  readonly journalSha256?: Uint8Array;
}

/** The vkeys that parse (a malformed one is no key; the verifier says so if the ceremony's is missing). */
export function knownKeys(trusted: readonly string[]): VerifierKey[] {
  const keys: VerifierKey[] = [];
  for (const text of trusted) {
    const key = parseVerifierKey(text.trim());
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

/** What a signature's verdict depends on: the key, the signature bytes and the signed text. */
export function signatureVerdictKey(text: string, signature: NoteSignature, key: VerifierKey): string {
  return `${key.text}\n${bytesToHex(signature.signature)}\n${text}`;
}

/** Every signature line of every note checked against every trusted key it claims to be from. */
export function checkNoteSignatures(notes: NamedNotes, trustedKeys: readonly string[]): Map<string, boolean> {
  const keys = knownKeys(trustedKeys);
  const signatures = new Map<string, boolean>();
  for (const { note } of notes) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    for (const signature of parsed.signatures) {
      for (const key of keys) if (signatureMatchesKey(signature, key)) signatures.set(signatureVerdictKey(parsed.text, signature, key), verifyNoteSignature(parsed.text, signature, key));
    }
  }
  return signatures;
}

/** All the byte work for a journal (whose lines may already have been found) and its checkpoint notes, with the keys to check signatures against. */
export function prepareByteWork(journal: Uint8Array, notes: NamedNotes, trustedKeys: readonly string[], sha256: Sha256 = defaultSha256, offsets?: LineOffsets): Required<Omit<PreparedWork, 'lines'>> {
  return { ...digestJournal(journal, notes, sha256, offsets), signatures: checkNoteSignatures(notes, trustedKeys) };
}
