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
import { takeSecret } from '../runner/answers.ts';
import { checkRecordedPolicy, presentedShare, previousShareSet } from '../runner/previous-ceremony.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { policyOf } from './share-policy.ts';

export const custodyAudit: ActionHandler<'custody.audit'> = async (ctx, step) => {
  const policy = policyOf(ctx, step.params.sharePolicy);
  const set = previousShareSet(ctx, keySpecOf(ctx, policy.key).label);
  checkRecordedPolicy(policy, set);
  const proven: { custodian: string; index: number; statement: string }[] = [];
  const failed: { custodian: string; code: string; reason: string }[] = [];
  const missing: string[] = [];
  for (const recorded of set.shares) {
    const share = ctx.credentials.has(recorded.custodian) ? presentedShare(ctx, recorded.custodian) : undefined;
    if (share === undefined) {
      missing.push(recorded.custodian);
      continue;
    }
    const passphrase = ctx.answers.custodianPassphrases[recorded.custodian];
    if (passphrase === undefined) throw new KeyriteError('CEREMONY_ANSWER_MISSING', `No share passphrase for ${recorded.custodian} (custodianPassphrases).`);
    try {
      const audit = await auditCustody({ kind: 'file', ...share }, takeSecret(passphrase), {
        expectedSetId: set.setId, recordedShareCommitment: hexToBytes(recorded.shareCommitment), expectedCeremonyId: set.ceremonyId, expectedCustodian: recorded.custodian,
      });
      proven.push({ custodian: recorded.custodian, index: audit.index, statement: audit.statement });
    } catch (error) {
      if (!(error instanceof KeyriteError)) throw error;
      failed.push({ custodian: recorded.custodian, code: error.code, reason: error.message });
    }
  }
  return {
    result: { shareSetId: set.setId, fromCeremony: set.ceremonyId, custodiansProven: proven, custodiansFailed: failed, custodiansMissing: missing },
    deviation: failed.length > 0 || proven.length === 0,
  };
};
