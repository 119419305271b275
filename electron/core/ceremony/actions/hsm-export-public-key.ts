/**
 * hsm.exportPublicKey: the public half of a key generated earlier in this
 * run, as PEM with its SHA-256 fingerprint. The PEM also goes to
 * <out>/public/<key>.pem so the rehearsal leaves the key people would publish.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyriteError } from '../../../../shared/result.ts';
import type { ActionHandler } from '../runner/context.ts';

export const hsmExportPublicKey: ActionHandler<'hsm.exportPublicKey'> = (ctx, step) => {
  const key = ctx.generated.get(step.params.key);
  if (key?.publicKey === null || key === undefined) {
    return Promise.reject(new KeyriteError('CEREMONY_KEY_MISSING', `Key '${step.params.key}' was not generated as a key pair earlier in this ceremony.`));
  }
  const folder = join(ctx.outFolder, 'public');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${step.params.key}.pem`), key.publicKey.pem, { flag: 'wx' });
  return Promise.resolve({ result: { publicKey: key.publicKey.pem, fingerprint: key.publicKey.fingerprint.hex, fingerprintWords: key.publicKey.fingerprint.words } });
};
