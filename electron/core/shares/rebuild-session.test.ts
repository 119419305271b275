import { describe, it, expect } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { INSECURE_TEST_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';
import type { ShareSet } from './split.ts';
import { toArmour } from './armour.ts';

const session = (set?: ShareSet): RebuildSession => new RebuildSession({
  ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY,
  ...(set === undefined ? {} : { recordedShareCommitments: new Map(set.shares.map((s) => [s.index, s.header.shareCommitment])) }),
});
const fileOf = (set: ShareSet, i: number) => ({ kind: 'file' as const, name: `${set.shares[i]?.custodian ?? ''}.share`, bytes: new TextEncoder().encode(toArmour(set.shares[i]?.envelope ?? new Uint8Array())) });
const passOf = (set: ShareSet, i: number) => passphraseOf(set.shares[i]?.custodian ?? '');

describe('rebuild session', () => {
  it('accepts shares one at a time in any order, reports k of M, rebuilds the secret', async () => {
    const set = await testSplit({ m: 3, n: 5 });
    const s = session();
    const order = [4, 1, 2];
    for (const [k, i] of order.entries()) {
      const outcome = await s.accept(fileOf(set, i), passOf(set, i));
      expect(outcome.accepted).toBe(true);
      expect(outcome.progress).toMatchObject({ accepted: k + 1, threshold: 3, total: 5, setId: set.setId, ready: k === 2 });
    }
    const result = await s.rebuild();
    if (!result.ok) throw result.error;
    expect(result.rebuilt.secret.expose(bytesToHex)).toBe(testSecret().expose(bytesToHex));
    expect(result.rebuilt.usedIndices).toEqual(order.map((i) => set.shares[i]?.index));
  });

  it('reset forgets every accepted share', async () => {
    const set = await testSplit({ m: 2, n: 3 });
    const s = session();
    await s.accept(fileOf(set, 0), passOf(set, 0));
    s.reset();
    expect(s.progress()).toMatchObject({ accepted: 0, threshold: null });
    const below = await s.rebuild();
    expect(below.ok ? 'rebuilt' : below.error.code).toBe('SHARE_BELOW_THRESHOLD');
  });
});

describe('rebuild session, driven by an impatient UI', () => {
  it('refuses a second share while one is being checked, and drops a share whose check outlived a reset', async () => {
    const set = await testSplit({ m: 2, n: 3 });
    const s = session();
    const first = s.accept(fileOf(set, 0), passOf(set, 0));
    const second = await s.accept(fileOf(set, 1), passOf(set, 1));
    expect(second.accepted ? 'accepted' : second.rejection.code).toBe('SHARE_SESSION_CLOSED');
    const third = await s.accept(fileOf(set, 2), passOf(set, 2));
    expect(third.accepted ? 'accepted' : third.rejection.code).toBe('SHARE_SESSION_CLOSED');
    expect((await first).accepted).toBe(true);

    const pending = s.accept(fileOf(set, 1), passOf(set, 1));
    s.reset();
    const dropped = await pending;
    expect(dropped.accepted ? 'accepted' : dropped.rejection.code).toBe('SHARE_SESSION_CLOSED');
    expect(s.progress().accepted).toBe(0);
  });

  it('is closed after a successful rebuild', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const s = session(set);
    await s.accept(fileOf(set, 0), passOf(set, 0));
    await s.accept(fileOf(set, 1), passOf(set, 1));
    expect((await s.rebuild()).ok).toBe(true);
    const after = await s.accept(fileOf(set, 0), passOf(set, 0));
    expect(after.accepted ? 'accepted' : after.rejection.code).toBe('SHARE_SESSION_CLOSED');
  });
});
