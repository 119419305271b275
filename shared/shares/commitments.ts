/**
 * The two commitments a share header carries (docs/formats/share.md §3).
 *
 * - The secret commitment authenticates a rebuilt secret: HMAC-SHA-256
 *   (RFC 2104) keyed by the secret over a domain label and the set id. The
 *   Shamir library checks nothing it combines (FACTS.md), so this is the only
 *   thing that stands between a corrupt share and a silently wrong key.
 * - The share commitment names one share publicly: in envelope version 2,
 *   SHA-256 over a domain label, every public header field that says what the
 *   share is (ceremony, set, key, custodian, index, M, N, secret length and
 *   commitment, creation time) and the library share (value || x); in
 *   version 1, over the label, set id, index and library share only. It goes
 *   into the transcript at split time and is what a custody audit and a
 *   rebuild check against, without combining anything. Because version 2
 *   covers M, N and the secret commitment, a custodian who re-seals their
 *   genuine value under a header that changes any of them no longer matches
 *   the recorded commitment.
 *
 * WARNING: both are only as hiding as the secret is unguessable; split
 * refuses secrets under 16 bytes and is meant for key material.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { Writer } from './byte-codec.ts';
import type { EnvelopeVersion, ShareHeader } from './envelope.ts';

const secretLabel = utf8ToBytes('keyrite/share/v1/secret-commitment\0');
const shareLabelV1 = utf8ToBytes('keyrite/share/v1/share-commitment\0');
const shareLabelV2 = utf8ToBytes('keyrite/share/v2/share-commitment\0');

/** The header fields a version 2 share commitment covers (everything but the seal: KDF, salt, nonce). */
export type CommittedFields = Pick<ShareHeader, 'ceremonyId' | 'setId' | 'keyId' | 'keyLabel' | 'keyFingerprint' | 'custodian' | 'index' | 'threshold' | 'total' | 'secretLength' | 'secretCommitment' | 'createdAt'>;

export function secretCommitment(secret: Uint8Array, setId: Uint8Array): Uint8Array {
  return hmac(sha256, secret, concatBytes(secretLabel, setId));
}

/**
 * The share commitment of docs/formats/share.md §3.2 for an envelope of
 * `version` (2 unless reading an older share). `libraryShare` is the share
 * exactly as the Shamir library returns it: y values then the x byte. The
 * share is hashed in place, never copied.
 */
export function shareCommitment(fields: CommittedFields, libraryShare: Uint8Array, version: EnvelopeVersion = 2): Uint8Array {
  const hash = sha256.create();
  if (version === 1) {
    hash.update(shareLabelV1).update(fields.setId).update(Uint8Array.of(fields.index));
  } else {
    const w = new Writer();
    const text = (s: string): void => {
      // Lengths are one byte: refuse rather than wrap (the envelope allows at most 128 bytes anyway).
      if (utf8ToBytes(s).length > 255) throw new RangeError('A share header text field is longer than 255 bytes.');
      w.text(s);
    };
    text(fields.ceremonyId);
    w.bytes(fields.setId);
    text(fields.keyId);
    text(fields.keyLabel);
    if (fields.keyFingerprint.length > 255) throw new RangeError('A key fingerprint is longer than 255 bytes.');
    w.u8(fields.keyFingerprint.length);
    w.bytes(fields.keyFingerprint);
    text(fields.custodian);
    w.u8(fields.index);
    w.u8(fields.threshold);
    w.u8(fields.total);
    w.u16(fields.secretLength);
    w.bytes(fields.secretCommitment);
    w.u64(fields.createdAt);
    hash.update(shareLabelV2).update(w.done());
  }
  return hash.update(libraryShare).digest();
}

/** Constant-time equality for commitments and tags (lengths are public). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
