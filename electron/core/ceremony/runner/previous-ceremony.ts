/**
 * The earlier ceremony a custody audit, recovery or reshare is about. Its
 * evidence bundle must verify (with its own keys: in a rehearsal the
 * auditor has no other copy) before anything is taken from it; the share
 * set's record (set id, threshold, commitments per custodian) then comes
 * from that verified transcript, never from the answers file, so a share
 * from another ceremony is refused by the shares module's own checks.
 */
import type { Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { nodeCrypto } from '../../transcript/node-crypto.ts';
import type { RunContext } from './context.ts';

export interface RecordedShareSet {
  ceremonyId: string;
  rootHex: string;
  setId: string;
  keyLabel: string;
  threshold: number;
  total: number;
  /** The secret's commitment, hex. */
  commitment: string;
  shares: { custodian: string; index: number; shareCommitment: string }[];
}

const cache = new WeakMap<RunContext, RecordedShareSet>();

/** The share set recorded by the earlier ceremony (the last one it issued for `keyLabel`). */
export async function previousShareSet(ctx: RunContext, step: Step, keyLabel: string): Promise<RecordedShareSet> {
  const cached = cache.get(ctx);
  if (cached !== undefined) return cached;
  const previous = await ctx.inputs.previousBundle({ step, purpose: 'share-set' });
  if (previous === undefined) throw new KeyriteError('CEREMONY_ANSWER_MISSING', 'This step needs the earlier ceremony\'s evidence bundle (previous.bundle in an answers file).');
  const result = verifyBundle(readBundle(previous), nodeCrypto);
  if (result.status !== 'verified' || result.rootHex === undefined || result.ceremonyId === undefined) {
    throw new KeyriteError('CEREMONY_PREVIOUS_UNVERIFIED', `The earlier ceremony's bundle does not verify (${result.status}): ${result.summary}`);
  }
  const issued = result.events.filter((e) => e.type === 'share-set/issued' && e.payload['keyLabel'] === keyLabel).at(-1);
  if (issued === undefined) throw new KeyriteError('CEREMONY_SHARES_MISSING', `The earlier ceremony ${result.ceremonyId} issued no share set for '${keyLabel}'.`);
  // The split's result that issued this very set (a resumed ceremony may record a superseded split of the same step before it).
  const split = result.events.find((e) => e.type === 'step/result' && e.step === issued.step && (e.payload['result'] as { shareSetId?: unknown } | null)?.shareSetId === issued.payload['shareSetId']);
  const recorded = (split?.payload['result'] as { custodians?: RecordedShareSet['shares'] } | undefined)?.custodians;
  if (recorded === undefined) throw new KeyriteError('CEREMONY_SHARES_MISSING', `The earlier ceremony records no share commitments for set ${String(issued.payload['shareSetId'])}.`);
  const set: RecordedShareSet = {
    ceremonyId: result.ceremonyId, rootHex: result.rootHex, setId: String(issued.payload['shareSetId']), keyLabel,
    threshold: Number(issued.payload['threshold']), total: Number(issued.payload['total']), commitment: String(issued.payload['commitment']),
    shares: recorded.map((s) => ({ custodian: s.custodian, index: s.index, shareCommitment: s.shareCommitment })),
  };
  cache.set(ctx, set);
  ctx.journal.append({ type: 'previous/verified', payload: { ceremonyId: set.ceremonyId, root: set.rootHex, shareSetId: set.setId, threshold: set.threshold, total: set.total, commitment: set.commitment, note: 'The earlier ceremony\'s bundle verified; the share set record is taken from it.' } });
  return set;
}

/** The script's share policy must describe the set the earlier ceremony recorded (same M and N). */
export function checkRecordedPolicy(policy: { id: string; threshold: number; total?: number | undefined }, set: RecordedShareSet): void {
  if (policy.threshold !== set.threshold || (policy.total !== undefined && policy.total !== set.total)) {
    throw new KeyriteError('CEREMONY_POLICY_MISMATCH', `Share policy '${policy.id}' says ${policy.threshold}-of-${policy.total ?? 'any'}, but set ${set.setId} from ${set.ceremonyId} is ${set.threshold}-of-${set.total}.`);
  }
}
