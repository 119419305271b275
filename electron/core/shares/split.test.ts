import { describe, it, expect } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { parseEnvelope } from '../../../shared/shares/envelope.ts';
import { INSECURE_TEST_KDF, INSECURE_TEST_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { splitSecret } from './split.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';

const rebuildFrom = async (set: Awaited<ReturnType<typeof testSplit>>, picks: number[], names: (i: number) => string): Promise<string> => {
  const s = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY });
  for (const i of picks) {
    const share = set.shares[i];
    if (share === undefined) throw new Error('fixture');
    const outcome = await s.accept({ kind: 'file', name: share.custodian, bytes: share.envelope }, passphraseOf(names(i)));
    if (!outcome.accepted) throw outcome.rejection;
  }
  const r = await s.rebuild();
  if (!r.ok) throw r.error;
  return r.rebuilt.secret.expose(bytesToHex);
};

describe('split', () => {
  it('splits secrets of 16, 64 and 8,192 bytes (a wrapped key) and rebuilds them', async () => {
    for (const length of [16, 64, 8192]) {
      const set = await testSplit({ m: 2, n: 3, secret: testSecret(length) });
      expect(parseEnvelope(set.shares[0]?.envelope ?? new Uint8Array(), 'x').header.secretLength).toBe(length);
      expect(await rebuildFrom(set, [2, 0], (i) => set.shares[i]?.custodian ?? '')).toBe(testSecret(length).expose(bytesToHex));
    }
  });

  it('gives each custodian their own share: index = the x byte, distinct, never 0; header says M, N and the custodian', async () => {
    const set = await testSplit({ m: 3, n: 5 });
    expect(set.shares.map((s) => s.custodian)).toEqual(['Alice', 'Bob', 'Chiamaka', 'Dmitri', 'Eun-ji']);
    expect(new Set(set.shares.map((s) => s.index)).size).toBe(5);
    for (const share of set.shares) {
      const { header } = parseEnvelope(share.envelope, 'x');
      expect(header).toMatchObject({ index: share.index, threshold: 3, total: 5, custodian: share.custodian, ceremonyId: TEST_CEREMONY });
      expect(share.index).toBeGreaterThan(0);
    }
  });

  it('handles N = 255 (the format limit)', async () => {
    const names = Array.from({ length: 255 }, (_, i) => `custodian ${i + 1}`);
    const set = await splitSecret(testSecret(), {
      ceremonyId: TEST_CEREMONY, key: { id: 'k', label: '', fingerprint: new Uint8Array(1) }, threshold: 2, kdf: INSECURE_TEST_KDF,
      custodians: names.map((name) => ({ name, passphrase: passphraseOf(name) })),
    });
    expect(new Set(set.shares.map((s) => s.index)).size).toBe(255);
    expect(await rebuildFrom(set, [254, 17], (i) => names[i] ?? '')).toBe(testSecret().expose(bytesToHex));
  });

  it('refuses bad policies and sizes with SHARE_POLICY_INVALID, and wipes the passphrases anyway', async () => {
    const attempt = async (threshold: number, n: number, secret: SecretBytes, dupe = false): Promise<[string, boolean]> => {
      const custodians = Array.from({ length: n }, (_, i) => ({ name: dupe ? 'Same' : `C${i}`, passphrase: passphraseOf(`C${i}`) }));
      const code = await splitSecret(secret, { ceremonyId: TEST_CEREMONY, key: { id: 'k', label: '', fingerprint: new Uint8Array(1) }, threshold, custodians, kdf: INSECURE_TEST_KDF })
        .then(() => 'ok', (e: { code?: string }) => e.code ?? 'thrown');
      return [code, custodians.every((c) => c.passphrase.wiped)];
    };
    expect(await attempt(1, 3, testSecret())).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(4, 3, testSecret())).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(2, 256, testSecret())).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(2, 3, testSecret(15))).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(2, 3, testSecret(8193))).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(2, 3, testSecret(), true)).toEqual(['SHARE_POLICY_INVALID', true]);
    expect(await attempt(2, 3, testSecret())).toEqual(['ok', true]);
  });
});
