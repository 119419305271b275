/**
 * Sealing and opening one share (docs/formats/share.md §4): the library
 * share (value || x) encrypted with XChaCha20-Poly1305 (draft-irtf-cfrg-
 * xchacha §2) under Argon2id(passphrase, salt), with the whole header bytes
 * as associated data, so that no header field (index, threshold, set id,
 * commitments, KDF cost...) can change without the tag failing.
 *
 * The tag only proves that whoever knew the passphrase wrote the header: a
 * custodian can re-seal their own value under any header. What they cannot
 * change without it showing is the share commitment the transcript recorded
 * (version 2 covers the header's public fields, §3.2).
 */
import { randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { shareCommitment, equalBytes } from '../../../shared/shares/commitments.ts';
import { assembleEnvelope, encodeHeader, ENVELOPE_VERSION, NONCE_BYTES, SALT_BYTES } from '../../../shared/shares/envelope.ts';
import type { ParsedEnvelope, ShareHeader } from '../../../shared/shares/envelope.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import type { ShareName } from '../../../shared/shares/share-rejection.ts';
import { bytesToHex } from '@noble/hashes/utils.js';
import { deriveShareKey, judgeKdfCost, PRODUCTION_KDF_POLICY } from './kdf.ts';
import type { KdfCost, KdfPolicy, KdfProgressListener } from './kdf.ts';
import { scrub } from './scrub.ts';

/** Fresh, unpooled random bytes (crypto.randomBytes may return a slice of a shared pool). */
export function freshRandom(length: number): Uint8Array {
  const pooled = randomBytes(length);
  const out = new Uint8Array(length);
  out.set(pooled);
  scrub.bytes(pooled);
  return out;
}

export type HeaderWithoutSeal = Omit<ShareHeader, 'kdf' | 'nonce' | 'shareCommitment'>;

/**
 * Seals `libraryShare` for one custodian. Reads but does not wipe the share
 * and the passphrase (their owner does); wipes the derived key.
 */
export async function sealShare(libraryShare: Uint8Array, fields: HeaderWithoutSeal, passphrase: SecretBytes, cost: KdfCost, onProgress?: KdfProgressListener, signal?: AbortSignal): Promise<{ header: ShareHeader; envelope: Uint8Array }> {
  const header: ShareHeader = {
    ...fields,
    shareCommitment: shareCommitment(fields, libraryShare, ENVELOPE_VERSION),
    kdf: { ...cost, salt: freshRandom(SALT_BYTES) },
    nonce: freshRandom(NONCE_BYTES),
  };
  const headerBytes = encodeHeader(header, ENVELOPE_VERSION);
  const key = await deriveShareKey(passphrase, header.kdf, onProgress, signal);
  try {
    const sealed = xchacha20poly1305(key, header.nonce, headerBytes).encrypt(libraryShare);
    return { header, envelope: assembleEnvelope(headerBytes, sealed) };
  } finally {
    scrub.bytes(key);
  }
}

export const nameOf = (source: string, header: ShareHeader): ShareName => ({
  source,
  claimed: { index: header.index, setId: bytesToHex(header.setId), custodian: header.custodian },
});

/**
 * Opens a parsed envelope: KDF cost checked against `policy` before any
 * derivation, then authenticated decryption, then the x byte and the share
 * commitment checked against the header. Returns the library share in a
 * fresh array the caller owns and wipes. Does not wipe the passphrase.
 */
export async function openShare(parsed: ParsedEnvelope, source: string, passphrase: SecretBytes, policy: KdfPolicy = PRODUCTION_KDF_POLICY, onProgress?: KdfProgressListener, signal?: AbortSignal): Promise<Uint8Array> {
  const { version, header, headerBytes, sealed } = parsed;
  const name = nameOf(source, header);
  const judged = judgeKdfCost(header.kdf, policy);
  if (judged === 'weak') throw new ShareRejection('SHARE_KDF_TOO_WEAK', name, `it was sealed with a weaker passphrase protection than the ${policy.name} policy allows.`);
  if (judged === 'costly') throw new ShareRejection('SHARE_KDF_TOO_COSTLY', name, 'its passphrase protection asks for more memory or time than Keyrite will spend.');
  const key = await deriveShareKey(passphrase, header.kdf, onProgress, signal);
  let plain: Uint8Array | undefined;
  try {
    try {
      plain = xchacha20poly1305(key, header.nonce, headerBytes).decrypt(sealed);
    } catch {
      throw new ShareRejection('SHARE_WRONG_PASSPHRASE', name, 'the passphrase is wrong, or the share was altered after it was sealed.');
    }
    // Defence in depth: the tag already binds these; a mismatch means a
    // writer that sealed inconsistent fields, never a typo.
    if (plain[plain.length - 1] !== header.index || !equalBytes(shareCommitment(header, plain, version), header.shareCommitment)) {
      throw new ShareRejection('SHARE_VALUE_MISMATCH', name, 'its sealed value does not match its own header.');
    }
    const out = plain;
    plain = undefined;
    return out;
  } finally {
    scrub.bytes(key, plain);
  }
}
