/**
 * Splitting a secret into N sealed shares, any M of which rebuild it
 * (Shamir over GF(2^8) by `shamir-secret-sharing`, wrapped: the envelope,
 * the commitments and every check are ours).
 */
import { combine, split } from 'shamir-secret-sharing';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { equalBytes, secretCommitment } from '../../../shared/shares/commitments.ts';
import { checkHeaderFields, MAX_SECRET_BYTES, MIN_SECRET_BYTES, SET_ID_BYTES } from '../../../shared/shares/envelope.ts';
import type { ShareHeader } from '../../../shared/shares/envelope.ts';
import { ShareSetError } from '../../../shared/shares/share-rejection.ts';
import { PRODUCTION_KDF } from './kdf.ts';
import type { KdfCost, KdfProgressListener } from './kdf.ts';
import { freshRandom, sealShare } from './seal.ts';
import type { HeaderWithoutSeal } from './seal.ts';
import { scrub } from './scrub.ts';

export interface Custodian {
  name: string;
  /** Consumed: wiped when split returns or throws. */
  passphrase: SecretBytes;
}

export interface SplitRequest {
  ceremonyId: string;
  key: { id: string; label: string; fingerprint: Uint8Array };
  threshold: number;
  /** One share per custodian, in this order: N = custodians.length. */
  custodians: Custodian[];
  createdAt?: Date;
  /** Defaults to PRODUCTION_KDF; anything else only in tests. */
  kdf?: KdfCost;
  /** Called per custodian as their passphrase is stretched. */
  onKdfProgress?: (custodian: number, progress: Parameters<KdfProgressListener>[0]) => void;
  /** Stops the split between or during the KDFs (rejects with its reason); nothing sealed so far is returned. */
  signal?: AbortSignal;
}

export interface SealedShare {
  custodian: string;
  index: number;
  header: ShareHeader;
  /** Public: record it in the transcript for custody audits. */
  shareCommitment: string;
  envelope: Uint8Array;
}

export interface ShareSet {
  setId: string;
  ceremonyId: string;
  threshold: number;
  total: number;
  /** Public: authenticates the rebuilt secret. */
  secretCommitment: string;
  shares: SealedShare[];
}

/**
 * Splits `secret` (16 to 8192 bytes; read, not wiped) among the custodians.
 * Checks itself before returning: the first and last M shares must rebuild
 * the secret exactly.
 */
export async function splitSecret(secret: SecretBytes, request: SplitRequest): Promise<ShareSet> {
  const library: Uint8Array[] = [];
  try {
    const total = request.custodians.length;
    const m = request.threshold;
    if (!Number.isInteger(m) || m < 2 || total < m || total > 255) {
      throw new ShareSetError('SHARE_POLICY_INVALID', `A share policy needs 2 <= M <= N <= 255; got M=${String(m)}, N=${total}.`);
    }
    if (secret.length < MIN_SECRET_BYTES || secret.length > MAX_SECRET_BYTES) {
      throw new ShareSetError('SHARE_POLICY_INVALID', `Only secrets of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes can be split; this one has ${secret.length}.`);
    }
    const names = new Set(request.custodians.map((c) => c.name));
    if (names.size !== total) throw new ShareSetError('SHARE_POLICY_INVALID', 'Each share must go to a different custodian.');
    const setId = freshRandom(SET_ID_BYTES);
    const createdAt = (request.createdAt ?? new Date()).getTime();
    const commitment = secret.expose((bytes) => secretCommitment(bytes, setId));
    const fieldsFor = (custodian: string, index: number): HeaderWithoutSeal => ({
      ceremonyId: request.ceremonyId, setId, keyId: request.key.id, keyLabel: request.key.label,
      keyFingerprint: request.key.fingerprint, custodian, index, threshold: m, total,
      secretLength: secret.length, secretCommitment: commitment, createdAt,
    });
    // Refuse bad names before any work, with the reason.
    for (const custodian of request.custodians) {
      const problem = checkHeaderFields({ ...fieldsFor(custodian.name, 1), shareCommitment: commitment, kdf: { ...PRODUCTION_KDF, salt: setId }, nonce: new Uint8Array(24) });
      if (problem !== undefined) throw new ShareSetError('SHARE_POLICY_INVALID', `Cannot make the share set: ${problem}.`);
    }
    library.push(...(await secret.expose((bytes) => split(bytes, total, m))));
    await selfCheck(secret, library, m);
    const shares: SealedShare[] = [];
    for (const [i, custodian] of request.custodians.entries()) {
      const value = library[i] as Uint8Array;
      const index = value[value.length - 1] ?? 0;
      const onProgress = request.onKdfProgress;
      const { header, envelope } = await sealShare(value, fieldsFor(custodian.name, index), custodian.passphrase, request.kdf ?? PRODUCTION_KDF,
        onProgress === undefined ? undefined : (p) => onProgress(i, p), request.signal);
      shares.push({ custodian: custodian.name, index, header, shareCommitment: bytesToHex(header.shareCommitment), envelope });
    }
    return { setId: bytesToHex(setId), ceremonyId: request.ceremonyId, threshold: m, total, secretCommitment: bytesToHex(commitment), shares };
  } finally {
    scrub.bytes(...library);
    for (const custodian of request.custodians) custodian.passphrase.wipe();
  }
}

/**
 * The library is trusted to split, but checked: two different M-subsets must
 * give back the secret. The copies handed to the library and what it returns
 * are wiped on every path, a throwing library included.
 */
async function selfCheck(secret: SecretBytes, library: Uint8Array[], m: number): Promise<void> {
  for (const subset of [library.slice(0, m), library.slice(-m)]) {
    const copies = subset.map((s) => s.slice());
    let back: Uint8Array | undefined;
    try {
      back = await combine(copies);
      const rebuilt = back;
      if (!secret.expose((bytes) => equalBytes(bytes, rebuilt))) throw new ShareSetError('SHARE_REBUILD_MISMATCH', 'The split did not rebuild its own secret; nothing was written.');
    } finally {
      scrub.bytes(back, ...copies);
    }
  }
}
