/**
 * The set of opened shares a rebuild is gathering, and the checks SLIP-39
 * asks of a set (same set id, distinct indices, index never 0, threshold from
 * the authenticated data, a digest that catches a fabricated or mixed set).
 *
 * The Shamir library is called only with exactly M distinct shares that
 * passed every check, and its result is returned only if it matches the
 * secret commitment: the library itself checks nothing (FACTS.md).
 *
 * Where M, N and the secret commitment come from matters. A share header is
 * authenticated only under its own custodian's passphrase, so a custodian can
 * re-seal their genuine share value under any header they like; two colluding
 * custodians of a 3-of-5 set can combine their values into some W and re-seal
 * both under headers saying M = 2 and a commitment to W. Only the set as the
 * transcript recorded it at split time (`recordedSet`) defeats that: every
 * share is then checked against the record on arrival, and the rebuild uses
 * the record's M and commitment. Without it the first accepted share's header
 * decides, and the result says so (`authenticatedBy: 'share-headers'`).
 */
import { combine } from 'shamir-secret-sharing';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { equalBytes, secretCommitment } from '../../../shared/shares/commitments.ts';
import { COMMITMENT_BYTES, SET_ID_BYTES } from '../../../shared/shares/envelope.ts';
import type { ShareHeader } from '../../../shared/shares/envelope.ts';
import { describeShare, ShareRejection, ShareSetError } from '../../../shared/shares/share-rejection.ts';
import type { ShareName } from '../../../shared/shares/share-rejection.ts';
import { scrub } from './scrub.ts';

export interface OpenedShare {
  name: ShareName;
  header: ShareHeader;
  /** The library share (value || x), owned by the assembly once admitted; wiped on reset. */
  value: Uint8Array;
}

/** A share set as the transcript recorded it at split time (splitSecret's ShareSet, public values only). */
export interface RecordedSet {
  setId: Uint8Array;
  threshold: number;
  total: number;
  /** The secret commitment (docs/formats/share.md §3.1). */
  secretCommitment: Uint8Array;
  /** Every share's commitment (§3.2), by index: exactly `total` entries. */
  shareCommitments: ReadonlyMap<number, Uint8Array>;
}

/**
 * A RecordedSet from the hex values a transcript holds (splitSecret's
 * ShareSet has exactly these fields). Throws a ShareSetError
 * (SHARE_RECORD_INVALID) if a value is not hex; the rest is checked when a
 * session is made with it.
 */
export function recordedSetOf(record: { setId: string; threshold: number; total: number; secretCommitment: string; shares: readonly { index: number; shareCommitment: string }[] }): RecordedSet {
  try {
    return {
      setId: hexToBytes(record.setId), threshold: record.threshold, total: record.total, secretCommitment: hexToBytes(record.secretCommitment),
      shareCommitments: new Map(record.shares.map((s) => [s.index, hexToBytes(s.shareCommitment)])),
    };
  } catch (error) {
    throw new ShareSetError('SHARE_RECORD_INVALID', 'The recorded share set cannot be used: a set id or commitment is not hexadecimal.', [], { cause: error });
  }
}

export interface AssemblyOptions {
  ceremonyId: string;
  /**
   * The set as the transcript recorded it. With it, every share must agree
   * with it (set id, M, N, secret commitment, share commitment) and the
   * rebuild is authenticated by the record ('recorded-set'). Any caller that
   * loads the result into an HSM should give it.
   */
  recordedSet?: RecordedSet;
  /** The set the ceremony expects (from its transcript); without it the first share decides. */
  expectedSetId?: Uint8Array;
  /**
   * Share commitments recorded in the transcript at split time, by index.
   * A version 2 commitment covers M, N and the secret commitment, a version 1
   * commitment does not; either way, without `recordedSet` the result says
   * `authenticatedBy: 'share-headers'`.
   */
  recordedShareCommitments?: ReadonlyMap<number, Uint8Array>;
}

export interface RebuildProgress {
  accepted: number;
  /** From the recorded set when given; otherwise from the first accepted share's header, null before any. */
  threshold: number | null;
  total: number | null;
  setId: string | null;
  shares: { index: number; custodian: string; source: string }[];
  ready: boolean;
}

export interface Rebuilt {
  secret: SecretBytes;
  setId: string;
  header: ShareHeader;
  /** Indices of the M shares that rebuilt it. */
  usedIndices: number[];
  /** Shares that were accepted but do not agree with the rebuilt secret (found by trying subsets). */
  badShares: ShareName[];
  /**
   * What M and the secret commitment the result was checked against came from:
   * 'recorded-set', the transcript's record of the set (AssemblyOptions.recordedSet);
   * 'share-headers', the shares' own headers, which custodians who collude can
   * rewrite. Load into an HSM only a result authenticated by 'recorded-set'.
   */
  authenticatedBy: 'recorded-set' | 'share-headers';
}

/** The most subsets tried before giving up: bounds time when many shares are presented. */
export const MAX_SUBSETS = 2000;

/** The set-wide fields that every share of one split carries identically. */
const setFields = ['keyId', 'keyLabel', 'keyFingerprint', 'threshold', 'total', 'secretLength', 'secretCommitment', 'createdAt'] as const;

export class ShareAssembly {
  readonly #options: AssemblyOptions;
  #shares: OpenedShare[] = [];

  /** Throws a ShareSetError (SHARE_RECORD_INVALID) if the recorded set is malformed or contradicts the other options. */
  constructor(options: AssemblyOptions) {
    checkRecordedSet(options);
    // A private copy of the record: a caller that changes theirs later cannot loosen the checks.
    const record = options.recordedSet;
    this.#options = record === undefined ? { ...options } : {
      ...options,
      recordedSet: { ...record, setId: record.setId.slice(), secretCommitment: record.secretCommitment.slice(), shareCommitments: new Map([...record.shareCommitments].map(([i, c]) => [i, c.slice()])) },
    };
  }

  /** Throws a ShareRejection if `header` cannot join the set; needs no key, so it runs before the KDF too. */
  check(header: ShareHeader, name: ShareName): void {
    const refuse = (code: ConstructorParameters<typeof ShareRejection>[0], why: string, field?: string): never => {
      throw new ShareRejection(code, name, why, field);
    };
    if (header.index === 0) refuse('SHARE_INDEX_ZERO', 'its index is 0, which no share may have.');
    if (header.ceremonyId !== this.#options.ceremonyId) refuse('SHARE_OTHER_CEREMONY', `it belongs to ceremony "${header.ceremonyId}", not this one.`, 'ceremonyId');
    const record = this.#options.recordedSet;
    const expected = record?.setId ?? this.#options.expectedSetId ?? this.#shares[0]?.header.setId;
    if (expected !== undefined && !equalBytes(header.setId, expected)) {
      refuse('SHARE_OTHER_SET', `it belongs to share set ${bytesToHex(header.setId).slice(0, 8)}…, not ${bytesToHex(expected).slice(0, 8)}….`, 'setId');
    }
    if (record !== undefined) {
      const disagree = (field: 'threshold' | 'total' | 'secretCommitment' | 'shareCommitment', why: string): never => {
        throw new ShareRejection('SHARE_NOT_RECORDED', name, `its ${why}; it is not a share the transcript recorded when the set was made.`, field);
      };
      if (header.threshold !== record.threshold) disagree('threshold', `header says any ${header.threshold} shares rebuild the key, but the transcript recorded ${record.threshold}`);
      if (header.total !== record.total) disagree('total', `header says the set has ${header.total} shares, but the transcript recorded ${record.total}`);
      if (!equalBytes(header.secretCommitment, record.secretCommitment)) disagree('secretCommitment', 'secret commitment differs from the one the transcript recorded');
      const commitment = record.shareCommitments.get(header.index);
      if (commitment === undefined) disagree('shareCommitment', `index ${header.index} is not one the transcript recorded`);
      else if (!equalBytes(commitment, header.shareCommitment)) disagree('shareCommitment', `share commitment differs from the one the transcript recorded for index ${header.index}`);
    }
    const first = this.#shares[0];
    if (first !== undefined) {
      for (const field of setFields) {
        const a = header[field];
        const b = first.header[field];
        const same = a instanceof Uint8Array && b instanceof Uint8Array ? equalBytes(a, b) : a === b;
        if (!same) refuse('SHARE_INCONSISTENT', `its ${field} differs from that of share ${describeShare(first.name)}.`, field);
      }
    }
    const twin = this.#shares.find((s) => s.header.index === header.index);
    if (twin !== undefined) {
      refuse('SHARE_DUPLICATE', equalBytes(twin.header.shareCommitment, header.shareCommitment)
        ? `it was already accepted as ${describeShare(twin.name)}.`
        : `share ${describeShare(twin.name)} already has index ${header.index}.`);
    }
    const total = record?.total ?? first?.header.total;
    if (total !== undefined && this.#shares.length >= total) refuse('SHARE_INCONSISTENT', `the set has only ${total} shares and all were already accepted.`);
    const recorded = this.#options.recordedShareCommitments;
    if (recorded !== undefined) {
      const commitment = recorded.get(header.index);
      if (commitment === undefined || !equalBytes(commitment, header.shareCommitment)) {
        throw new ShareRejection('SHARE_NOT_RECORDED', name, 'it is not one of the shares the transcript recorded when the set was made.', 'shareCommitment');
      }
    }
  }

  /** Checks and takes ownership of an opened share. On refusal the caller still owns (and wipes) it. */
  admit(share: OpenedShare): RebuildProgress {
    this.check(share.header, share.name);
    if (share.value.length !== share.header.secretLength + 1 || share.value[share.value.length - 1] !== share.header.index) {
      throw new ShareRejection('SHARE_VALUE_MISMATCH', share.name, 'its value does not match its header.');
    }
    this.#shares.push(share);
    return this.progress();
  }

  progress(): RebuildProgress {
    const first = this.#shares[0]?.header;
    const record = this.#options.recordedSet;
    const threshold = record?.threshold ?? first?.threshold ?? null;
    const setId = record?.setId ?? first?.setId;
    return {
      accepted: this.#shares.length,
      threshold,
      total: record?.total ?? first?.total ?? null,
      setId: setId === undefined ? null : bytesToHex(setId),
      shares: this.#shares.map((s) => ({ index: s.header.index, custodian: s.header.custodian, source: s.name.source })),
      ready: threshold !== null && this.#shares.length >= threshold,
    };
  }

  /** Wipes every accepted share and starts over. */
  reset(): void {
    for (const share of this.#shares) scrub.bytes(share.value);
    this.#shares = [];
  }

  /**
   * Rebuilds the secret from M shares and returns it only if it matches the
   * commitment. With more than M shares, tries M-subsets until one matches and
   * names every accepted share that disagrees with the result.
   */
  async rebuild(): Promise<Rebuilt> {
    const first = this.#shares[0];
    const record = this.#options.recordedSet;
    const m = record?.threshold ?? first?.header.threshold ?? 0;
    if (first === undefined || this.#shares.length < m) {
      throw new ShareSetError('SHARE_BELOW_THRESHOLD', `Only ${this.#shares.length} of the ${m || 'required'} shares have been accepted; the key cannot be rebuilt yet.`);
    }
    let tried = 0;
    for (const subset of subsetsOf(this.#shares.length, m)) {
      if (++tried > MAX_SUBSETS) break;
      const chosen = subset.map((i) => this.#shares[i] as OpenedShare);
      // With a record, M and the commitment are the record's (every share was checked to agree on arrival).
      const expect: Expected = record === undefined ? first.header : { setId: record.setId, secretLength: first.header.secretLength, secretCommitment: record.secretCommitment };
      const secret = await combineVerified(chosen, expect);
      if (secret === undefined) continue;
      const badShares: ShareName[] = [];
      for (const other of this.#shares) {
        if (chosen.includes(other)) continue;
        const check = await combineVerified([...chosen.slice(1), other], expect);
        if (check === undefined) badShares.push(other.name);
        else check.wipe();
      }
      return {
        secret, setId: bytesToHex(expect.setId), header: first.header, usedIndices: chosen.map((s) => s.header.index), badShares,
        authenticatedBy: record === undefined ? 'share-headers' : 'recorded-set',
      };
    }
    const names = this.#shares.map((s) => s.name);
    throw new ShareSetError('SHARE_REBUILD_MISMATCH', this.#shares.length === m
      ? `These ${m} shares combine into a key that does not match the set's commitment, so at least one of them is wrong; present one more share and Keyrite will find which: ${names.map(describeShare).join(', ')}.`
      : `No ${m} of these ${this.#shares.length} shares combine into the committed key: ${names.map(describeShare).join(', ')}.`, names);
  }
}

/**
 * Combines exactly the given shares and returns the result only if it matches
 * the commitment; wipes it otherwise.
 * WARNING: the library keeps y values in its own scratch arrays, which we
 * cannot wipe; they are unreferenced when it returns.
 */
async function combineVerified(shares: OpenedShare[], header: Expected): Promise<SecretBytes | undefined> {
  const copies = shares.map((s) => s.value.slice());
  let result: Uint8Array | undefined;
  try {
    result = await combine(copies);
    if (result.length !== header.secretLength || !equalBytes(secretCommitment(result, header.setId), header.secretCommitment)) return undefined;
    return SecretBytes.adopt(result);
  } finally {
    scrub.bytes(result, ...copies);
  }
}

/** What a combined result must match. */
type Expected = Pick<ShareHeader, 'setId' | 'secretLength' | 'secretCommitment'>;

/** A recorded set must be well formed and agree with the older options when both are given. */
function checkRecordedSet(options: AssemblyOptions): void {
  const record = options.recordedSet;
  if (record === undefined) return;
  const invalid = (why: string): never => {
    throw new ShareSetError('SHARE_RECORD_INVALID', `The recorded share set cannot be used: ${why}.`);
  };
  const isInt = (n: number, min: number, max: number): boolean => Number.isInteger(n) && n >= min && n <= max;
  if (record.setId.length !== SET_ID_BYTES) invalid(`its set id is not ${SET_ID_BYTES} bytes`);
  if (!isInt(record.threshold, 2, 255) || !isInt(record.total, record.threshold, 255)) invalid(`it needs 2 <= M <= N <= 255, and says M=${String(record.threshold)}, N=${String(record.total)}`);
  if (record.secretCommitment.length !== COMMITMENT_BYTES) invalid(`its secret commitment is not ${COMMITMENT_BYTES} bytes`);
  if (record.shareCommitments.size !== record.total) invalid(`it lists ${record.shareCommitments.size} share commitments for a set of ${record.total}`);
  for (const [index, commitment] of record.shareCommitments) {
    if (!isInt(index, 1, 255)) invalid(`it lists a share with index ${String(index)}`);
    if (commitment.length !== COMMITMENT_BYTES) invalid(`the commitment it lists for index ${index} is not ${COMMITMENT_BYTES} bytes`);
  }
  if (options.expectedSetId !== undefined && !equalBytes(options.expectedSetId, record.setId)) invalid('the expected set id is not the recorded set\'s');
  const older = options.recordedShareCommitments;
  if (older !== undefined) {
    const same = older.size === record.shareCommitments.size && [...older].every(([index, c]) => {
      const r = record.shareCommitments.get(index);
      return r !== undefined && equalBytes(r, c);
    });
    if (!same) invalid('the recorded share commitments differ from the recorded set\'s');
  }
}

/** M-subsets of 0..n-1 in lexicographic order (arrival order first). */
function* subsetsOf(n: number, m: number): Generator<number[]> {
  const pick = Array.from({ length: m }, (_, i) => i);
  for (;;) {
    yield pick.slice();
    let i = m - 1;
    while (i >= 0 && pick[i] === n - m + i) i--;
    if (i < 0) return;
    pick[i] = (pick[i] ?? 0) + 1;
    for (let j = i + 1; j < m; j++) pick[j] = (pick[j - 1] ?? 0) + 1;
  }
}
