/**
 * key.deprecate: the key an earlier ceremony generated (its verified bundle
 * says which: key-recorded.ts) is deprecated. From `deprecatedAt` it may
 * still verify for `graceDays`; nothing new is signed with it.
 *
 * WARNING: the key on the token is not marked. PKCS#11 v2.40 §4.7 (key
 * objects) says CKA_START_DATE and CKA_END_DATE are "for reference only;
 * Cryptoki does not attach any special meaning to them ... it does not
 * restrict usage of a key according to the dates", and the keys Keyrite
 * generates are CKA_MODIFIABLE false (§4.4), so setting CKA_END_DATE (or
 * clearing CKA_SIGN) would fail on them, and loosening that to allow it
 * would let their usages be widened too. The deprecation lives in the
 * signed transcript; the engine enforces its dates (the ceremony clock).
 */
import type { ActionHandler } from '../runner/context.ts';
import { confirmRecordedKey } from './key-recorded.ts';
import { fingerprintWords, plusDays } from './key-lifecycle.ts';

export const keyDeprecate: ActionHandler<'key.deprecate'> = async (ctx, step) => {
  const { key, hsm, graceDays } = step.params;
  const { spec, recorded, found } = await confirmRecordedKey(ctx, step, key, hsm);
  const deprecatedAt = ctx.now();
  const graceEndsAt = plusDays(deprecatedAt, graceDays);
  ctx.keyLifecycle.set(step.id, { kind: 'deprecated', key, hsm, fingerprint: recorded.fingerprint, deprecatedAt, graceEndsAt });
  return {
    result: {
      deprecatedAt: deprecatedAt.toISOString(), graceEndsAt: graceEndsAt.toISOString(), graceDays,
      fingerprint: recorded.fingerprint, fingerprintWords: fingerprintWords(recorded.fingerprint),
      label: spec.label, keyId: found.id, token: { ...found.token },
      generatedBy: { ceremonyId: recorded.ceremonyId, root: recorded.root },
      markedOnToken: false,
    },
  };
};
