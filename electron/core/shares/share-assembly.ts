/**
 * The set of opened shares a rebuild is gathering, and the checks SLIP-39
 * asks of a set (same set id, distinct indices, index never 0, threshold from
 * the authenticated data, a digest that catches a fabricated or mixed set).
 *
 * The Shamir library is called only with exactly M distinct shares that
 * passed every check, and its result is returned only if it matches the
 * secret commitment: the library itself checks nothing (FACTS.md).
 */
import { combine } from 'shamir-secret-sharing';
import { bytesToHex } from '@noble/hashes/utils.js';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { equalBytes, secretCommitment } from '../../../shared/shares/commitments.ts';
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

export interface AssemblyOptions {
  ceremonyId: string;
  /** The set the ceremony expects (from its transcript); without it the first share decides. */
  expectedSetId?: Uint8Array;
  /** Share commitments recorded in the transcript at split time, by index. */
  recordedShareCommitments?: ReadonlyMap<number, Uint8Array>;
}

export interface RebuildProgress {
  accepted: number;
  /** From the first accepted share's authenticated header; null before any. */
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
}

/** The most subsets tried before giving up: bounds time when many shares are presented. */
export const MAX_SUBSETS = 2000;

/** The set-wide fields that every share of one split carries identically. */
const setFields = ['keyId', 'keyLabel', 'keyFingerprint', 'threshold', 'total', 'secretLength', 'secretCommitment', 'createdAt'] as const;

export class ShareAssembly {
  readonly #options: AssemblyOptions;
  #shares: OpenedShare[] = [];

  constructor(options: AssemblyOptions) {
    this.#options = options;
  }

  /** Throws a ShareRejection if `header` cannot join the set; needs no key, so it runs before the KDF too. */
  check(header: ShareHeader, name: ShareName): void {
    const refuse = (code: ConstructorParameters<typeof ShareRejection>[0], why: string): never => {
      throw new ShareRejection(code, name, why);
    };
    if (header.index === 0) refuse('SHARE_INDEX_ZERO', 'its index is 0, which no share may have.');
    if (header.ceremonyId !== this.#options.ceremonyId) refuse('SHARE_OTHER_CEREMONY', `it belongs to ceremony "${header.ceremonyId}", not this one.`);
    const expected = this.#options.expectedSetId ?? this.#shares[0]?.header.setId;
    if (expected !== undefined && !equalBytes(header.setId, expected)) {
      refuse('SHARE_OTHER_SET', `it belongs to share set ${bytesToHex(header.setId).slice(0, 8)}…, not ${bytesToHex(expected).slice(0, 8)}….`);
    }
    const first = this.#shares[0];
    if (first !== undefined) {
      for (const field of setFields) {
        const a = header[field];
        const b = first.header[field];
        const same = a instanceof Uint8Array && b instanceof Uint8Array ? equalBytes(a, b) : a === b;
        if (!same) refuse('SHARE_INCONSISTENT', `its ${field} differs from that of share ${describeShare(first.name)}.`);
      }
    }
    const twin = this.#shares.find((s) => s.header.index === header.index);
    if (twin !== undefined) {
      refuse('SHARE_DUPLICATE', equalBytes(twin.header.shareCommitment, header.shareCommitment)
        ? `it was already accepted as ${describeShare(twin.name)}.`
        : `share ${describeShare(twin.name)} already has index ${header.index}.`);
    }
    if (first !== undefined && this.#shares.length >= first.header.total) refuse('SHARE_INCONSISTENT', `the set has only ${first.header.total} shares and all were already accepted.`);
    const recorded = this.#options.recordedShareCommitments;
    if (recorded !== undefined) {
      const commitment = recorded.get(header.index);
      if (commitment === undefined || !equalBytes(commitment, header.shareCommitment)) {
        refuse('SHARE_NOT_RECORDED', 'it is not one of the shares the transcript recorded when the set was made.');
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
    return {
      accepted: this.#shares.length,
      threshold: first?.threshold ?? null,
      total: first?.total ?? null,
      setId: first === undefined ? null : bytesToHex(first.setId),
      shares: this.#shares.map((s) => ({ index: s.header.index, custodian: s.header.custodian, source: s.name.source })),
      ready: first !== undefined && this.#shares.length >= first.threshold,
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
    const m = first?.header.threshold ?? 0;
    if (first === undefined || this.#shares.length < m) {
      throw new ShareSetError('SHARE_BELOW_THRESHOLD', `Only ${this.#shares.length} of the ${m || 'required'} shares have been accepted; the key cannot be rebuilt yet.`);
    }
    let tried = 0;
    for (const subset of subsetsOf(this.#shares.length, m)) {
      if (++tried > MAX_SUBSETS) break;
      const chosen = subset.map((i) => this.#shares[i] as OpenedShare);
      const secret = await combineVerified(chosen, first.header);
      if (secret === undefined) continue;
      const badShares: ShareName[] = [];
      for (const other of this.#shares) {
        if (chosen.includes(other)) continue;
        const check = await combineVerified([...chosen.slice(1), other], first.header);
        if (check === undefined) badShares.push(other.name);
        else check.wipe();
      }
      return { secret, setId: bytesToHex(first.header.setId), header: first.header, usedIndices: chosen.map((s) => s.header.index), badShares };
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
async function combineVerified(shares: OpenedShare[], header: ShareHeader): Promise<SecretBytes | undefined> {
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
