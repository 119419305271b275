/**
 * Done-when: 10,000 single-byte or single-bit corruptions of one share give
 * 0 silent wrong rebuilds, and every one is refused naming the share.
 *
 * Three layers, cheapest first, each with the corruption a different
 * adversary can make:
 *  A. damage in transit (the file's bytes): caught by format/CRC-32/header
 *     checks before any KDF. 10,000 runs against a session holding M-1
 *     shares sealed with the PRODUCTION parameters: no derivation may happen.
 *  B. damage behind a recomputed checksum (a forger who cannot seal): caught
 *     by the AEAD tag over header and value. 2,000 runs with the clearly
 *     named INSECURE_TEST_KDF, plus a sample with the production parameters.
 *  C. a custodian who knows their passphrase and re-seals a corrupted value
 *     or index: only the secret commitment can catch it. 10,000 runs on the
 *     assembly (opened shares, no KDF): M shares → refused, never a key;
 *     M+1 shares → the right key and the bad share named.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import { shareCommitment } from '../../../shared/shares/commitments.ts';
import { assembleEnvelope, indexOffset, parseEnvelope } from '../../../shared/shares/envelope.ts';
import { describeShare } from '../../../shared/shares/share-rejection.ts';
import { INSECURE_TEST_KDF_POLICY, kdfStats, PRODUCTION_KDF, PRODUCTION_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { openShare } from './seal.ts';
import { ShareAssembly } from './share-assembly.ts';
import type { OpenedShare } from './share-assembly.ts';
import type { ShareSet } from './split.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';
import { toArmour } from './armour.ts';

const secretHex = testSecret().expose(bytesToHex);
const recrc = (bytes: Uint8Array): Uint8Array => assembleEnvelope(bytes.subarray(0, bytes.length - 4), new Uint8Array());
const file = (name: string, bytes: Uint8Array) => ({ kind: 'file' as const, name, bytes });
const corruption = fc.record({ at: fc.nat(), bit: fc.boolean(), x: fc.integer({ min: 1, max: 255 }), b: fc.nat(7) });
const corrupt = (bytes: Uint8Array, c: { at: number; bit: boolean; x: number; b: number }, limit = bytes.length): { bad: Uint8Array; at: number } => {
  const bad = bytes.slice();
  const at = c.at % limit;
  bad[at] = (bad[at] ?? 0) ^ (c.bit ? 1 << c.b : c.x);
  return { bad, at };
};

describe('A. 10,000 corruptions of a share file are refused before any KDF (production parameters)', () => {
  let set: ShareSet;
  beforeAll(async () => {
    set = await testSplit({ m: 3, n: 4, kdf: PRODUCTION_KDF });
  });

  it('refuses every one naming the file, leaves the session unchanged, then rebuilds the right key', async () => {
    const session = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: PRODUCTION_KDF_POLICY });
    for (const i of [0, 1]) {
      const share = set.shares[i];
      if (share === undefined) throw new Error('fixture');
      expect((await session.accept(file(`${share.custodian}.share`, share.envelope), passphraseOf(share.custodian))).accepted).toBe(true);
    }
    const victim = set.shares[2];
    if (victim === undefined) throw new Error('fixture');
    const envelope = victim.envelope;
    const { headerBytes, header } = parseEnvelope(envelope, 'x');
    const indexAt = indexOffset(header);
    const regions = { header: 0, index: 0, value: 0, checksum: 0 };
    const derivationsBefore = kdfStats.derivations;
    let runs = 0;
    await fc.assert(fc.asyncProperty(corruption, async (c) => {
      runs++;
      const { bad, at } = corrupt(envelope, c);
      if (at === indexAt) regions.index++;
      else if (at < headerBytes.length) regions.header++;
      else if (at < envelope.length - 4) regions.value++;
      else regions.checksum++;
      const outcome = await session.accept(file('Chiamaka.share', bad), passphraseOf('Chiamaka'));
      if (outcome.accepted) return false;
      expect(outcome.rejection.code).toMatch(/^SHARE_/u);
      expect(outcome.rejection.share.source).toBe('Chiamaka.share');
      expect(outcome.rejection.message).toContain('"Chiamaka.share"');
      return outcome.progress.accepted === 2;
    }), { numRuns: 10_000 });
    expect(runs).toBe(10_000);
    expect(kdfStats.derivations).toBe(derivationsBefore);
    expect(Object.values(regions).every((n) => n > 0)).toBe(true);
    expect(indexAt).toBeGreaterThan(0);
    expect(envelope[indexAt]).toBe(victim.index);

    // The armoured text: one changed character anywhere.
    const armour = new TextEncoder().encode(toArmour(envelope));
    await fc.assert(fc.asyncProperty(corruption, async (c) => {
      const { bad } = corrupt(armour, { ...c, bit: true, b: c.b % 7 });
      const outcome = await session.accept(file('Chiamaka.share', bad), passphraseOf('Chiamaka'));
      return !outcome.accepted && outcome.rejection.share.source === 'Chiamaka.share';
    }), { numRuns: 1000 });
    expect(kdfStats.derivations).toBe(derivationsBefore);

    expect((await session.accept(file('Chiamaka.share', envelope), passphraseOf('Chiamaka'))).accepted).toBe(true);
    const rebuilt = await session.rebuild();
    if (!rebuilt.ok) throw rebuilt.error;
    expect(rebuilt.rebuilt.secret.expose(bytesToHex)).toBe(secretHex);
  }, 120_000);
});

describe('B. corruptions behind a recomputed checksum are refused by the AEAD tag', () => {
  const run = async (set: ShareSet, runs: number, policy: typeof PRODUCTION_KDF_POLICY): Promise<void> => {
    const session = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: policy });
    for (const share of set.shares.slice(0, 2)) await session.accept(file(share.custodian, share.envelope), passphraseOf(share.custodian));
    const victim = set.shares[2];
    if (victim === undefined) throw new Error('fixture');
    await fc.assert(fc.asyncProperty(corruption, async (c) => {
      const { bad } = corrupt(victim.envelope, c, victim.envelope.length - 4);
      const outcome = await session.accept(file('forged', recrc(bad)), passphraseOf(victim.custodian));
      return !outcome.accepted && outcome.rejection.share.source === 'forged' && outcome.progress.accepted === 2;
    }), { numRuns: runs });
    await session.accept(file(victim.custodian, victim.envelope), passphraseOf(victim.custodian));
    const rebuilt = await session.rebuild();
    expect(rebuilt.ok && rebuilt.rebuilt.secret.expose(bytesToHex)).toBe(secretHex);
  };

  it('2,000 runs with INSECURE_TEST_KDF', async () => {
    await run(await testSplit({ m: 3, n: 3 }), 2000, INSECURE_TEST_KDF_POLICY);
  }, 60_000);

  it('12 runs with the production parameters', async () => {
    await run(await testSplit({ m: 3, n: 3, kdf: PRODUCTION_KDF }), 12, PRODUCTION_KDF_POLICY);
  }, 120_000);
});

describe('C. 10,000 re-sealed corruptions (value or index) never rebuild a wrong key', () => {
  let opened: OpenedShare[];
  let set: ShareSet;
  beforeAll(async () => {
    set = await testSplit({ m: 3, n: 4 });
    opened = [];
    for (const share of set.shares) {
      const parsed = parseEnvelope(share.envelope, share.custodian);
      const value = await openShare(parsed, share.custodian, passphraseOf(share.custodian), INSECURE_TEST_KDF_POLICY);
      opened.push({ name: { source: share.custodian }, header: parsed.header, value });
    }
  });
  const copy = (s: OpenedShare): OpenedShare => ({ ...s, value: s.value.slice() });

  it('M shares: refused; M+1 shares: the right key and the bad share named; recorded commitments: refused on arrival', async () => {
    const recorded = new Map(set.shares.map((s) => [s.index, s.header.shareCommitment]));
    let silent = 0;
    await fc.assert(fc.asyncProperty(corruption, async (c) => {
      const [a, b, victim, spare] = opened.map(copy) as [OpenedShare, OpenedShare, OpenedShare, OpenedShare];
      const { bad } = corrupt(victim.value, c);
      const index = bad[bad.length - 1] ?? 0;
      const forged: OpenedShare = {
        name: { source: 'resealed' },
        header: { ...victim.header, index, shareCommitment: shareCommitment({ ...victim.header, index }, bad) },
        value: bad,
      };
      const withRecord = new ShareAssembly({ ceremonyId: TEST_CEREMONY, recordedShareCommitments: recorded });
      withRecord.admit(copy(a));
      expect(() => withRecord.admit(copy(forged))).toThrow(/resealed/u);

      const assembly = new ShareAssembly({ ceremonyId: TEST_CEREMONY });
      assembly.admit(a);
      assembly.admit(b);
      try {
        assembly.admit(forged);
      } catch (error) {
        // Index moved onto another share's, or to 0: refused on arrival, named.
        expect(String(error)).toContain('"resealed"');
        return true;
      }
      const m = await assembly.rebuild().then((r) => {
        if (r.secret.expose(bytesToHex) !== secretHex) silent++;
        return 'rebuilt';
      }, (error: { code: string }) => error.code);
      expect(m).toBe('SHARE_REBUILD_MISMATCH');
      if (spare.header.index === index) {
        // The forgery took the spare's index first: the real share is refused, and the message points at the conflict.
        expect(() => assembly.admit(spare)).toThrow(/share "resealed" already has index/u);
        return true;
      }
      assembly.admit(spare);
      const r = await assembly.rebuild();
      expect(r.secret.expose(bytesToHex)).toBe(secretHex);
      expect(r.badShares.map(describeShare)).toEqual(['"resealed"']);
      return true;
    }), { numRuns: 10_000 });
    expect(silent).toBe(0);
  }, 120_000);
});
