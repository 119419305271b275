/**
 * hsm.generateKey: a key generated inside the HSM with the script's label,
 * type and usages (token, private, sensitive, not extractable: the HSM layer
 * re-checks). The result carries only public values: CKA_ID, the public
 * key's fingerprint (key pairs) or the check values (secret keys).
 */
import type { PublicValue } from '../../../../shared/ceremony/index.ts';
import { generateKey } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler, type RunContext } from '../runner/context.ts';

export const keySpecOf = (ctx: RunContext, name: string) => {
  const spec = ctx.script.keys.find((k) => k.name === name);
  if (spec === undefined) throw new Error(`key ${name} is not in the script (the validator checks this)`);
  return spec;
};

export const hsmGenerateKey: ActionHandler<'hsm.generateKey'> = async (ctx, step) => {
  const spec = keySpecOf(ctx, step.params.key);
  const session = await sessionFor(ctx, step.params.hsm);
  const key = await generateKey(session, { label: spec.label, algorithm: spec.type, usages: spec.usages });
  ctx.generated.set(spec.name, key);
  const check = key.checkValues[0];
  const result: Record<string, PublicValue> = { keyId: key.id, label: key.label, algorithm: key.algorithm, extractable: key.attributes.extractable, sensitive: key.attributes.sensitive };
  if (key.publicKey !== null) Object.assign(result, { fingerprint: key.publicKey.fingerprint.hex, fingerprintWords: key.publicKey.fingerprint.words });
  if (check !== undefined) Object.assign(result, { checkValue: check.value.hex, checkValueWords: check.value.words, checkValueMethod: check.method });
  ctx.journal.append({
    type: 'key/created', step: step.id,
    payload: { label: key.label, algorithm: key.algorithm, fingerprint: key.publicKey?.fingerprint.hex ?? `kcv:${check?.value.hex ?? 'none'}`, ...(check === undefined ? {} : { checkValue: check.value.hex }), token: `${session.token.label} (${session.token.serial})` },
  });
  return { result };
};
