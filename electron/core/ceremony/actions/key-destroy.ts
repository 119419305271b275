/**
 * key.destroy: once the schedule allows (the ceremony clock refuses before
 * `notBefore` in production, advances recorded in a rehearsal), both halves
 * of the recorded key are destroyed by the HSM layer (destroyKey, which
 * checks the key is the recorded one inside the destroying operation, then
 * proves by CKA_ID that nothing is left), and absence is checked again by
 * label. The evidence record (the HSM layer's evidence, the absence check,
 * the schedule and the earlier ceremony) is recorded in full as
 * `key/destroyed`; `evidenceSha256` is the SHA-256 of its canonical JSON
 * (RFC 8785), read aloud.
 */
import { canonicalSha256 } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { human, type HsmSession } from '../../hsm/index.ts';
import { destroyKey, inspectKey } from '../../hsm/key-destruction.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { fingerprintWords, lifecycleOf } from './key-lifecycle.ts';
import { checkSameKey, checkSameToken, recordedKey } from './key-recorded.ts';

/** A second, independent look: nothing on the token carries the label any more. */
async function absentByLabel(session: HsmSession, label: string, checkedAt: () => Date): Promise<{ searchedBy: 'CKA_LABEL'; label: string; found: 0; checkedAt: string }> {
  try {
    const left = await inspectKey(session, { label });
    throw new KeyriteError('CEREMONY_DESTROY_UNPROVEN', `Token '${session.token.label}' still holds ${left.objects.length} object(s) labelled '${label}' after destruction. Record an exception.`);
  } catch (error) {
    if (!(error instanceof KeyriteError) || error.code !== 'HSM_KEY_NOT_FOUND') throw error;
  }
  return { searchedBy: 'CKA_LABEL', label, found: 0, checkedAt: checkedAt().toISOString() };
}

export const keyDestroy: ActionHandler<'key.destroy'> = async (ctx, step) => {
  const { key, hsm, schedule } = step.params;
  const scheduled = lifecycleOf(ctx, step, schedule, 'scheduled', key);
  ctx.clock.reach(scheduled.notBefore, { step: step.id, why: `the destruction of key '${key}' scheduled by step '${schedule}' at ${scheduled.scheduledAt.toISOString()} is not before then` });
  const spec = keySpecOf(ctx, key);
  const recorded = await recordedKey(ctx, step, spec);
  const session = await sessionFor(ctx, hsm);
  checkSameToken(recorded, session);
  const evidence = await destroyKey(session, { label: spec.label }, ctx.now, (found) => checkSameKey(recorded, found));
  const absence = await absentByLabel(session, spec.label, ctx.now);
  ctx.generated.delete(key);
  const record = {
    key, hsm,
    destroyed: { ...evidence, objects: evidence.objects.map((o) => ({ ...o, usages: [...o.usages] })), checkValues: evidence.checkValues.map((c) => ({ method: c.method, hex: c.value.hex })), proof: { ...evidence.proof } },
    absence,
    schedule: { step: schedule, scheduledAt: scheduled.scheduledAt.toISOString(), notBefore: scheduled.notBefore.toISOString() },
    generatedBy: { ceremonyId: recorded.ceremonyId, root: recorded.root, fingerprint: recorded.fingerprint },
  };
  const digest = human(canonicalSha256(record));
  ctx.journal.append({
    type: 'key/destroyed', step: step.id,
    payload: { label: spec.label, fingerprint: recorded.fingerprint, token: `${session.token.label} (${session.token.serial})`, evidenceSha256: digest.hex, evidence: record },
  });
  return {
    result: {
      destroyedAt: evidence.destroyedAt, fingerprint: recorded.fingerprint, fingerprintWords: fingerprintWords(recorded.fingerprint),
      evidenceSha256: digest.hex, evidenceWords: digest.words,
      keyId: evidence.id, label: evidence.label, objectsDestroyed: evidence.objects.map((o) => o.class), notBefore: scheduled.notBefore.toISOString(),
    },
  };
};
