/**
 * Ed25519 signature verification with one answer everywhere: the pure
 * TypeScript verifier, the CLI (node:crypto) and an auditor's own
 * `openssl pkeyutl -verify` (docs/formats/transcript.md §6) accept and
 * refuse the same signatures.
 *
 * RFC 8032 §5.1.7 allows either verification equation: the cofactored
 * [8][S]B = [8]R + [8][k]A', which @noble/curves checks, or the
 * cofactorless [S]B = R + [k]A', which OpenSSL checks by encoding
 * [S]B - [k]A' and comparing it with the signature's R bytes. They differ
 * only on signatures whose R has a small-order part, which only a key holder
 * can make; a transcript signed so would verify in Keyrite and fail under
 * openssl, or the reverse. So both of Keyrite's paths take OpenSSL's
 * equation, and, as @noble/curves' strict mode does, refuse a public key
 * that is not canonically encoded or is of small order (the host's path
 * asks this of each key once: ed25519PublicKeyAcceptable).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from './bytes.ts';

/** Verifies an Ed25519 signature over message by the 32-byte public key. */
export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

const { Point } = ed25519;
const L = Point.Fn.ORDER;

type EdPoint = ReturnType<typeof Point.fromBytes>;

/** The key as a point, if RFC 8032 §5.1.3 decodes it (y < p) and it is not of small order; else undefined. */
function publicPoint(publicKey: Uint8Array): EdPoint | undefined {
  if (publicKey.length !== 32) return undefined;
  try {
    const point = Point.fromBytes(publicKey, false);
    return point.isSmallOrder() ? undefined : point;
  } catch {
    return undefined;
  }
}

/** Is this a key Keyrite verifies signatures from at all (see above)? */
export function ed25519PublicKeyAcceptable(publicKey: Uint8Array): boolean {
  return publicPoint(publicKey) !== undefined;
}

/** RFC 8032 §5.1.7 with the cofactorless equation, in pure TypeScript on @noble/curves' group. */
export const pureEd25519Verify: Ed25519Verify = (signature, message, publicKey) => {
  if (signature.length !== 64) return false;
  const A = publicPoint(publicKey);
  if (A === undefined) return false;
  const r = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  // §5.1.7 step 1: S must be below the group order.
  if (s >= L) return false;
  // Step 2: k = SHA-512(R || A || M), read little-endian, reduced mod L.
  const k = bytesToNumberLE(sha512(concatBytes(r, publicKey, message))) % L;
  // Step 3, as OpenSSL does it: encode [S]B - [k]A' and compare with R's bytes.
  const check = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return bytesEqual(check.toBytes(), r);
};
