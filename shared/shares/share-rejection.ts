/**
 * Why a share was refused, and which share it was. Every refusal names the
 * share in words a custodian recognises (the file they handed over, and what
 * its header claims once it could be read), and never carries a secret.
 */
import { KeyriteError } from '../result.ts';

export const shareErrorCodes = [
  'SHARE_EMPTY',
  'SHARE_TOO_LARGE',
  'SHARE_NOT_A_SHARE',
  'SHARE_VERSION_UNSUPPORTED',
  'SHARE_TRUNCATED',
  'SHARE_MALFORMED',
  'SHARE_CHECKSUM_MISMATCH',
  'SHARE_WORD_UNKNOWN',
  'SHARE_WORD_MISTYPED',
  'SHARE_WORD_COUNT',
  'SHARE_INDEX_ZERO',
  'SHARE_KDF_TOO_WEAK',
  'SHARE_KDF_TOO_COSTLY',
  'SHARE_WRONG_PASSPHRASE',
  'SHARE_VALUE_MISMATCH',
  'SHARE_OTHER_CEREMONY',
  'SHARE_OTHER_SET',
  'SHARE_INCONSISTENT',
  'SHARE_DUPLICATE',
  'SHARE_NOT_RECORDED',
  'SHARE_RECORD_MISSING',
  'SHARE_RECORD_INVALID',
  'SHARE_BELOW_THRESHOLD',
  'SHARE_REBUILD_MISMATCH',
  'SHARE_POLICY_INVALID',
  'SHARE_FILE_EXISTS',
  'SHARE_PATH_ESCAPE',
  'SHARE_WRITE_NOT_VERIFIED',
  'SHARE_MEDIUM_FAILED',
  'SHARE_SESSION_CLOSED',
] as const;
export type ShareErrorCode = (typeof shareErrorCodes)[number];

/** What is known about a share when it is refused. */
export interface ShareName {
  /** Where it came from, as the custodian handed it over: a file name or "typed share 2". */
  source: string;
  /** What its header says, once the header could be read (before authentication: a claim). */
  claimed?: { index: number; setId: string; custodian: string };
}

export function describeShare(name: ShareName): string {
  if (name.claimed === undefined) return `"${name.source}"`;
  const { index, setId, custodian } = name.claimed;
  return `"${name.source}" (share ${index} of set ${setId.slice(0, 8)}…, held by ${custodian})`;
}

export class ShareRejection extends KeyriteError {
  declare readonly code: ShareErrorCode;
  readonly share: ShareName;
  /** The header field that caused the refusal, when one did (e.g. 'threshold' disagreeing with the transcript's record). */
  readonly field: string | undefined;
  constructor(code: ShareErrorCode, share: ShareName, why: string, field?: string) {
    super(code, `Share ${describeShare(share)} was refused: ${why}`);
    this.name = 'ShareRejection';
    this.share = share;
    this.field = field;
  }
}

/** A refusal about the set as a whole (too few shares, a rebuild that does not match). */
export class ShareSetError extends KeyriteError {
  declare readonly code: ShareErrorCode;
  /** The shares involved, when the error concerns some of them. */
  readonly shares: readonly ShareName[];
  constructor(code: ShareErrorCode, message: string, shares: readonly ShareName[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ShareSetError';
    this.shares = shares;
  }
}
