/**
 * secret.generate: 32 bytes from the HSM's generator mixed with the OS
 * CSPRNG, held only in engine memory (SecretBytes, wiped by key.load or at
 * the end of the run). The result is public: a domain-separated SHA-256
 * fingerprint and the AES check value the HSMs must later report.
 */
import { createHash } from 'node:crypto';
import { KeyriteError } from '../../../../shared/result.ts';
import { hostAesCheckValues, human, mixedRandom } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler, type RunContext } from '../runner/context.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';
import { keySpecOf } from './hsm-generate-key.ts';

const FINGERPRINT_DOMAIN = 'keyrite/secret-fingerprint/v1\0';

/** SHA-256 over a domain tag and the secret: names the secret without revealing it (a 256-bit key cannot be guessed from it). */
export const secretFingerprint = (secret: SecretBytes): Uint8Array =>
  secret.expose((bytes) => new Uint8Array(createHash('sha256').update(FINGERPRINT_DOMAIN).update(bytes).digest()));

/** Records a secret now held in memory, with its public fingerprint and check value. */
export function holdSecret(ctx: RunContext, keyName: string, secret: SecretBytes): { fingerprint: ReturnType<typeof human>; checkValue: ReturnType<typeof human> } {
  if (ctx.secrets.has(keyName)) {
    secret.wipe();
    throw new KeyriteError('CEREMONY_SECRET_EXISTS', `A secret for key '${keyName}' is already held in this run.`);
  }
  ctx.secrets.set(keyName, secret);
  const checkValue = human(hostAesCheckValues(secret).ecb);
  ctx.hostCheckValues.set(keyName, checkValue.hex);
  return { fingerprint: human(secretFingerprint(secret)), checkValue };
}

export const secretGenerate: ActionHandler<'secret.generate'> = async (ctx, step) => {
  const spec = keySpecOf(ctx, step.params.key);
  if (spec.type !== 'aes-256') throw new KeyriteError('CEREMONY_KEY_TYPE', `secret.generate makes AES-256 keys; '${spec.name}' is ${spec.type}.`);
  const secret = await mixedRandom(await sessionFor(ctx, step.params.hsm), 32);
  const { fingerprint, checkValue } = holdSecret(ctx, spec.name, secret);
  return { result: { fingerprint: fingerprint.hex, fingerprintWords: fingerprint.words, checkValue: checkValue.hex, checkValueWords: checkValue.words } };
};
