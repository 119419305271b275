/**
 * The two commitments a share header carries (docs/formats/share.md §3).
 *
 * - The secret commitment authenticates a rebuilt secret: HMAC-SHA-256
 *   (RFC 2104) keyed by the secret over a domain label and the set id. The
 *   Shamir library checks nothing it combines (FACTS.md), so this is the only
 *   thing that stands between a corrupt share and a silently wrong key.
 * - The share commitment names one share's value publicly: SHA-256 over a
 *   domain label, the set id, the index and the library share (value || x).
 *   It goes into the transcript at split time and is what a custody audit
 *   checks, without combining anything.
 *
 * WARNING: both are only as hiding as the secret is unguessable; split
 * refuses secrets under 16 bytes and is meant for key material.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const secretLabel = utf8ToBytes('keyrite/share/v1/secret-commitment\0');
const shareLabel = utf8ToBytes('keyrite/share/v1/share-commitment\0');

export function secretCommitment(secret: Uint8Array, setId: Uint8Array): Uint8Array {
  return hmac(sha256, secret, concatBytes(secretLabel, setId));
}

/** `libraryShare` is the share exactly as the Shamir library returns it: y values then the x byte. */
export function shareCommitment(setId: Uint8Array, index: number, libraryShare: Uint8Array): Uint8Array {
  return sha256(concatBytes(shareLabel, setId, Uint8Array.of(index), libraryShare));
}

/** Constant-time equality for commitments and tags (lengths are public). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
