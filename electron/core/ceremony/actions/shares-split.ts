/**
 * shares.split: the held secret of the policy's key is split threshold-of-
 * total, one share per custodian, each sealed under the passphrase that
 * custodian types (the answers file's custodianPassphrases, as SecretBytes,
 * consumed by the split). Public results only: the set id, the secret's
 * commitment as words, and each share's commitment for later custody audits.
 * The sealing (one Argon2id per share) reports its progress and may be
 * cancelled; the passphrases are then asked for again.
 */
import type { Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { human } from '../../hsm/index.ts';
import { splitSecret, type Custodian, type ShareSet } from '../../shares/index.ts';
import type { ActionHandler } from '../runner/context.ts';
import { recordCancelled, WorkCancelled } from '../runner/work-progress.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { secretFingerprint } from './secret-generate.ts';
import { custodiansOf, policyOf } from './share-policy.ts';

/** Whether a later step reads the held secret of `key` (loads it, or splits it again). */
function usesSecret(step: Step, key: string): boolean {
  if (step.action === 'key.load') return step.params.key === key;
  return step.action === 'shares.split';
}

export const sharesSplit: ActionHandler<'shares.split'> = async (ctx, step) => {
  const policy = policyOf(ctx, step.params.sharePolicy);
  const spec = keySpecOf(ctx, policy.key);
  const secret = ctx.secrets.get(policy.key);
  if (secret === undefined) throw new KeyriteError('CEREMONY_SECRET_MISSING', `No secret for key '${policy.key}' is held in this run; generate or rebuild it first.`);
  const enrolled = [...ctx.enrolled].map(([id, p]) => ({ id, role: p.role }));
  const ids = custodiansOf(policy, enrolled);
  if (policy.total !== undefined && policy.total !== ids.length) throw new KeyriteError('CEREMONY_POLICY_MISMATCH', `Share policy '${policy.id}' wants ${policy.total} shares; ${ids.length} custodians are enrolled for it.`);
  const nameOf = (id: string): string => ctx.enrolled.get(id)?.name ?? id;
  let set: ShareSet | undefined;
  while (set === undefined) {
    const custodians: Custodian[] = [];
    try {
      for (const id of ids) custodians.push({ name: id, passphrase: await ctx.inputs.sealPassphrase({ step, custodian: id }) });
    } catch (error) {
      for (const c of custodians) c.passphrase.wipe();
      throw error;
    }
    // Cancellable: the shares are sealed in memory and nothing is written before shares.write; the split wipes every passphrase either way.
    const work = { step: step.id, work: 'sealing-share' as const, items: ids.length, label: (k: number) => `Sealing share ${k} of ${ids.length}, for ${nameOf(ids[k - 1] ?? '')}` };
    try {
      set = await ctx.work.cancellable(work, (signal, progress) => splitSecret(secret, {
        ceremonyId: ctx.journal.ceremonyId, key: { id: spec.name, label: spec.label, fingerprint: secretFingerprint(secret) }, threshold: policy.threshold, custodians, createdAt: ctx.now(),
        onKdfProgress: (i, p) => progress(i + 1, p.fraction), signal,
      }));
    } catch (error) {
      if (!(error instanceof WorkCancelled)) throw error;
      recordCancelled(ctx, step, error, 'No share was kept and nothing was written.', 'Each custodian types their share passphrase again.');
    }
  }
  ctx.shareSets.set(policy.id, set);
  // The secret lives no longer than the script needs it (a reshare: only between rebuild and split).
  const index = ctx.script.steps.findIndex((s) => s.id === step.id);
  if (!ctx.script.steps.slice(index + 1).some((s) => usesSecret(s, policy.key))) {
    secret.wipe();
    ctx.secrets.delete(policy.key);
  }
  const commitment = human(hexToBytes(set.secretCommitment));
  ctx.journal.append({ type: 'share-set/issued', step: step.id, actors: ids, payload: { shareSetId: set.setId, keyLabel: spec.label, threshold: set.threshold, total: set.total, commitment: set.secretCommitment, custodians: ids } });
  return {
    result: {
      shareSetId: set.setId, commitment: commitment.hex, commitmentWords: commitment.words, threshold: set.threshold, total: set.total,
      custodians: set.shares.map((s) => ({ custodian: s.custodian, index: s.index, shareCommitment: s.shareCommitment })),
    },
  };
};
