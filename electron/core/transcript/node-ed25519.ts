/**
 * node:crypto's Ed25519 for the verifier: about twenty times faster than the
 * pure one (bench:verify), and OpenSSL's own equation, which
 * shared/transcript/ed25519.ts explains and the pure one follows.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ed25519PublicKeyAcceptable, type Ed25519Verify } from '../../../shared/transcript/ed25519.ts';

// RFC 8410 §4: the DER SubjectPublicKeyInfo of an Ed25519 key is this prefix and the 32 key bytes.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// A bundle names a few keys; each is decoded, and judged, once. null: refused.
// Bounded, as a hostile bundle may name a new key on every signature line.
const keys = new Map<string, KeyObject | null>();

function keyObject(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  let key = keys.get(id);
  if (key === undefined) {
    key = ed25519PublicKeyAcceptable(publicKey) ? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }) : null;
    if (keys.size >= 64) keys.clear();
    keys.set(id, key);
  }
  return key;
}

export const nodeEd25519Verify: Ed25519Verify = (signature, message, publicKey) => {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const key = keyObject(publicKey);
  return key !== null && verify(null, message, key, signature);
};
