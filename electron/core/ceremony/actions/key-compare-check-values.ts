/**
 * key.compareCheckValues: each HSM's check value for the loaded key (as the
 * HSM computed it, AES-ECB over a zero block, at load) against the value
 * computed on the host when the secret was generated or rebuilt. A mismatch
 * is a deviation, and the script says abort.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { human } from '../../hsm/index.ts';
import type { ActionHandler } from '../runner/context.ts';

export const keyCompareCheckValues: ActionHandler<'key.compareCheckValues'> = (ctx, step) => {
  const expected = ctx.hostCheckValues.get(step.params.key);
  if (expected === undefined) return Promise.reject(new KeyriteError('CEREMONY_SECRET_MISSING', `No check value was computed for key '${step.params.key}' in this run.`));
  const reported: Record<string, string | null> = {};
  for (const hsm of step.params.hsms) {
    reported[hsm] = ctx.loaded.get(`${step.params.key}/${hsm}`)?.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex ?? null;
  }
  const matches = Object.values(reported).every((v) => v === expected);
  const words = human(hexToBytes(expected));
  return Promise.resolve({ result: { checkValue: expected, checkValueWords: words.words, reported, matches }, deviation: !matches });
};
