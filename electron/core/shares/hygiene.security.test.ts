/**
 * Secret hygiene along error paths: every buffer our share code wipes goes
 * through scrub.bytes, so a spy sees each one; after a failure, every array
 * it was given must be all zeros and every passphrase wiped.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { INSECURE_TEST_KDF_POLICY } from './kdf.ts';
import { RebuildSession } from './rebuild-session.ts';
import { auditCustody } from './custody-audit.ts';
import { scrub } from './scrub.ts';
import { ShareAssembly } from './share-assembly.ts';
import { openShare } from './seal.ts';
import { parseEnvelope } from '../../../shared/shares/envelope.ts';
import { passphraseOf, TEST_CEREMONY, testSplit } from './test-fixtures.ts';

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
    const wrong = passphraseOf('nobody');
    await expect(auditCustody(input, wrong, { kdfPolicy: INSECURE_TEST_KDF_POLICY })).rejects.toMatchObject({ code: 'SHARE_WRONG_PASSPHRASE' });
    expect(wrong.wiped).toBe(true);
    const seen = spyWipes();
    await auditCustody(input, passphraseOf(set.shares[0]?.custodian ?? ''), { kdfPolicy: INSECURE_TEST_KDF_POLICY });
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
});
