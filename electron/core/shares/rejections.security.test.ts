/**
 * Done-when: below threshold, another set or ceremony, a duplicate, index 0,
 * a forged share with a correct-looking header, a wrong passphrase, a
 * truncated, empty, oversized or garbage file: each refused with its own
 * error, bounded in time and memory. One describe per threat.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { combine, split } from 'shamir-secret-sharing';
import { assembleEnvelope, encodeHeader, indexOffset, parseEnvelope } from '../../../shared/shares/envelope.ts';
import { deriveShareKey, INSECURE_TEST_KDF, INSECURE_TEST_KDF_POLICY, kdfStats, PRODUCTION_KDF, PRODUCTION_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import type { AcceptOutcome } from './rebuild-session.ts';
import { openShare, sealShare } from './seal.ts';
import type { HeaderWithoutSeal } from './seal.ts';
import { recordedSetOf } from './share-assembly.ts';
import { auditCustody } from './custody-audit.ts';
import type { CustodyAuditOptions } from './custody-audit.ts';
import { secretCommitment, shareCommitment } from '../../../shared/shares/commitments.ts';
import type { EnvelopeVersion, ShareHeader } from '../../../shared/shares/envelope.ts';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
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

/** The public fields of a header, as a custodian re-sealing their own share would start from. */
const fieldsOf = (header: ShareHeader): HeaderWithoutSeal => ({
  ceremonyId: header.ceremonyId, setId: header.setId, keyId: header.keyId, keyLabel: header.keyLabel, keyFingerprint: header.keyFingerprint,
  custodian: header.custodian, index: header.index, threshold: header.threshold, total: header.total,
  secretLength: header.secretLength, secretCommitment: header.secretCommitment, createdAt: header.createdAt,
});
const valueOf = async (from: ShareSet, i: number): Promise<Uint8Array> =>
  openShare(parseEnvelope(share(from, i).envelope, 'x'), 'x', passphraseOf(share(from, i).custodian), INSECURE_TEST_KDF_POLICY);

/** Seals by hand, as any writer of the format could, in either version (the engine writes only the current one). */
const sealAs = async (version: EnvelopeVersion, value: Uint8Array, fields: HeaderWithoutSeal, passphrase: string): Promise<{ envelope: Uint8Array; header: ShareHeader }> => {
  const header: ShareHeader = {
    ...fields, shareCommitment: shareCommitment(fields, value, version),
    kdf: { ...INSECURE_TEST_KDF, salt: crypto.getRandomValues(new Uint8Array(16)) }, nonce: crypto.getRandomValues(new Uint8Array(24)),
  };
  const headerBytes = encodeHeader(header, version);
  const key = await deriveShareKey(passphraseOf(passphrase), header.kdf);
  return { header, envelope: assembleEnvelope(headerBytes, xchacha20poly1305(key, header.nonce, headerBytes).encrypt(value)) };
};

describe('threat: two custodians collude and rewrite M and the secret commitment in their own headers', () => {
  // Alice and Bob of a 3-of-5 set combine their two genuine values into W (not
  // the secret), then re-seal those same values, under their own passphrases,
  // behind headers that say M = 2 and commit to W.
  interface Made { envelopes: Uint8Array[]; commitments: Map<number, Uint8Array> }
  /** The set as an earlier Keyrite (envelope version 1) would have made and recorded it: same values, v1 envelopes. */
  let v1: Made;
  beforeAll(async () => {
    v1 = { envelopes: [], commitments: new Map() };
    for (const i of set.shares.keys()) {
      const sealed = await sealAs(1, await valueOf(set, i), fieldsOf(share(set, i).header), share(set, i).custodian);
      v1.envelopes.push(sealed.envelope);
      v1.commitments.set(sealed.header.index, sealed.header.shareCommitment);
    }
  });
  const collude = async (version: EnvelopeVersion, change: Partial<HeaderWithoutSeal> = {}): Promise<{ envelopes: Uint8Array[]; wrong: string }> => {
    const values = [await valueOf(set, 0), await valueOf(set, 1)];
    const w = await combine(values.map((v) => v.slice()));
    const forged = { threshold: 2, secretCommitment: secretCommitment(w, share(set, 0).header.setId), ...change };
    const envelopes: Uint8Array[] = [];
    for (const [i, value] of values.entries()) envelopes.push((await sealAs(version, value, { ...fieldsOf(share(set, i).header), ...forged }, share(set, i).custodian)).envelope);
    return { envelopes, wrong: bytesToHex(w) };
  };
  const giveFrom = (s: RebuildSession, envelopes: Uint8Array[], i: number): Promise<AcceptOutcome> =>
    s.accept({ kind: 'file', name: `${share(set, i).custodian}.share`, bytes: envelopes[i] ?? new Uint8Array() }, passphraseOf(share(set, i).custodian));
  const olderOptions = (commitments: ReadonlyMap<number, Uint8Array>) => ({ expectedSetId: share(set, 0).header.setId, recordedShareCommitments: commitments });
  const v2Commitments = () => new Map(set.shares.map((x) => [x.index, x.header.shareCommitment]));
  const recordedV1 = () => recordedSetOf({ ...set, shares: set.shares.map((x) => ({ index: x.index, shareCommitment: bytesToHex(v1.commitments.get(x.index) ?? new Uint8Array()) })) });
  const rebuildsWrong = async (s: RebuildSession, wrong: string): Promise<void> => {
    const r = await s.rebuild();
    if (!r.ok) throw r.error;
    expect(r.rebuilt.secret.expose(bytesToHex)).toBe(wrong);
    expect(wrong).not.toBe(testSecret().expose(bytesToHex));
    expect(r.rebuilt.authenticatedBy).toBe('share-headers');
    r.rebuilt.secret.wipe();
  };

  it('the finding, on version 1 shares: ceremony id, set id and v1 share commitments do not stop it; the result is marked share-headers', async () => {
    const { envelopes, wrong } = await collude(1);
    const s = session(olderOptions(v1.commitments));
    expect(refusal(await giveFrom(s, envelopes, 0))).toBe('accepted');
    expect(refusal(await giveFrom(s, envelopes, 1))).toBe('accepted');
    await rebuildsWrong(s, wrong);
  });

  it('with no record but the set id, the headers decide, in either version, and the result says so', async () => {
    const { envelopes, wrong } = await collude(2);
    const s = session({ expectedSetId: share(set, 0).header.setId });
    for (const i of [0, 1]) expect(refusal(await giveFrom(s, envelopes, i))).toBe('accepted');
    await rebuildsWrong(s, wrong);
  });

  it('with the recorded set, each forged share is refused on arrival, naming the field, and the session is unchanged (v1 and v2)', async () => {
    for (const [version, recordedSet] of [[1, recordedV1()], [2, recordedSetOf(set)]] as const) {
      const { envelopes } = await collude(version);
      const s = session({ recordedSet });
      for (const i of [0, 1]) {
        const outcome = await giveFrom(s, envelopes, i);
        if (outcome.accepted) throw new Error('a forged share was accepted');
        expect(outcome.rejection).toMatchObject({ code: 'SHARE_NOT_RECORDED', field: 'threshold', share: { source: `${share(set, i).custodian}.share` } });
        expect(outcome.rejection.message).toMatch(/any 2 shares rebuild the key, but the transcript recorded 3/u);
      }
      expect(s.progress()).toMatchObject({ accepted: 0, threshold: 3, total: 5, setId: set.setId, ready: false });
      const below = await s.rebuild();
      expect(below.ok ? 'rebuilt' : below.error.code).toBe('SHARE_BELOW_THRESHOLD');
    }
  });

  it('version 2 share commitments alone refuse it too: they cover M, N and the secret commitment', async () => {
    const { envelopes } = await collude(2);
    const s = session(olderOptions(v2Commitments()));
    const outcome = await giveFrom(s, envelopes, 0);
    expect(outcome.accepted ? 'accepted' : `${outcome.rejection.code} ${outcome.rejection.field ?? ''}`).toBe('SHARE_NOT_RECORDED shareCommitment');
    // Nor can the colluders fall back to version 1 against a version 2 record.
    const downgraded = await collude(1);
    expect(refusal(await giveFrom(s, downgraded.envelopes, 1))).toBe('SHARE_NOT_RECORDED');
  });

  it('with the recorded set, keeping M but rewriting the commitment or N is refused too, naming that field', async () => {
    const s = session({ recordedSet: recordedSetOf(set) });
    const commitmentOnly = await collude(2, { threshold: 3 });
    const outcome = await giveFrom(s, commitmentOnly.envelopes, 0);
    expect(outcome.accepted ? 'accepted' : outcome.rejection.field).toBe('secretCommitment');
    const totalOnly = await collude(2, { threshold: 3, total: 3, secretCommitment: share(set, 0).header.secretCommitment });
    const second = await giveFrom(s, totalOnly.envelopes, 1);
    expect(second.accepted ? 'accepted' : second.rejection.field).toBe('total');
  });

  it('with the recorded set, genuine shares rebuild the real secret, authenticated by the record (v2, and v1 shares made earlier)', async () => {
    for (const [recordedSet, envelopes] of [[recordedSetOf(set), set.shares.map((x) => x.envelope)], [recordedV1(), v1.envelopes]] as const) {
      const s = session({ recordedSet });
      expect(s.progress()).toMatchObject({ accepted: 0, threshold: 3, ready: false });
      for (const i of [4, 0, 2]) expect(refusal(await giveFrom(s, envelopes, i))).toBe('accepted');
      const r = await s.rebuild();
      if (!r.ok) throw r.error;
      expect(r.rebuilt.secret.expose(bytesToHex)).toBe(testSecret().expose(bytesToHex));
      expect(r.rebuilt.authenticatedBy).toBe('recorded-set');
      r.rebuilt.secret.wipe();
    }
  });

  it('with the recorded set, a share of another set or an unrecorded index is refused before any KDF', async () => {
    const s = session({ recordedSet: recordedSetOf(set) });
    const before = kdfStats.derivations;
    expect(refusal(await give(s, other, 0))).toBe('SHARE_OTHER_SET');
    const used = new Set(set.shares.map((x) => x.index));
    const unused = [...Array(255).keys()].map((i) => i + 1).find((i) => !used.has(i)) ?? 1;
    const unrecorded = recordedSetOf({ ...set, shares: set.shares.map((x, i) => (i === 0 ? { ...x, index: unused } : x)) });
    const outcome = await give(session({ recordedSet: unrecorded }), set, 0);
    expect(outcome.accepted ? 'accepted' : `${outcome.rejection.code} ${outcome.rejection.field ?? ''}`).toBe('SHARE_NOT_RECORDED shareCommitment');
    expect(kdfStats.derivations).toBe(before);
  });

  it('refuses a recorded set that is malformed or contradicts the other options', () => {
    const good = recordedSetOf(set);
    const bad: [string, Partial<ConstructorParameters<typeof RebuildSession>[0]>][] = [
      ['one commitment short', { recordedSet: { ...good, shareCommitments: new Map([...good.shareCommitments].slice(1)) } }],
      ['M above N', { recordedSet: { ...good, threshold: 6 } }],
      ['M of 1', { recordedSet: { ...good, threshold: 1 } }],
      ['short set id', { recordedSet: { ...good, setId: good.setId.slice(1) } }],
      ['short secret commitment', { recordedSet: { ...good, secretCommitment: good.secretCommitment.slice(1) } }],
      ['another expected set', { recordedSet: good, expectedSetId: share(other, 0).header.setId }],
      ['other share commitments', { recordedSet: good, recordedShareCommitments: new Map(other.shares.map((x) => [x.index, x.header.shareCommitment])) }],
    ];
    for (const [what, options] of bad) expect(() => session(options), what).toThrow(expect.objectContaining({ code: 'SHARE_RECORD_INVALID' }));
    expect(() => recordedSetOf({ ...set, secretCommitment: 'not hex' })).toThrow(expect.objectContaining({ code: 'SHARE_RECORD_INVALID' }));
    expect(() => session({ recordedSet: good, ...olderOptions(v2Commitments()) })).not.toThrow();
  });
});

describe('threat: a custodian who lost their share forges one for a custody audit', () => {
  // Bob lost his share. He copies its public header fields (from a photo of
  // the armoured file, or the transcript), picks any value, and seals it
  // under a new passphrase.
  const bob = () => share(set, 1);
  const input = (bytes: Uint8Array) => ({ kind: 'file' as const, name: 'Bob.share', bytes });
  const audit = (bytes: Uint8Array, options: Partial<CustodyAuditOptions>, passphrase = 'Bob-new') =>
    auditCustody(input(bytes), passphraseOf(passphrase), { ...options, kdfPolicy: INSECURE_TEST_KDF_POLICY } as CustodyAuditOptions);
  const anyValue = (): Uint8Array => {
    const value = new Uint8Array(33).fill(0x5a);
    value[32] = bob().index;
    return value;
  };
  const forged = async (): Promise<Uint8Array> => (await sealShare(anyValue(), fieldsOf(bob().header), passphraseOf('Bob-new'), INSECURE_TEST_KDF)).envelope;

  it('is refused without the recorded commitment (the audit will not take the header\'s word), and the passphrase is wiped', async () => {
    const passphrase = passphraseOf('Bob-new');
    await expect(auditCustody(input(await forged()), passphrase, { kdfPolicy: INSECURE_TEST_KDF_POLICY } as CustodyAuditOptions))
      .rejects.toMatchObject({ code: 'SHARE_RECORD_MISSING', share: { source: 'Bob.share' } });
    expect(passphrase.wiped).toBe(true);
    await expect(audit(await forged(), { recordedShareCommitment: new Uint8Array(31) })).rejects.toMatchObject({ code: 'SHARE_RECORD_MISSING' });
  });

  it('is refused against the recorded commitment, with copied fields and any value', async () => {
    await expect(audit(await forged(), { recordedShareCommitment: bob().header.shareCommitment, expectedSetId: set.setId }))
      .rejects.toMatchObject({ code: 'SHARE_NOT_RECORDED', field: 'shareCommitment' });
  });

  it('is refused when even the share commitment field is copied: the value does not hash to it', async () => {
    const header: ShareHeader = { ...fieldsOf(bob().header), shareCommitment: bob().header.shareCommitment, kdf: { ...INSECURE_TEST_KDF, salt: new Uint8Array(16).fill(1) }, nonce: new Uint8Array(24).fill(2) };
    const headerBytes = encodeHeader(header);
    const key = await deriveShareKey(passphraseOf('Bob-new'), header.kdf);
    const envelope = assembleEnvelope(headerBytes, xchacha20poly1305(key, header.nonce, headerBytes).encrypt(anyValue()));
    await expect(audit(envelope, { recordedShareCommitment: bob().header.shareCommitment, expectedSetId: set.setId }))
      .rejects.toMatchObject({ code: 'SHARE_VALUE_MISMATCH' });
  });

  it('the genuine share passes, naming ceremony and custodian; re-sealed under another name or ceremony it is refused', async () => {
    const recorded = { recordedShareCommitment: bob().header.shareCommitment, expectedSetId: set.setId, expectedCeremonyId: TEST_CEREMONY, expectedCustodian: 'Bob' };
    const ok = await audit(bob().envelope, recorded, 'Bob');
    expect(ok).toMatchObject({ verified: true, ceremonyId: TEST_CEREMONY, custodian: 'Bob', index: bob().index, shareCommitment: bob().shareCommitment });
    const value = await valueOf(set, 1);
    // Version 2: the recorded commitment covers custodian and ceremony, so even a caller that names neither refuses these.
    const only = { recordedShareCommitment: bob().header.shareCommitment };
    for (const change of [{ custodian: 'Alice' }, { ceremonyId: 'another-ceremony' }]) {
      const resealed = (await sealShare(value, { ...fieldsOf(bob().header), ...change }, passphraseOf('Bob'), INSECURE_TEST_KDF)).envelope;
      await expect(audit(resealed, only, 'Bob')).rejects.toMatchObject({ code: 'SHARE_NOT_RECORDED', field: 'shareCommitment' });
    }
    // Version 1 (a share made before the change): its commitment does not cover them; the caller's expectations do.
    const v1Record = { ...recorded, recordedShareCommitment: shareCommitment(bob().header, value, 1) };
    const asAlice = (await sealAs(1, value, { ...fieldsOf(bob().header), custodian: 'Alice' }, 'Bob')).envelope;
    await expect(audit(asAlice, v1Record, 'Bob')).rejects.toMatchObject({ code: 'SHARE_NOT_RECORDED', field: 'custodian' });
    const elsewhere = (await sealAs(1, value, { ...fieldsOf(bob().header), ceremonyId: 'another-ceremony' }, 'Bob')).envelope;
    await expect(audit(elsewhere, v1Record, 'Bob')).rejects.toMatchObject({ code: 'SHARE_OTHER_CEREMONY', field: 'ceremonyId' });
    const genuineV1 = (await sealAs(1, value, fieldsOf(bob().header), 'Bob')).envelope;
    expect(await audit(genuineV1, v1Record, 'Bob')).toMatchObject({ verified: true, custodian: 'Bob', shareCommitment: bytesToHex(v1Record.recordedShareCommitment) });
  });
});
