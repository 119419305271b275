/**
 * A custody audit: a custodian shows they still hold their share and its
 * passphrase, without the key being rebuilt. Their share is opened
 * (Argon2id, authenticated decryption), its value is hashed and compared with
 * the share commitment the transcript recorded at split time. Nothing is
 * combined; the value is wiped at once.
 *
 * The recorded commitment is required: a header is authenticated only under
 * the custodian's own passphrase, so a custodian who lost their share could
 * otherwise seal any value under copied public header fields and be told
 * "verified". The commitment is a hash of the value itself, which they no
 * longer have (and, for a version 2 share, of its ceremony, custodian, M, N
 * and secret commitment: re-sealed under another name it no longer matches).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { equalBytes, shareCommitment } from '../../../shared/shares/commitments.ts';
import { COMMITMENT_BYTES } from '../../../shared/shares/envelope.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { PRODUCTION_KDF_POLICY } from './kdf.ts';
import type { KdfPolicy, KdfProgressListener } from './kdf.ts';
import { nameOf, openShare } from './seal.ts';
import { readShareInput } from './share-input.ts';
import type { ShareInput } from './share-input.ts';
import { scrub } from './scrub.ts';

export interface CustodyAuditOptions {
  /** The share commitment the transcript recorded for this set and index. Required: without it the audit is refused (SHARE_RECORD_MISSING). */
  recordedShareCommitment: Uint8Array;
  /** The set the audit is about (from the transcript), hex. */
  expectedSetId?: string;
  /** The ceremony that made the set (from the transcript); the share's header must name it. */
  expectedCeremonyId?: string;
  /** The custodian the transcript recorded for this share; the share's header must name them. */
  expectedCustodian?: string;
  kdfPolicy?: KdfPolicy;
  onKdfProgress?: KdfProgressListener;
  /** Stops the KDF (rejects with its reason). */
  signal?: AbortSignal;
}

export interface CustodyAuditResult {
  verified: true;
  /** "share 143 of set 8f2c1a9e…, held by Alice: verified" */
  statement: string;
  setId: string;
  ceremonyId: string;
  index: number;
  custodian: string;
  shareCommitment: string;
}

/** Verifies one share; throws a ShareRejection naming it otherwise. Always wipes `passphrase`. */
export async function auditCustody(input: ShareInput, passphrase: SecretBytes, options: CustodyAuditOptions): Promise<CustodyAuditResult> {
  let value: Uint8Array | undefined;
  try {
    // Checked at run time too: a caller outside the type checker must not get a "verified" on the header's word.
    const recorded = (options as Partial<CustodyAuditOptions> | undefined)?.recordedShareCommitment;
    if (!(recorded instanceof Uint8Array) || recorded.length !== COMMITMENT_BYTES) {
      throw new ShareRejection('SHARE_RECORD_MISSING', { source: input.name }, 'the share commitment the transcript recorded for it was not given, so custody cannot be proven.');
    }
    const parsed = readShareInput(input);
    const { header } = parsed;
    const name = nameOf(input.name, header);
    const setId = bytesToHex(header.setId);
    if (options.expectedSetId !== undefined && options.expectedSetId !== setId) {
      throw new ShareRejection('SHARE_OTHER_SET', name, `it belongs to set ${setId.slice(0, 8)}…, not the audited set ${options.expectedSetId.slice(0, 8)}….`, 'setId');
    }
    if (!equalBytes(recorded, header.shareCommitment)) {
      throw new ShareRejection('SHARE_NOT_RECORDED', name, 'it is not the share the transcript recorded for this custodian.', 'shareCommitment');
    }
    if (options.expectedCeremonyId !== undefined && options.expectedCeremonyId !== header.ceremonyId) {
      throw new ShareRejection('SHARE_OTHER_CEREMONY', name, `it names ceremony "${header.ceremonyId}", not "${options.expectedCeremonyId}", which made the audited set.`, 'ceremonyId');
    }
    if (options.expectedCustodian !== undefined && options.expectedCustodian !== header.custodian) {
      throw new ShareRejection('SHARE_NOT_RECORDED', name, `it names ${header.custodian} as its custodian, but the transcript recorded it for ${options.expectedCustodian}.`, 'custodian');
    }
    value = await openShare(parsed, input.name, passphrase, options.kdfPolicy ?? PRODUCTION_KDF_POLICY, options.onKdfProgress, options.signal);
    const recomputed = shareCommitment(header, value, parsed.version);
    if (!equalBytes(recomputed, recorded)) throw new ShareRejection('SHARE_VALUE_MISMATCH', name, 'its value does not match its commitment.');
    return {
      verified: true,
      statement: `share ${header.index} of set ${setId.slice(0, 8)}…, held by ${header.custodian}: verified`,
      setId, ceremonyId: header.ceremonyId, index: header.index, custodian: header.custodian, shareCommitment: bytesToHex(recomputed),
    };
  } finally {
    scrub.bytes(value);
    passphrase.wipe();
  }
}
