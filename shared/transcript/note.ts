/**
 * C2SP signed notes (c2sp.org/signed-note) and the signature types the
 * transcript uses: 0x01 Ed25519 (the ceremony key in software), 0x02 ECDSA
 * (a ceremony key in an HSM, as transparency-dev/witness implements it: ASN.1
 * DER signature over SHA-256 of the note text, key ID from the SPKI) and
 * 0x04 timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature), which
 * participants add to the same note.
 */
import { p256, p384 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, bytesToHex, concatBytes, fromBase64, hexToBytes, toBase64, utf8ToBytes } from './bytes.ts';
import { pureEd25519Verify, type Ed25519Verify } from './ed25519.ts';
import { isValidKeyName, type NoteSignature } from './note-format.ts';

export * from './note-format.ts';

export const SIGNATURE_TYPE = { ed25519: 0x01, ecdsa: 0x02, cosignatureV1: 0x04 } as const;
export type SignatureTypeName = keyof typeof SIGNATURE_TYPE;

/** Public key encodings by type: 32 raw bytes for Ed25519, DER SPKI for ECDSA. */
export interface VerifierKey {
  readonly name: string;
  readonly type: number;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
  /** The vkey text `<name>+<hex key ID>+<base64(type || public key)>` (signed-note §Verifier keys). */
  readonly text: string;
}

/** signed-note §Signatures: SHA-256(name || 0x0A || type || key)[:4]; ECDSA keys hash the SPKI alone. */
export function keyIdFor(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  if (type === SIGNATURE_TYPE.ecdsa) return sha256(publicKey).slice(0, 4);
  return sha256(concatBytes(utf8ToBytes(name), Uint8Array.of(0x0a, type), publicKey)).slice(0, 4);
}

export function makeVerifierKey(name: string, type: number, publicKey: Uint8Array): VerifierKey {
  if (!isValidKeyName(name)) throw new TypeError(`key name "${name}" is not allowed in a signed note`);
  const keyId = keyIdFor(name, type, publicKey);
  const text = `${name}+${bytesToHex(keyId)}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
  return { name, type, keyId, publicKey: publicKey.slice(), text };
}

/** Parses a vkey; undefined if malformed, of an unknown type, or if its key ID does not match. */
export function parseVerifierKey(text: string): VerifierKey | undefined {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return undefined;
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const material = fromBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex) || material === undefined || material.length < 2) return undefined;
  const type = material[0] as number;
  const publicKey = material.slice(1);
  if ((type === SIGNATURE_TYPE.ed25519 || type === SIGNATURE_TYPE.cosignatureV1) && publicKey.length !== 32) return undefined;
  if (type === SIGNATURE_TYPE.ecdsa && ecdsaCurve(publicKey) === undefined) return undefined;
  if (type !== SIGNATURE_TYPE.ed25519 && type !== SIGNATURE_TYPE.cosignatureV1 && type !== SIGNATURE_TYPE.ecdsa) return undefined;
  const key = makeVerifierKey(name, type, publicKey);
  return bytesEqual(key.keyId, hexToBytes(idHex)) ? key : undefined;
}

// DER SubjectPublicKeyInfo prefixes (RFC 5480 §2) for uncompressed points.
const spkiPrefix = {
  p256: hexToBytes('3059301306072a8648ce3d020106082a8648ce3d030107034200'),
  p384: hexToBytes('3076301006072a8648ce3d020106052b81040022036200'),
};

function ecdsaCurve(spki: Uint8Array): { curve: typeof p256 | typeof p384; point: Uint8Array } | undefined {
  for (const [name, prefix] of Object.entries(spkiPrefix)) {
    const pointLength = name === 'p256' ? 65 : 97;
    if (spki.length === prefix.length + pointLength && bytesEqual(spki.subarray(0, prefix.length), prefix)) {
      return { curve: name === 'p256' ? p256 : p384, point: spki.subarray(prefix.length) };
    }
  }
  return undefined;
}

/** DER SPKI of an uncompressed P-256 (65-byte) or P-384 (97-byte) point, for ECDSA vkeys. */
export function ecdsaSpki(uncompressedPoint: Uint8Array): Uint8Array {
  if (uncompressedPoint.length === 65) return concatBytes(spkiPrefix.p256, uncompressedPoint);
  if (uncompressedPoint.length === 97) return concatBytes(spkiPrefix.p384, uncompressedPoint);
  throw new TypeError('an ECDSA public key must be an uncompressed P-256 or P-384 point');
}

/**
 * PKCS#11 CKM_ECDSA returns r || s; signed notes carry ASN.1 DER. For an
 * HSM-backed signer: sign SHA-256(note text) raw, then convert here.
 */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const curve = raw.length === 64 ? p256 : raw.length === 96 ? p384 : undefined;
  if (curve === undefined) throw new TypeError('raw ECDSA signature must be 64 (P-256) or 96 (P-384) bytes');
  return curve.Signature.fromBytes(raw, 'compact').toBytes('der');
}

/** tlog-cosignature §Ed25519 signed message: header, time line, then the note text. */
export function cosignatureMessage(timestamp: bigint, text: string): Uint8Array {
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp.toString()}\n${text}`);
}

/**
 * Does `signature` (already matched to `key` by name and ID) verify over the
 * note `text`? Ed25519 by `ed25519Verify`: the pure one, or a host's that
 * gives the same answers (ed25519.ts).
 */
export function verifyNoteSignature(text: string, signature: NoteSignature, key: VerifierKey, ed25519Verify: Ed25519Verify = pureEd25519Verify): boolean {
  const message = utf8ToBytes(text);
  try {
    if (key.type === SIGNATURE_TYPE.ed25519) return signature.signature.length === 64 && ed25519Verify(signature.signature, message, key.publicKey);
    if (key.type === SIGNATURE_TYPE.cosignatureV1) {
      if (signature.signature.length !== 72) return false;
      const timestamp = new DataView(signature.signature.buffer, signature.signature.byteOffset, 8).getBigUint64(0);
      if (timestamp > 2n ** 63n - 1n) return false;
      return ed25519Verify(signature.signature.subarray(8), cosignatureMessage(timestamp, text), key.publicKey);
    }
    if (key.type === SIGNATURE_TYPE.ecdsa) {
      const ec = ecdsaCurve(key.publicKey);
      return ec !== undefined && ec.curve.verify(signature.signature, sha256(message), ec.point, { prehash: false, format: 'der', lowS: false });
    }
  } catch {
    return false;
  }
  return false;
}

/** Does this signature line claim to be from `key` (same name and key ID)? */
export function signatureMatchesKey(signature: NoteSignature, key: VerifierKey): boolean {
  return signature.keyName === key.name && bytesEqual(signature.keyId, key.keyId);
}

/** The cosignature time (POSIX seconds) of a 0x04 signature. */
export function cosignatureTime(signature: NoteSignature): bigint | undefined {
  if (signature.signature.length !== 72) return undefined;
  return new DataView(signature.signature.buffer, signature.signature.byteOffset, 8).getBigUint64(0);
}
