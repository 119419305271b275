/**
 * Done-when: below threshold, another set or ceremony, a duplicate, index 0,
 * a forged share with a correct-looking header, a wrong passphrase, a
 * truncated, empty, oversized or garbage file: each refused with its own
 * error, bounded in time and memory. One describe per threat.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { split } from 'shamir-secret-sharing';
import { assembleEnvelope, encodeHeader, indexOffset, parseEnvelope } from '../../../shared/shares/envelope.ts';
import { INSECURE_TEST_KDF, INSECURE_TEST_KDF_POLICY, kdfStats, PRODUCTION_KDF, PRODUCTION_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import type { AcceptOutcome } from './rebuild-session.ts';
import { sealShare } from './seal.ts';
import type { ShareSet } from './split.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';
import { toArmour } from './armour.ts';
import { toPaperForm } from '../../../shared/shares/paper-form.ts';

let set: ShareSet;
let other: ShareSet;
let otherCeremony: ShareSet;
beforeAll(async () => {
  set = await testSplit({ m: 3, n: 5 });
  other = await testSplit({ m: 3, n: 5 });
  otherCeremony = await testSplit({ m: 3, n: 5, ceremonyId: 'another-ceremony' });
});

const share = (s: ShareSet, i: number) => {
  const found = s.shares[i];
  if (found === undefined) throw new Error('fixture');
  return found;
};
const session = (options: Partial<ConstructorParameters<typeof RebuildSession>[0]> = {}): RebuildSession =>
  new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY, ...options });
const give = (s: RebuildSession, from: ShareSet, i: number, name = share(from, i).custodian, bytes = share(from, i).envelope): Promise<AcceptOutcome> =>
  s.accept({ kind: 'file', name, bytes }, passphraseOf(share(from, i).custodian));
const refusal = (outcome: AcceptOutcome): string => (outcome.accepted ? 'accepted' : outcome.rejection.code);
const recrc = (bytes: Uint8Array): Uint8Array => assembleEnvelope(bytes.subarray(0, bytes.length - 4), new Uint8Array());

describe('threat: rebuilding below the threshold', () => {
  it('refuses to combine M-1 shares', async () => {
    const s = session();
    await give(s, set, 0);
    await give(s, set, 1);
    const result = await s.rebuild();
    expect(result.ok ? 'rebuilt' : result.error.code).toBe('SHARE_BELOW_THRESHOLD');
  });
});

describe('threat: mixing sets and ceremonies', () => {
  it('refuses a share of another set of the same ceremony, naming it', async () => {
    const s = session();
    await give(s, set, 0);
    const outcome = await give(s, other, 1, 'stray.share');
    expect(refusal(outcome)).toBe('SHARE_OTHER_SET');
    expect(outcome.accepted ? '' : outcome.rejection.message).toMatch(/^Share "stray\.share" \(share \d+ of set [0-9a-f]{8}…, held by Bob\) was refused/u);
  });

  it('refuses a share from another ceremony', async () => {
    expect(refusal(await give(session(), otherCeremony, 0))).toBe('SHARE_OTHER_CEREMONY');
  });

  it('refuses the first share already when the transcript names the set', async () => {
    const s = session({ expectedSetId: set.shares[0]?.header.setId ?? new Uint8Array() });
    expect(refusal(await give(s, other, 0))).toBe('SHARE_OTHER_SET');
  });
});

describe('threat: presenting a share twice', () => {
  it('refuses the duplicate, as a file and typed from paper', async () => {
    const s = session();
    await give(s, set, 2);
    expect(refusal(await give(s, set, 2, 'again.share'))).toBe('SHARE_DUPLICATE');
    const words = toPaperForm(share(set, 2).envelope).map((l) => l.join(' ')).join('\n');
    const typed = await s.accept({ kind: 'words', name: 'typed by Chiamaka', words }, passphraseOf('Chiamaka'));
    expect(refusal(typed)).toBe('SHARE_DUPLICATE');
    expect(s.progress().accepted).toBe(1);
  });
});

describe('threat: index 0 (the library would hand out that share as the secret)', () => {
  it('refuses a well-formed envelope whose index is 0, before any KDF', async () => {
    const parsed = parseEnvelope(share(set, 0).envelope, 'x');
    const headerBytes = parsed.headerBytes.slice();
    headerBytes[indexOffset(parsed.header)] = 0;
    const before = kdfStats.derivations;
    const outcome = await give(session(), set, 0, 'zero.share', assembleEnvelope(headerBytes, parsed.sealed));
    expect(refusal(outcome)).toBe('SHARE_INDEX_ZERO');
    expect(kdfStats.derivations).toBe(before);
  });
});

describe('threat: a forged share with a correct-looking header', () => {
  // The forger copies Alice's header, picks an unused index, a random value, and seals it with their own passphrase.
  const forge = async (): Promise<Uint8Array> => {
    const real = share(set, 0).header;
    const used = new Set(set.shares.map((s) => s.index));
    const index = [...Array(255).keys()].map((i) => i + 1).find((i) => !used.has(i)) ?? 1;
    const value = (await split(new Uint8Array(32).fill(0xee), 2, 2))[0] ?? new Uint8Array();
    value[value.length - 1] = index;
    const { envelope } = await sealShare(value, { ...real, custodian: 'Mallory', index }, passphraseOf('Mallory'), INSECURE_TEST_KDF);
    return envelope;
  };
  const giveForged = async (s: RebuildSession): Promise<AcceptOutcome> => s.accept({ kind: 'file', name: 'mallory.share', bytes: await forge() }, passphraseOf('Mallory'));

  it('is refused on arrival when the transcript recorded the set', async () => {
    const s = session({ recordedShareCommitments: new Map(set.shares.map((x) => [x.index, x.header.shareCommitment])) });
    expect(refusal(await giveForged(s))).toBe('SHARE_NOT_RECORDED');
  });

  it('never yields a key with M shares, and is named with M+1', async () => {
    const s = session();
    await give(s, set, 0);
    await give(s, set, 1);
    expect(refusal(await giveForged(s))).toBe('accepted');
    const m = await s.rebuild();
    expect(m.ok ? 'rebuilt' : m.error.code).toBe('SHARE_REBUILD_MISMATCH');
    await give(s, set, 3);
    const r = await s.rebuild();
    if (!r.ok) throw r.error;
    expect(r.rebuilt.secret.expose(bytesToHex)).toBe(testSecret().expose(bytesToHex));
    expect(r.rebuilt.badShares.map((b) => b.source)).toEqual(['mallory.share']);
  });
});

describe('threat: a wrong passphrase (production parameters)', () => {
  it('is refused by the AEAD tag, and the session stays as it was', async () => {
    const real = await testSplit({ m: 2, n: 2, kdf: PRODUCTION_KDF });
    const s = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: PRODUCTION_KDF_POLICY });
    const outcome = await s.accept({ kind: 'file', name: 'alice.share', bytes: share(real, 0).envelope }, passphraseOf('Bob'));
    expect(refusal(outcome)).toBe('SHARE_WRONG_PASSPHRASE');
    expect(s.progress().accepted).toBe(0);
  }, 30_000);
});

describe('threat: damaged, empty, oversized and garbage files', () => {
  it('gives each its own error without deriving a key', async () => {
    const s = session();
    const good = share(set, 0).envelope;
    const armour = new TextEncoder().encode(toArmour(good));
    const before = kdfStats.derivations;
    const cases: [string, Uint8Array, string][] = [
      ['truncated binary', good.subarray(0, good.length - 7), 'SHARE_TRUNCATED'],
      ['truncated armour', armour.subarray(0, armour.length - 40), 'SHARE_TRUNCATED'],
      ['empty', new Uint8Array(), 'SHARE_EMPTY'],
      ['oversized', new Uint8Array(64 * 1024 * 1024).fill(0x41), 'SHARE_TOO_LARGE'],
      ['garbage', Uint8Array.from({ length: 500 }, (_, i) => (i * 7919) & 0xff), 'SHARE_NOT_A_SHARE'],
      ['damaged', (() => { const b = good.slice(); b[100] = (b[100] ?? 0) ^ 0x10; return b; })(), 'SHARE_CHECKSUM_MISMATCH'],
      ['future version', (() => { const b = good.slice(); b[4] = 9; return recrc(b); })(), 'SHARE_VERSION_UNSUPPORTED'],
    ];
    for (const [name, bytes, code] of cases) {
      const outcome = await s.accept({ kind: 'file', name, bytes }, passphraseOf('Alice'));
      expect([name, refusal(outcome)]).toEqual([name, code]);
      expect(outcome.accepted ? '' : outcome.rejection.share.source).toBe(name);
    }
    expect(kdfStats.derivations).toBe(before);
  });

  it('refuses a header that asks for more memory than Keyrite will spend, before deriving', async () => {
    const parsed = parseEnvelope(share(set, 0).envelope, 'x');
    const costly = encodeHeader({ ...parsed.header, kdf: { ...parsed.header.kdf, memoryKiB: 0xffffffff } });
    const before = kdfStats.derivations;
    expect(refusal(await give(session(), set, 0, 'greedy', assembleEnvelope(costly, parsed.sealed)))).toBe('SHARE_KDF_TOO_COSTLY');
    expect(kdfStats.derivations).toBe(before);
  });

  it('refuses a share sealed with the test KDF under the production policy', async () => {
    const s = new RebuildSession({ ceremonyId: TEST_CEREMONY });
    expect(refusal(await give(s, set, 0))).toBe('SHARE_KDF_TOO_WEAK');
  });
});

describe('threat: a paper form typed back with a mistake', () => {
  it('names the word, suggests the printed one, and derives no key until the words check', async () => {
    const lines = toPaperForm(share(set, 1).envelope);
    const printed = lines[3]?.[5] ?? '';
    const typo = lines.map((l, i) => (i === 3 ? l.map((w, j) => (j === 5 ? (w === 'abandon' ? 'ability' : 'abandon') : w)) : l));
    const before = kdfStats.derivations;
    const outcome = await session().accept({ kind: 'words', name: 'typed by Bob', words: typo.map((l) => l.join(' ')).join('\n') }, passphraseOf('Bob'));
    expect(refusal(outcome)).toBe('SHARE_WORD_MISTYPED');
    expect(outcome.accepted ? '' : outcome.rejection.message).toContain(`word 6 of line 4`);
    expect(outcome.accepted ? '' : outcome.rejection.message).toContain(`Did you mean "${printed}"?`);
    expect(kdfStats.derivations).toBe(before);
  });
});
