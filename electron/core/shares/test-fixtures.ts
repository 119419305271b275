/**
 * Fixtures for the share tests (no test framework here, so it type-checks
 * with the engine). Every split made here uses INSECURE_TEST_KDF unless told
 * otherwise: never use these in a ceremony.
 */
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { INSECURE_TEST_KDF } from './kdf.ts';
import type { KdfCost } from './kdf.ts';
import { splitSecret } from './split.ts';
import type { ShareSet } from './split.ts';

export const TEST_CEREMONY = 'keyrite-test/ceremony-1';
export const custodianNames = ['Alice', 'Bob', 'Chiamaka', 'Dmitri', 'Eun-ji', 'Farah', 'Gustavo', 'Hana', 'Ivo', 'Jamal', 'Kiri', 'Lena', 'Mateo', 'Noor', 'Oskar', 'Priya'];

export const passphraseOf = (custodian: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(`correct horse ${custodian} battery`));

export function testSecret(length = 32, seed = 7): SecretBytes {
  return SecretBytes.adopt(Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff));
}

export async function testSplit(options: { m: number; n: number; secret?: SecretBytes; kdf?: KdfCost; ceremonyId?: string }): Promise<ShareSet> {
  const secret = options.secret ?? testSecret();
  return splitSecret(secret, {
    ceremonyId: options.ceremonyId ?? TEST_CEREMONY,
    key: { id: 'key-0001', label: 'Root KEK 2026', fingerprint: Uint8Array.from({ length: 32 }, (_, i) => i) },
    threshold: options.m,
    custodians: custodianNames.slice(0, options.n).map((name) => ({ name, passphrase: passphraseOf(name) })),
    createdAt: new Date('2026-11-28T12:00:00Z'),
    kdf: options.kdf ?? INSECURE_TEST_KDF,
  });
}
