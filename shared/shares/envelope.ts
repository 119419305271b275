/**
 * Share envelope v2 (v1 still read): the binary layout (docs/formats/share.md §2 is the
 * normative description; this file and that section change together).
 *
 * Everything here is pure and cheap: a file is checked for size, magic,
 * version, exact length, CRC-32 and every header field's range before any
 * passphrase work (Argon2id costs ~0.2 s; a damaged or hostile file must not
 * get that far). Sealing and opening live in the engine.
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { crc32 } from './crc32.ts';
import { Reader, TruncatedError, Writer } from './byte-codec.ts';
import { ShareRejection } from './share-rejection.ts';
import type { ShareName } from './share-rejection.ts';

export const ENVELOPE_MAGIC = utf8ToBytes('KRSH');
/**
 * The version written. Version 2 has version 1's layout exactly; only the
 * share commitment (§3.2) differs: v2's covers the public header fields.
 */
export const ENVELOPE_VERSION = 2;
export type EnvelopeVersion = 1 | 2;
/** Versions read: a share sealed by an earlier Keyrite keeps working. */
export const READABLE_VERSIONS: readonly EnvelopeVersion[] = [1, 2];
const isReadableVersion = (v: number | undefined): v is EnvelopeVersion => v === 1 || v === 2;
/** Argon2id, version 0x13 (RFC 9106 §3.1). The only KDF v1 knows. */
export const KDF_ARGON2ID = 1;
export const SET_ID_BYTES = 16;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const COMMITMENT_BYTES = 32;
export const CHECKSUM_BYTES = 4;
export const MIN_SECRET_BYTES = 16;
export const MAX_SECRET_BYTES = 8192;
export const MAX_TEXT_BYTES = 128;
export const MAX_FINGERPRINT_BYTES = 64;
/** The largest possible envelope, with room to spare: anything larger is refused unread. */
export const MAX_ENVELOPE_BYTES = 10 * 1024;

/** Same rule as the transcript's ceremony id (C2SP signed-note key name: no space, no '+'). */
const ceremonyIdPattern = /^[\x21-\x2a\x2c-\x7e]{1,128}$/u;
/** Names are printed and read aloud: no control characters, no line breaks. */
const controlPattern = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export interface KdfParameters {
  /** Memory in KiB (RFC 9106 `m`). */
  memoryKiB: number;
  /** Passes (RFC 9106 `t`). */
  passes: number;
  /** Lanes (RFC 9106 `p`). */
  parallelism: number;
  salt: Uint8Array;
}

export interface ShareHeader {
  ceremonyId: string;
  setId: Uint8Array;
  keyId: string;
  keyLabel: string;
  keyFingerprint: Uint8Array;
  custodian: string;
  /** 1..255, the x-coordinate the Shamir library appends to the share value. */
  index: number;
  threshold: number;
  total: number;
  secretLength: number;
  secretCommitment: Uint8Array;
  shareCommitment: Uint8Array;
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  createdAt: number;
  kdf: KdfParameters;
  nonce: Uint8Array;
}

export interface ParsedEnvelope {
  /** Decides how the share commitment is computed (commitments.ts). */
  version: EnvelopeVersion;
  header: ShareHeader;
  /** The exact header bytes: the AEAD associated data. */
  headerBytes: Uint8Array;
  /** Ciphertext of the library share (secretLength + 1 bytes) followed by the 16-byte tag. */
  sealed: Uint8Array;
}

/** The length of the sealed part for a secret of `secretLength` bytes. */
export const sealedLength = (secretLength: number): number => secretLength + 1 + TAG_BYTES;

/** Throws a precise message for the first field out of range (used when writing). */
export function checkHeaderFields(header: ShareHeader): string | undefined {
  if (!ceremonyIdPattern.test(header.ceremonyId)) return 'the ceremony id is not 1 to 128 printable characters without spaces or "+"';
  if (header.setId.length !== SET_ID_BYTES) return `the set id is not ${SET_ID_BYTES} bytes`;
  for (const [what, text, min] of [['key id', header.keyId, 1], ['key label', header.keyLabel, 0], ['custodian', header.custodian, 1]] as const) {
    const length = utf8ToBytes(text).length;
    if (length < min || length > MAX_TEXT_BYTES) return `the ${what} is not ${min} to ${MAX_TEXT_BYTES} bytes of UTF-8`;
    if (controlPattern.test(text) || text.normalize('NFC') !== text) return `the ${what} has control characters or is not in Unicode NFC`;
  }
  if (header.keyFingerprint.length < 1 || header.keyFingerprint.length > MAX_FINGERPRINT_BYTES) return `the key fingerprint is not 1 to ${MAX_FINGERPRINT_BYTES} bytes`;
  if (header.index === 0) return 'the index is 0 (index 0 would hand out the secret itself)';
  if (!isInt(header.index, 1, 255)) return 'the index is not 1 to 255';
  if (!isInt(header.threshold, 2, 255)) return 'the threshold is not 2 to 255';
  if (!isInt(header.total, header.threshold, 255)) return 'the total is below the threshold or above 255';
  if (!isInt(header.secretLength, MIN_SECRET_BYTES, MAX_SECRET_BYTES)) return `the secret length is not ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`;
  if (header.secretCommitment.length !== COMMITMENT_BYTES || header.shareCommitment.length !== COMMITMENT_BYTES) return 'a commitment is not 32 bytes';
  if (!isInt(header.createdAt, 0, Number.MAX_SAFE_INTEGER)) return 'the creation time is not a whole number of milliseconds';
  const { memoryKiB, passes, parallelism, salt } = header.kdf;
  if (!isInt(parallelism, 1, 255) || !isInt(passes, 1, 255) || !isInt(memoryKiB, 8 * parallelism, 0xffffffff)) return 'the Argon2id parameters are out of range';
  if (salt.length !== SALT_BYTES) return `the salt is not ${SALT_BYTES} bytes`;
  if (header.nonce.length !== NONCE_BYTES) return `the nonce is not ${NONCE_BYTES} bytes`;
  return undefined;
}

const isInt = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;

/**
 * Header bytes (§2.1). Refuses a header that the parser would refuse.
 * `version` other than ENVELOPE_VERSION is for tests of the reader only.
 */
export function encodeHeader(header: ShareHeader, version: EnvelopeVersion = ENVELOPE_VERSION): Uint8Array {
  const problem = checkHeaderFields(header);
  if (problem !== undefined) throw new RangeError(`Cannot write a share header: ${problem}.`);
  const w = new Writer();
  w.bytes(ENVELOPE_MAGIC);
  w.u8(version);
  w.text(header.ceremonyId);
  w.bytes(header.setId);
  w.text(header.keyId);
  w.text(header.keyLabel);
  w.u8(header.keyFingerprint.length);
  w.bytes(header.keyFingerprint);
  w.text(header.custodian);
  w.u8(header.index);
  w.u8(header.threshold);
  w.u8(header.total);
  w.u16(header.secretLength);
  w.bytes(header.secretCommitment);
  w.bytes(header.shareCommitment);
  w.u64(header.createdAt);
  w.u8(KDF_ARGON2ID);
  w.u32(header.kdf.memoryKiB);
  w.u8(header.kdf.passes);
  w.u8(header.kdf.parallelism);
  w.bytes(header.kdf.salt);
  w.bytes(header.nonce);
  return w.done();
}

/** The whole envelope: header, sealed share, CRC-32 of both (big-endian). */
export function assembleEnvelope(headerBytes: Uint8Array, sealed: Uint8Array): Uint8Array {
  const out = new Uint8Array(headerBytes.length + sealed.length + CHECKSUM_BYTES);
  out.set(headerBytes, 0);
  out.set(sealed, headerBytes.length);
  const body = out.subarray(0, out.length - CHECKSUM_BYTES);
  new DataView(out.buffer, out.byteOffset).setUint32(body.length, crc32(body));
  return out;
}

/**
 * Parses and checks an envelope without any key: size, magic, version,
 * CRC-32, every field's range, exact length. Throws a ShareRejection naming
 * `source` (and, once the header reads, what it claims to be).
 */
export function parseEnvelope(bytes: Uint8Array, source: string): ParsedEnvelope {
  let name: ShareName = { source };
  const refuse = (code: ConstructorParameters<typeof ShareRejection>[0], why: string): never => {
    throw new ShareRejection(code, name, why);
  };
  if (bytes.length === 0) refuse('SHARE_EMPTY', 'it is empty.');
  if (bytes.length > MAX_ENVELOPE_BYTES) refuse('SHARE_TOO_LARGE', `it is larger than any share (${MAX_ENVELOPE_BYTES} bytes).`);
  if (bytes.length < ENVELOPE_MAGIC.length || ENVELOPE_MAGIC.some((b, i) => bytes[i] !== b)) refuse('SHARE_NOT_A_SHARE', 'it is not a Keyrite share.');
  if (bytes.length < 5) refuse('SHARE_TRUNCATED', 'it ends before its header does.');
  const version = bytes[4];
  if (!isReadableVersion(version)) refuse('SHARE_VERSION_UNSUPPORTED', `it is version ${String(version)}, and this Keyrite reads versions ${READABLE_VERSIONS.join(' and ')}.`);
  // A file shorter than its own header says is reported as incomplete; any
  // other damage, header included, as a checksum failure rather than as
  // whichever field it happened to hit. Only then are fields judged.
  const expected = expectedLength(bytes);
  if (expected === undefined || bytes.length < expected) refuse('SHARE_TRUNCATED', 'it is shorter than its header says: the file is incomplete.');
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(body.length);
  if (crc32(body) !== stored) refuse('SHARE_CHECKSUM_MISMATCH', 'its checksum does not match: the file is damaged or incomplete.');

  const r = new Reader(body);
  try {
    r.skip(5);
    const ceremonyId = r.text();
    const setId = r.take(SET_ID_BYTES);
    const keyId = r.text();
    const keyLabel = r.text();
    const keyFingerprint = r.take(r.u8());
    const custodian = r.text();
    const index = r.u8();
    name = { source, claimed: { index, setId: bytesToHex(setId), custodian } };
    const header: ShareHeader = {
      ceremonyId, setId, keyId, keyLabel, keyFingerprint, custodian, index,
      threshold: r.u8(), total: r.u8(), secretLength: r.u16(),
      secretCommitment: r.take(COMMITMENT_BYTES), shareCommitment: r.take(COMMITMENT_BYTES),
      createdAt: r.u64(),
      kdf: (() => {
        if (r.u8() !== KDF_ARGON2ID) refuse('SHARE_MALFORMED', 'its key derivation is not Argon2id.');
        return { memoryKiB: r.u32(), passes: r.u8(), parallelism: r.u8(), salt: r.take(SALT_BYTES) };
      })(),
      nonce: r.take(NONCE_BYTES),
    };
    if (index === 0) refuse('SHARE_INDEX_ZERO', 'its index is 0, which no share may have.');
    const problem = checkHeaderFields(header);
    if (problem !== undefined) refuse('SHARE_MALFORMED', `${problem}.`);
    const headerBytes = body.subarray(0, r.offset);
    const rest = body.length - r.offset;
    if (rest < sealedLength(header.secretLength)) refuse('SHARE_TRUNCATED', 'its sealed value is shorter than its header says.');
    if (rest > sealedLength(header.secretLength)) refuse('SHARE_MALFORMED', 'it has bytes after its sealed value.');
    return { version: version as EnvelopeVersion, header, headerBytes: headerBytes.slice(), sealed: body.slice(r.offset) };
  } catch (error) {
    if (error instanceof ShareRejection) throw error;
    if (error instanceof TruncatedError) return refuse('SHARE_TRUNCATED', 'it ends in the middle of its header.');
    if (error instanceof TypeError) return refuse('SHARE_MALFORMED', 'a text field is not valid UTF-8.');
    throw error;
  }
}

/** The total length the header announces, read without judging any field; undefined if the header itself is cut. */
function expectedLength(bytes: Uint8Array): number | undefined {
  const r = new Reader(bytes);
  try {
    r.skip(5);
    r.skip(r.u8()); // ceremony id
    r.skip(SET_ID_BYTES);
    r.skip(r.u8()); // key id
    r.skip(r.u8()); // key label
    r.skip(r.u8()); // fingerprint
    r.skip(r.u8()); // custodian
    r.skip(3); // index, threshold, total
    const secretLength = r.u16();
    r.skip(2 * COMMITMENT_BYTES + 8 + 1 + 4 + 1 + 1 + SALT_BYTES + NONCE_BYTES);
    return r.offset + sealedLength(secretLength) + CHECKSUM_BYTES;
  } catch (error) {
    if (error instanceof TruncatedError) return undefined;
    throw error;
  }
}



/** Byte offset of the index field in an envelope with this header (for tools that inspect or fault-inject). */
export function indexOffset(header: ShareHeader): number {
  const text = (s: string): number => 1 + utf8ToBytes(s).length;
  return 5 + text(header.ceremonyId) + SET_ID_BYTES + text(header.keyId) + text(header.keyLabel) + 1 + header.keyFingerprint.length + text(header.custodian);
}
