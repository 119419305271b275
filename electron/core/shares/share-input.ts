/**
 * A share as it reaches the engine: a file's bytes (binary envelope or
 * armoured text), or the words a custodian typed from the paper form. Each
 * carries the name the custodian knows it by, used in every refusal.
 */
import { ENVELOPE_MAGIC, parseEnvelope } from '../../../shared/shares/envelope.ts';
import type { ParsedEnvelope } from '../../../shared/shares/envelope.ts';
import { fromPaperForm } from '../../../shared/shares/paper-form.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { ARMOUR_BEGIN, fromArmour, MAX_ARMOUR_BYTES } from './armour.ts';

export type ShareInput =
  | { kind: 'file'; name: string; bytes: Uint8Array }
  | { kind: 'words'; name: string; words: string };

/** Every check that needs no passphrase: format, checksum, header ranges. */
export function readShareInput(input: ShareInput): ParsedEnvelope {
  if (input.kind === 'words') return parseEnvelope(fromPaperForm(input.words, input.name), input.name);
  const { bytes, name } = input;
  if (bytes.length === 0) throw new ShareRejection('SHARE_EMPTY', { source: name }, 'it is empty.');
  if (bytes.length > MAX_ARMOUR_BYTES) throw new ShareRejection('SHARE_TOO_LARGE', { source: name }, 'it is larger than any share.');
  if (startsWith(bytes, ENVELOPE_MAGIC)) return parseEnvelope(bytes, name);
  const begin = new TextEncoder().encode(ARMOUR_BEGIN);
  if (startsWith(bytes, begin)) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ShareRejection('SHARE_MALFORMED', { source: name }, 'its text is not valid UTF-8.');
    }
    return fromArmour(text, name).parsed;
  }
  throw new ShareRejection('SHARE_NOT_A_SHARE', { source: name }, 'it is not a Keyrite share.');
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}
