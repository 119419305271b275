/**
 * shares.revoke: records that every share of the earlier set is revoked
 * (after a reshare). Shares cannot be recalled from people's drawers; what
 * revokes them is this signed record, which later ceremonies consult
 * (a recovery reads the latest set issued for the key).
 */
import { KeyriteError } from '../../../../shared/result.ts';
import type { ActionHandler } from '../runner/context.ts';
import { previousShareSet } from '../runner/previous-ceremony.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { policyOf } from './share-policy.ts';

export const sharesRevoke: ActionHandler<'shares.revoke'> = async (ctx, step) => {
  const policy = policyOf(ctx, step.params.sharePolicy);
  const old = await previousShareSet(ctx, step, keySpecOf(ctx, policy.key).label);
  const replacements = [...ctx.shareSets.values()].filter((s) => s.setId !== old.setId).map((s) => s.setId);
  if (replacements.length === 0) throw (new KeyriteError('CEREMONY_NO_REPLACEMENT', `Share set ${old.setId} would be revoked with no new set issued in this ceremony; the key would be unrecoverable.`));
  ctx.journal.append({ type: 'share-set/revoked', step: step.id, payload: { shareSetId: old.setId, fromCeremony: old.ceremonyId, replacedBy: replacements, custodians: old.shares.map((s) => s.custodian) } });
  return { result: { shareSetId: old.setId, revoked: old.shares.map((s) => ({ custodian: s.custodian, index: s.index })), fromCeremony: old.ceremonyId, replacedBy: replacements } };
};
