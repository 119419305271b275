/**
 * The armoured text file a custodian keeps: RFC 7468-style BEGIN/END lines,
 * readable header lines (what the share is, so a person can tell files apart
 * without Keyrite), then the envelope in base64 (RFC 4648 §4), 64 characters
 * a line. The readable lines are derived from the envelope, and reading a
 * file re-derives them and requires the text to be exactly that: a file
 * whose readable lines were edited is refused, never half-trusted.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { MAX_ENVELOPE_BYTES, parseEnvelope } from '../../../shared/shares/envelope.ts';
import type { ParsedEnvelope, ShareHeader } from '../../../shared/shares/envelope.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';

export const ARMOUR_BEGIN = '-----BEGIN KEYRITE SHARE-----';
export const ARMOUR_END = '-----END KEYRITE SHARE-----';
/** Base64 of the largest envelope plus readable lines, rounded up. */
export const MAX_ARMOUR_BYTES = Math.ceil(MAX_ENVELOPE_BYTES / 3) * 4 * 1.1 + 2048;

function readableLines(header: ShareHeader): string[] {
  return [
    `Ceremony: ${header.ceremonyId}`,
    `Set: ${bytesToHex(header.setId)}`,
    `Share: ${header.index} (any ${header.threshold} of ${header.total} rebuild the key)`,
    `Custodian: ${header.custodian}`,
    `Key: ${header.keyLabel} [${header.keyId}]`,
    `Created: ${new Date(header.createdAt).toISOString()}`,
  ];
}

export function toArmour(envelope: Uint8Array): string {
  const { header } = parseEnvelope(envelope, 'new share');
  const base64 = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength).toString('base64');
  const body: string[] = [];
  for (let i = 0; i < base64.length; i += 64) body.push(base64.slice(i, i + 64));
  return [ARMOUR_BEGIN, ...readableLines(header), '', ...body, ARMOUR_END, ''].join('\n');
}

/** Parses an armoured share (CRLF or LF line ends), refusing anything but the exact form toArmour writes. */
export function fromArmour(text: string, source: string): { envelope: Uint8Array; parsed: ParsedEnvelope } {
  if (text.length === 0) throw new ShareRejection('SHARE_EMPTY', { source }, 'it is empty.');
  if (text.length > MAX_ARMOUR_BYTES) throw new ShareRejection('SHARE_TOO_LARGE', { source }, 'it is larger than any share.');
  const normalised = text.replace(/\r\n/gu, '\n');
  if (!normalised.startsWith(`${ARMOUR_BEGIN}\n`)) throw new ShareRejection('SHARE_NOT_A_SHARE', { source }, 'it is not a Keyrite share.');
  const lines = normalised.split('\n');
  const blank = lines.indexOf('');
  const end = lines.indexOf(ARMOUR_END);
  if (blank < 0 || end < 0 || end < blank) throw new ShareRejection('SHARE_TRUNCATED', { source }, 'it does not end with its END line: the file is incomplete.');
  const base64 = lines.slice(blank + 1, end).join('');
  const envelope = Uint8Array.from(Buffer.from(base64, 'base64'));
  // Buffer's decoder skips characters outside the alphabet: re-encoding and
  // comparing makes it strict, so no changed character passes unnoticed.
  if (envelope.length === 0 || Buffer.from(envelope).toString('base64') !== base64) {
    throw new ShareRejection('SHARE_MALFORMED', { source }, 'its base64 text is damaged.');
  }
  const parsed = parseEnvelope(envelope, source);
  if (toArmour(envelope) !== `${lines.slice(0, end + 1).join('\n')}\n` || lines.slice(end + 1).some((l) => l.trim() !== '')) {
    throw new ShareRejection('SHARE_MALFORMED', { source, claimed: { index: parsed.header.index, setId: bytesToHex(parsed.header.setId), custodian: parsed.header.custodian } }, 'its readable lines do not match its content.');
  }
  return { envelope, parsed };
}
