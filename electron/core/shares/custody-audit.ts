/**
 * A custody audit: a custodian shows they still hold their share and its
 * passphrase, without the key being rebuilt. Their share is opened
 * (Argon2id, authenticated decryption), its value is hashed and compared with
 * the share commitment in its header and, when given, the one the transcript
 * recorded at split time. Nothing is combined; the value is wiped at once.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { equalBytes, shareCommitment } from '../../../shared/shares/commitments.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { PRODUCTION_KDF_POLICY } from './kdf.ts';
import type { KdfPolicy, KdfProgressListener } from './kdf.ts';
import { nameOf, openShare } from './seal.ts';
import { readShareInput } from './share-input.ts';
import type { ShareInput } from './share-input.ts';
import { scrub } from './scrub.ts';

export interface CustodyAuditOptions {
  /** The share commitment the transcript recorded for this set and index. */
  recordedShareCommitment?: Uint8Array;
  /** The set the audit is about (from the transcript). */
  expectedSetId?: string;
  kdfPolicy?: KdfPolicy;
  onKdfProgress?: KdfProgressListener;
}

export interface CustodyAuditResult {
  verified: true;
  /** "share 143 of set 8f2c1a9e…, held by Alice: verified" */
  statement: string;
  setId: string;
  index: number;
  custodian: string;
  shareCommitment: string;
}

/** Verifies one share; throws a ShareRejection naming it otherwise. Always wipes `passphrase`. */
export async function auditCustody(input: ShareInput, passphrase: SecretBytes, options: CustodyAuditOptions = {}): Promise<CustodyAuditResult> {
  let value: Uint8Array | undefined;
  try {
    const parsed = readShareInput(input);
    const { header } = parsed;
    const name = nameOf(input.name, header);
    const setId = bytesToHex(header.setId);
    if (options.expectedSetId !== undefined && options.expectedSetId !== setId) {
      throw new ShareRejection('SHARE_OTHER_SET', name, `it belongs to set ${setId.slice(0, 8)}…, not the audited set ${options.expectedSetId.slice(0, 8)}….`);
    }
    if (options.recordedShareCommitment !== undefined && !equalBytes(options.recordedShareCommitment, header.shareCommitment)) {
      throw new ShareRejection('SHARE_NOT_RECORDED', name, 'it is not the share the transcript recorded for this custodian.');
    }
    value = await openShare(parsed, input.name, passphrase, options.kdfPolicy ?? PRODUCTION_KDF_POLICY, options.onKdfProgress);
    const recomputed = shareCommitment(header.setId, header.index, value);
    if (!equalBytes(recomputed, header.shareCommitment)) throw new ShareRejection('SHARE_VALUE_MISMATCH', name, 'its value does not match its commitment.');
    return {
      verified: true,
      statement: `share ${header.index} of set ${setId.slice(0, 8)}…, held by ${header.custodian}: verified`,
      setId, index: header.index, custodian: header.custodian, shareCommitment: bytesToHex(recomputed),
    };
  } finally {
    scrub.bytes(value);
    passphrase.wipe();
  }
}
