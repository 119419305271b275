/** Done-when: for every 2 <= M <= N <= 10, every M-subset of the N shares rebuilds the same secret (through the whole session). */
import { describe, it, expect } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { INSECURE_TEST_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';

function* subsets(n: number, m: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === m) {
    yield chosen;
    return;
  }
  for (let i = start; i < n; i++) yield* subsets(n, m, i + 1, [...chosen, i]);
}

describe('every M-subset rebuilds the secret, 2 <= M <= N <= 10', () => {
  it('rebuilds the same secret from each of the 1,981 subsets', async () => {
    let count = 0;
    for (let n = 2; n <= 10; n++) {
      for (let m = 2; m <= n; m++) {
        const seed = n * 16 + m;
        const expected = testSecret(17 + n, seed).expose(bytesToHex);
        const set = await testSplit({ m, n, secret: testSecret(17 + n, seed) });
        expect(new Set(set.shares.map((s) => s.index)).size).toBe(n);
        for (const subset of subsets(n, m)) {
          const session = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY });
          for (const i of [...subset].reverse()) {
            const share = set.shares[i];
            if (share === undefined) throw new Error('fixture');
            const outcome = await session.accept({ kind: 'file', name: share.custodian, bytes: share.envelope }, passphraseOf(share.custodian));
            if (!outcome.accepted) throw outcome.rejection;
          }
          const result = await session.rebuild();
          if (!result.ok) throw result.error;
          expect(result.rebuilt.secret.expose(bytesToHex)).toBe(expected);
          result.rebuilt.secret.wipe();
          count++;
        }
      }
    }
    expect(count).toBe(1981);
  }, 120_000);
});
