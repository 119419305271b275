/**
 * C2SP signed-note text format (c2sp.org/signed-note §Format): parsing and
 * writing notes, with no cryptography, so that the journal can write
 * checkpoints without loading the curve code.
 */
import { concatBytes, fromBase64, toBase64 } from './bytes.ts';

/** Verifiers must accept at least 16 signatures (signed-note §Format); we cap at 100 like Go's note package. */
export const MAX_NOTE_SIGNATURES = 100;

/** Key names: non-empty, no Unicode space, no '+' (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: Uint8Array;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** Parses a signed note, or returns the reason it is malformed. */
export function parseNote(note: string): SignedNote | string {
  // eslint-disable-next-line no-control-regex -- the rule is about control characters.
  if (/[\x00-\x09\x0b-\x1f]/.test(note)) return 'a note must not contain control characters';
  if (!note.endsWith('\n')) return 'a note must end with a newline';
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return 'a note needs a blank line before its signatures';
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return 'too many signatures';
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    const keyName = match?.[1];
    const blob = match?.[2] === undefined ? undefined : fromBase64(match[2]);
    if (keyName === undefined || !isValidKeyName(keyName) || blob === undefined || blob.length < 5) return 'malformed signature line';
    signatures.push({ keyName, keyId: blob.slice(0, 4), signature: blob.slice(4) });
  }
  return { text, signatures };
}

export function signatureLine(signature: NoteSignature): string {
  return `\u2014 ${signature.keyName} ${toBase64(concatBytes(signature.keyId, signature.signature))}\n`;
}

export function formatNote(note: SignedNote): string {
  return `${note.text}\n${note.signatures.map(signatureLine).join('')}`;
}

