/**
 * key.load: the held secret is unwrapped inside each HSM (AES key wrap with
 * padding, so it never crosses the PKCS#11 boundary in clear); the HSM
 * layer insists the loaded key's check value equals the host's. Once every
 * HSM holds it, the engine's copy is wiped. Progress is reported per HSM.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { importSecretKey } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { keySpecOf } from './hsm-generate-key.ts';

export const keyLoad: ActionHandler<'key.load'> = async (ctx, step) => {
  const spec = keySpecOf(ctx, step.params.key);
  const secret = ctx.secrets.get(spec.name);
  const expected = ctx.hostCheckValues.get(spec.name);
  if (secret === undefined || expected === undefined) throw new KeyriteError('CEREMONY_SECRET_MISSING', `No secret for key '${spec.name}' is held in this run.`);
  const keyIds: Record<string, string> = {};
  const checkValues: Record<string, string> = {};
  const hsms = step.params.hsms;
  // Not cancellable: stopping between HSMs would leave a half-loaded key set (some HSMs holding the key, others not), which the script's check values and inventory diff would then have to explain.
  const loading = (j: number) => ({ step: step.id, work: 'loading-key' as const, label: `Loading ${spec.label} into HSM ${j} of ${hsms.length} (${hsms[j - 1] ?? ''})`, item: j, items: hsms.length, total: hsms.length });
  for (const [i, hsm] of hsms.entries()) {
    ctx.work.report({ ...loading(i + 1), done: i, state: 'running' });
    const session = await sessionFor(ctx, hsm);
    const loaded = await importSecretKey(session, secret, { label: spec.label, usages: spec.usages, method: 'aes-kwp', expectedCheckValue: hexToBytes(expected) });
    ctx.loaded.set(`${spec.name}/${hsm}`, loaded);
    keyIds[hsm] = loaded.id;
    checkValues[hsm] = loaded.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex ?? '';
    ctx.journal.append({ type: 'key/created', step: step.id, payload: { label: spec.label, algorithm: spec.type, fingerprint: `kcv:${checkValues[hsm]}`, checkValue: checkValues[hsm], token: `${session.token.label} (${session.token.serial})`, loadedFrom: 'engine memory (aes-kwp)' } });
  }
  if (hsms.length > 0) ctx.work.report({ ...loading(hsms.length), done: hsms.length, state: 'finished' });
  secret.wipe();
  ctx.secrets.delete(spec.name);
  return { result: { keyIds, checkValues, engineCopyWiped: true } };
};
