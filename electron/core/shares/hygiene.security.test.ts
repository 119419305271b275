/**
 * Secret hygiene along error paths: every buffer our share code wipes goes
 * through scrub.bytes, so a spy sees each one; after a failure, every array
 * it was given must be all zeros and every passphrase wiped.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import { combine } from 'shamir-secret-sharing';
import type * as Shamir from 'shamir-secret-sharing';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { INSECURE_TEST_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { auditCustody } from './custody-audit.ts';
import { scrub } from './scrub.ts';
import { ShareAssembly } from './share-assembly.ts';
import { openShare } from './seal.ts';
import { parseEnvelope } from '../../../shared/shares/envelope.ts';
import { custodianNames, passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';
import { splitSecret } from './split.ts';
import { INSECURE_TEST_KDF } from './kdf.ts';

// The real library, behind a mock that one test can make fail (split's self-check must wipe what it handed over).
vi.mock('shamir-secret-sharing', async (importOriginal) => {
  const real = await importOriginal<typeof Shamir>();
  return { ...real, combine: vi.fn(real.combine) };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const spyWipes = (): Uint8Array[] => {
  const seen: Uint8Array[] = [];
  const original = scrub.bytes.bind(scrub);
  vi.spyOn(scrub, 'bytes').mockImplementation((...buffers) => {
    for (const b of buffers) if (b !== undefined) seen.push(b);
    original(...buffers);
  });
  return seen;
};
const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

describe('threat: secrets left in memory after an error', () => {
  it('wrong passphrase: the derived key is wiped and the passphrase too', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const seen = spyWipes();
    const passphrase = passphraseOf('Mallory');
    const outcome = await new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY })
      .accept({ kind: 'file', name: 'a', bytes: set.shares[0]?.envelope ?? new Uint8Array() }, passphrase);
    expect(outcome.accepted).toBe(false);
    expect(passphrase.wiped).toBe(true);
    expect(seen.some((b) => b.length === 32)).toBe(true); // the Argon2id output
    expect(seen.every(allZero)).toBe(true);
  });

  it('refused before the KDF (damaged file): the passphrase is still wiped', async () => {
    const passphrase = passphraseOf('Alice');
    await new RebuildSession({ ceremonyId: TEST_CEREMONY }).accept({ kind: 'file', name: 'a', bytes: new Uint8Array([1, 2, 3]) }, passphrase);
    expect(passphrase.wiped).toBe(true);
  });

  it('a rebuild that does not match: the combined bytes and the copies given to the library are wiped', async () => {
    const set = await testSplit({ m: 2, n: 3 });
    const opened = await Promise.all(set.shares.map(async (s) => {
      const parsed = parseEnvelope(s.envelope, s.custodian);
      return { name: { source: s.custodian }, header: parsed.header, value: await openShare(parsed, s.custodian, passphraseOf(s.custodian), INSECURE_TEST_KDF_POLICY) };
    }));
    const [a, b] = opened;
    if (a === undefined || b === undefined) throw new Error('fixture');
    b.value[0] = (b.value[0] ?? 0) ^ 1; // as if re-sealed corrupted
    const assembly = new ShareAssembly({ ceremonyId: TEST_CEREMONY });
    assembly.admit(a);
    assembly.admit(b);
    const seen = spyWipes();
    await expect(assembly.rebuild()).rejects.toMatchObject({ code: 'SHARE_REBUILD_MISMATCH' });
    expect(seen.filter((x) => x.length === 32).length).toBeGreaterThanOrEqual(1); // the wrong result
    expect(seen.filter((x) => x.length === 33).length).toBeGreaterThanOrEqual(2); // the copies
    expect(seen.every(allZero)).toBe(true);
    assembly.reset();
    expect(allZero(a.value) && allZero(b.value)).toBe(true);
  });

  it('a custody audit that fails still wipes the passphrase; one that passes wipes the opened value', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const input = { kind: 'file' as const, name: 'a', bytes: set.shares[0]?.envelope ?? new Uint8Array() };
    const options = { kdfPolicy: INSECURE_TEST_KDF_POLICY, recordedShareCommitment: set.shares[0]?.header.shareCommitment ?? new Uint8Array() };
    const wrong = passphraseOf('nobody');
    await expect(auditCustody(input, wrong, options)).rejects.toMatchObject({ code: 'SHARE_WRONG_PASSPHRASE' });
    expect(wrong.wiped).toBe(true);
    const seen = spyWipes();
    await auditCustody(input, passphraseOf(set.shares[0]?.custodian ?? ''), options);
    expect(seen.some((x) => x.length === 33)).toBe(true);
    expect(seen.every(allZero)).toBe(true);
  });

  it('a rebuilt secret refuses to be serialised', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const s = new RebuildSession({ ceremonyId: TEST_CEREMONY, kdfPolicy: INSECURE_TEST_KDF_POLICY });
    for (const share of set.shares) await s.accept({ kind: 'file', name: share.custodian, bytes: share.envelope }, passphraseOf(share.custodian));
    const r = await s.rebuild();
    if (!r.ok) throw r.error;
    expect(r.rebuilt.secret).toBeInstanceOf(SecretBytes);
    expect(() => JSON.stringify(r.rebuilt)).toThrow(/secret value/u);
    expect(() => `${String(r.rebuilt.secret)}`).toThrow(/secret value/u);
  });

  it('split\'s self-check: when the library throws while combining, the copies it was given are wiped, and every passphrase', async () => {
    const given: Uint8Array[][] = [];
    vi.mocked(combine).mockImplementationOnce((shares) => {
      given.push(shares);
      return Promise.reject(new Error('library failure'));
    });
    const seen = spyWipes();
    const custodians = custodianNames.slice(0, 3).map((name) => ({ name, passphrase: passphraseOf(name) }));
    await expect(splitSecret(testSecret(), {
      ceremonyId: TEST_CEREMONY, key: { id: 'key-0001', label: 'Root KEK 2026', fingerprint: new Uint8Array(32) }, threshold: 2, custodians, kdf: INSECURE_TEST_KDF,
    })).rejects.toThrow('library failure');
    const copies = given[0] ?? [];
    expect(copies).toHaveLength(2);
    expect(copies.every((c) => c.length === 33 && seen.includes(c) && allZero(c))).toBe(true);
    expect(seen.every(allZero)).toBe(true);
    expect(custodians.every((c) => c.passphrase.wiped)).toBe(true);
  });

  it('split\'s self-check: when the library gives back something else, that and the copies are wiped and nothing is sealed', async () => {
    const given: Uint8Array[][] = [];
    const returned: Uint8Array[] = [];
    vi.mocked(combine).mockImplementationOnce((shares) => {
      given.push(shares);
      const wrong = new Uint8Array(32).fill(0x77);
      returned.push(wrong);
      return Promise.resolve(wrong);
    });
    const seen = spyWipes();
    await expect(splitSecret(testSecret(), {
      ceremonyId: TEST_CEREMONY, key: { id: 'key-0001', label: 'Root KEK 2026', fingerprint: new Uint8Array(32) }, threshold: 2,
      custodians: custodianNames.slice(0, 3).map((name) => ({ name, passphrase: passphraseOf(name) })), kdf: INSECURE_TEST_KDF,
    })).rejects.toMatchObject({ code: 'SHARE_REBUILD_MISMATCH' });
    for (const buffer of [...(given[0] ?? []), ...returned]) expect(seen.includes(buffer) && allZero(buffer)).toBe(true);
    expect(given[0]).toHaveLength(2);
    expect(seen.every(allZero)).toBe(true);
  });
});
