/**
 * custody.audit: each custodian present opens their share with their
 * passphrase; the shares module checks it belongs to the recorded set and
 * matches the commitment the earlier transcript recorded for them. Nothing
 * is rebuilt. A share that fails is a deviation (the script decides
 * whether to continue); custodians who did not present are listed.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { auditCustody } from '../../shares/index.ts';
import type { ActionHandler } from '../runner/context.ts';
import { START_OVER, shareSourceOf } from '../runner/inputs.ts';
import { checkRecordedPolicy, previousShareSet } from '../runner/previous-ceremony.ts';
import { recordCancelled, WorkCancelled } from '../runner/work-progress.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { policyOf } from './share-policy.ts';

export const custodyAudit: ActionHandler<'custody.audit'> = async (ctx, step) => {
  const policy = policyOf(ctx, step.params.sharePolicy);
  const set = await previousShareSet(ctx, step, keySpecOf(ctx, policy.key).label);
  checkRecordedPolicy(policy, set);
  const proven: { custodian: string; index: number; statement: string }[] = [];
  const failed: { custodian: string; code: string; reason: string }[] = [];
  const expected = set.shares.map((s) => s.custodian).filter((id) => ctx.enrolled.has(id));
  // Each custodian present proves their share, one at a time, until every expected one has or nobody else presents; a failed attempt is recorded, and the custodian may try again.
  for (;;) {
    const presented = await ctx.inputs.nextShare({ step, expected, accepted: proven.map((p) => p.custodian), threshold: expected.length });
    if (presented === undefined) break;
    if (presented === START_OVER) {
      // Each proof stands on its own and is recorded as it is made: there is nothing to start over.
      ctx.inputs.notify?.({ kind: 'refused', step: step.id, code: 'CEREMONY_START_OVER_NOT_HERE', message: 'A custody audit proves each share on its own; the proofs made so far stand. Present the next share, or say that nobody else will.' });
      continue;
    }
    const recorded = set.shares.find((s) => s.custodian === presented.custodian);
    if (recorded === undefined || !expected.includes(presented.custodian) || proven.some((p) => p.custodian === presented.custodian)) {
      presented.passphrase.wipe();
      const reason = recorded === undefined ? `${presented.custodian} holds no share of set ${set.setId}.` : `${presented.custodian} ${proven.some((p) => p.custodian === presented.custodian) ? 'has already proven their share' : 'is not enrolled as a custodian of this ceremony'}.`;
      failed.push({ custodian: presented.custodian, code: 'CEREMONY_CUSTODIAN_UNEXPECTED', reason });
      ctx.inputs.notify?.({ kind: 'refused', step: step.id, code: 'CEREMONY_CUSTODIAN_UNEXPECTED', message: reason });
      continue;
    }
    try {
      // Cancellable: opening a share to prove it changes nothing; the custodian may present it again.
      const name = ctx.enrolled.get(recorded.custodian)?.name ?? recorded.custodian;
      const audit = await ctx.work.cancellable({ step: step.id, work: 'opening-share', items: 1, label: () => `Opening the share of ${name}` }, (signal, progress) => auditCustody(shareSourceOf(presented), presented.passphrase, {
        expectedSetId: set.setId, recordedShareCommitment: hexToBytes(recorded.shareCommitment), expectedCeremonyId: set.ceremonyId, expectedCustodian: recorded.custodian,
        onKdfProgress: (p) => progress(1, p.fraction), signal,
      }));
      proven.push({ custodian: recorded.custodian, index: audit.index, statement: audit.statement });
    } catch (error) {
      if (error instanceof WorkCancelled) {
        recordCancelled(ctx, step, error, 'Nothing was proven for this share.', 'Present a share.');
        continue;
      }
      if (!(error instanceof KeyriteError)) throw error;
      failed.push({ custodian: recorded.custodian, code: error.code, reason: error.message });
      ctx.inputs.notify?.({ kind: 'refused', step: step.id, code: error.code, message: `${recorded.custodian}'s share: ${error.message}` });
    }
    if (proven.length === expected.length) break;
  }
  const missing = set.shares.map((s) => s.custodian).filter((id) => !proven.some((p) => p.custodian === id) && !failed.some((f) => f.custodian === id));
  // A failed attempt later made good by the same custodian is recorded, but the custodian is proven.
  const unresolved = failed.filter((f) => !proven.some((p) => p.custodian === f.custodian));
  return {
    result: { shareSetId: set.setId, fromCeremony: set.ceremonyId, custodiansProven: proven, custodiansFailed: failed, custodiansMissing: missing },
    deviation: unresolved.length > 0 || proven.length === 0,
  };
};
