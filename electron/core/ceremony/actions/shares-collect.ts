/**
 * shares.collect: the custodians present their shares one at a time into a
 * RebuildSession bound to the earlier ceremony's verified record (its
 * ceremony id, set id and per-index share commitments), so a share from
 * another ceremony or set, a duplicate or a wrong passphrase is refused by
 * the shares module with its reason. The rebuilt secret is authenticated
 * against the set's commitment, then held in engine memory for key.load.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { bytesToHex, hexToBytes } from '../../../../shared/transcript/bytes.ts';
import { human } from '../../hsm/index.ts';
import { RebuildSession, recordedSetOf, ShareRejection, type AcceptOutcome } from '../../shares/index.ts';
import { readShareInput } from '../../shares/share-input.ts';
import type { ActionHandler, RunContext } from '../runner/context.ts';
import { START_OVER, shareSourceOf } from '../runner/inputs.ts';
import { checkRecordedPolicy, previousShareSet, type RecordedShareSet } from '../runner/previous-ceremony.ts';
import { recordCancelled, WorkCancelled } from '../runner/work-progress.ts';
import { keySpecOf } from './hsm-generate-key.ts';
import { holdSecret } from './secret-generate.ts';
import { policyOf } from './share-policy.ts';

export const sharesCollect: ActionHandler<'shares.collect'> = async (ctx, step) => {
  const policy = policyOf(ctx, step.params.sharePolicy);
  const set = await previousShareSet(ctx, step, keySpecOf(ctx, policy.key).label);
  checkRecordedPolicy(policy, set);
  // The whole set as the earlier, verified transcript recorded it: every share
  // must agree with it (set id, M, N, secret commitment, its own commitment),
  // so custodians who re-seal their shares under a forged header are refused.
  // The share being opened now reports its KDF here (one session may outlive many shares).
  let kdfProgress: (fraction: number) => void = () => {};
  const newSession = () => new RebuildSession({
    onKdfProgress: (p) => kdfProgress(p.fraction),
    ceremonyId: set.ceremonyId,
    recordedSet: recordedSetOf({ setId: set.setId, threshold: set.threshold, total: set.total, secretCommitment: set.commitment, shares: set.shares }),
  });
  let session = newSession();
  const present: { custodian: string; index: number }[] = [];
  const refused: { custodian: string; code: string; reason: string }[] = [];
  try {
    // One share at a time, until M are accepted or nobody else presents one. A refused share is recorded with why, and the custodian may present again.
    const expected = set.shares.map((s) => s.custodian).filter((id) => ctx.enrolled.has(id));
    while (!session.progress().ready) {
      const presented = await ctx.inputs.nextShare({ step, expected, accepted: present.map((p) => p.custodian), threshold: set.threshold });
      if (presented === undefined) break;
      if (presented === START_OVER) {
        // Every share accepted so far is wiped with its session, and none of them counts any more (an auditor reads it so: shares/started-over).
        ctx.journal.append({ type: 'shares/started-over', step: step.id, actors: [], payload: { discarded: present.map((p) => p.custodian), threshold: set.threshold } });
        session.close();
        session = newSession();
        present.length = 0;
        continue;
      }
      const { custodian, passphrase } = presented;
      const share = shareSourceOf(presented);
      const notTheirs = notPresentersShare(set, expected, custodian, share);
      if (notTheirs !== undefined) passphrase.wipe();
      let outcome;
      try {
        outcome = notTheirs === undefined ? await openOne(ctx, step.id, custodian, (signal, progress) => {
          kdfProgress = progress;
          return session.accept(share, passphrase, signal);
        }) : { accepted: false as const, rejection: notTheirs };
      } catch (error) {
        if (!(error instanceof WorkCancelled)) throw error;
        recordCancelled(ctx, step, error, 'The share was not accepted; the shares accepted before it stand.', 'Present a share.');
        continue;
      }
      if (outcome.accepted) {
        present.push({ custodian, index: outcome.progress.shares.at(-1)?.index ?? 0 });
        ctx.journal.append({ type: 'share/accepted', step: step.id, actors: [custodian], payload: { custodian, accepted: outcome.progress.shares.length, threshold: set.threshold } });
        continue;
      }
      const r = { custodian, code: outcome.rejection.code, reason: outcome.rejection.message };
      refused.push(r);
      ctx.journal.append({ type: 'share/refused', step: step.id, actors: [custodian], payload: { ...r } });
      ctx.inputs.notify?.({ kind: 'refused', step: step.id, code: r.code, message: `${custodian}'s share: ${r.reason}` });
    }
    if (!session.progress().ready) {
      throw new KeyriteError('CEREMONY_SHARES_SHORT', `Only ${present.length} of the ${set.threshold} shares needed were accepted${refused.length > 0 ? `; refused: ${refused.map((r) => `${r.custodian} (${r.code})`).join(', ')}` : ''}.`);
    }
    const outcome = await session.rebuild();
    if (!outcome.ok) throw outcome.error;
    if (outcome.rebuilt.authenticatedBy !== 'recorded-set') {
      outcome.rebuilt.secret.wipe();
      throw new KeyriteError('CEREMONY_REBUILD_UNRECORDED', 'The rebuilt secret was not checked against the recorded share set; it will not be loaded.');
    }
    const commitment = bytesToHex(outcome.rebuilt.header.secretCommitment);
    if (commitment !== set.commitment) {
      outcome.rebuilt.secret.wipe();
      throw new KeyriteError('CEREMONY_COMMITMENT_MISMATCH', 'The rebuilt secret\'s commitment is not the one the earlier ceremony recorded.');
    }
    const { fingerprint, checkValue } = holdSecret(ctx, policy.key, outcome.rebuilt.secret);
    const words = human(hexToBytes(commitment));
    return {
      result: {
        shareSetId: set.setId, fromCeremony: set.ceremonyId, custodiansPresent: present, refused, usedIndices: outcome.rebuilt.usedIndices,
        commitment, commitmentWords: words.words, fingerprint: fingerprint.hex, fingerprintWords: fingerprint.words, checkValue: checkValue.hex, checkValueWords: checkValue.words,
      },
    };
  } finally {
    session.close();
  }
};

/** Opens one presented share (its KDF reports progress and may be cancelled: a refused or cancelled share leaves the session as it was). */
function openOne(ctx: RunContext, step: string, custodian: string, accept: (signal: AbortSignal, progress: (fraction: number) => void) => Promise<AcceptOutcome>): Promise<AcceptOutcome> {
  const name = ctx.enrolled.get(custodian)?.name ?? custodian;
  return ctx.work.cancellable({ step, work: 'opening-share', items: 1, label: () => `Opening the share of ${name}` }, (signal, progress) => accept(signal, (fraction) => progress(1, fraction)));
}

/**
 * A share counts for the custodian presenting it only if they are an
 * enrolled custodian of the set and it is the share the earlier ceremony
 * recorded for them (its index, which the rebuild then authenticates
 * against the recorded commitment): otherwise the transcript would credit
 * one person with another's share, and M shares could come from fewer
 * than M people (found by the engine's model-based test). A file that does
 * not parse, or is of another set, is left to the rebuild, which names
 * what is wrong with it.
 */
function notPresentersShare(set: RecordedShareSet, expected: readonly string[], custodian: string, share: ReturnType<typeof shareSourceOf>): ShareRejection | undefined {
  const source = { source: share.name };
  const recorded = set.shares.find((s) => s.custodian === custodian);
  if (recorded === undefined || !expected.includes(custodian)) return new ShareRejection('SHARE_NOT_RECORDED', source, `${custodian} is not an enrolled custodian of set ${set.setId.slice(0, 8)}…, so cannot present a share of it.`, 'custodian');
  let header;
  try {
    header = readShareInput(share).header;
  } catch {
    return undefined;
  }
  if (bytesToHex(header.setId) !== set.setId || (header.index === recorded.index && header.custodian === custodian)) return undefined;
  return new ShareRejection('SHARE_NOT_RECORDED', source, `it is share ${header.index}, held by ${header.custodian}; the earlier ceremony recorded share ${recorded.index} for ${custodian}.`, 'custodian');
}
