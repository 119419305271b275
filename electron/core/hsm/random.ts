/**
 * Randomness for the ceremony.
 * - `hsmRandom`: bytes from the HSM's RNG (C_GenerateRandom).
 * - `mixedRandom`: for a secret made on the host (a master secret to split),
 *   HSM bytes XOR OS bytes (node:crypto, the kernel CSPRNG). NIST SP 800-133
 *   Rev. 2 §6.3 approves XOR of independently generated values of equal
 *   length: the result is at least as unpredictable as the better source,
 *   so neither a weak HSM RNG nor a weak host RNG alone makes it guessable.
 * Both return SecretBytes; every intermediate buffer is wiped.
 */
import { randomFillSync } from 'node:crypto';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import type { HsmSession } from './hsm-session.ts';

const MAX = 4096;

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > MAX) throw new KeyriteError('HSM_RANDOM_LENGTH', `Random values are 1 to ${MAX} bytes.`);
}

export async function hsmRandom(session: HsmSession, length: number): Promise<SecretBytes> {
  checkLength(length);
  const bytes = await session.run('drawing random bytes from the HSM', (op) => op.call('drawing random bytes', (b, s) => b.C_GenerateRandom(s, length)));
  if (bytes.length !== length) {
    bytes.fill(0);
    throw new KeyriteError('HSM_RANDOM_SHORT', 'The HSM returned fewer random bytes than asked.');
  }
  return SecretBytes.adopt(bytes);
}

export async function mixedRandom(session: HsmSession, length: number): Promise<SecretBytes> {
  const fromHsm = await hsmRandom(session, length);
  const fromOs = new Uint8Array(length);
  try {
    randomFillSync(fromOs);
    return fromHsm.expose((hsm) => {
      const mixed = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) mixed[i] = (hsm[i] ?? 0) ^ (fromOs[i] ?? 0);
      return SecretBytes.adopt(mixed);
    });
  } finally {
    fromOs.fill(0);
    fromHsm.wipe();
  }
}
