/**
 * Work a host did for the verifier ahead of time, on several cores
 * (electron/core/transcript/verify-in-parallel.ts): the journal's scan,
 * joined from parts (journal-parts.ts), the tree's roots at the
 * checkpoints' sizes (journal-tree.ts), every checkpoint signature, and the journal file's
 * hash. The verifier uses each answer where it would have computed it, in
 * the same order, so the result is the same.
 */
import { bytesToHex } from './bytes.ts';
import type { Ed25519Verify } from './ed25519.ts';
import { parseNote, parseVerifierKey, signatureMatchesKey, verifyNoteSignature, type NoteSignature, type VerifierKey } from './note.ts';
import type { NamedNotes, ScannedJournal } from './scan.ts';

export interface PreparedWork {
  /** scanJournal of this journal, or the same joined from its parts (which keeps no events, so the result has none). */
  readonly scanned?: ScannedJournal;
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
export function checkNoteSignatures(notes: NamedNotes, trustedKeys: readonly string[], ed25519Verify?: Ed25519Verify): Map<string, boolean> {
  const keys = knownKeys(trustedKeys);
  const signatures = new Map<string, boolean>();
  for (const { note } of notes) {
    const parsed = parseNote(note);
    if (typeof parsed === 'string') continue;
    for (const signature of parsed.signatures) {
      for (const key of keys) if (signatureMatchesKey(signature, key)) signatures.set(signatureVerdictKey(parsed.text, signature, key), verifyNoteSignature(parsed.text, signature, key, ed25519Verify));
    }
  }
  return signatures;
}
