/**
 * Changing custodians or threshold: rebuild from M shares of the old set,
 * split into a new set (new M', N', custodians, set id). The old set id is
 * returned so the ceremony records it as revoked. The secret exists only
 * between the two steps and is wiped on every path.
 */
import { ShareSetError } from '../../../shared/shares/share-rejection.ts';
import type { RebuildSession } from './rebuild-session.ts';
import { splitSecret } from './split.ts';
import type { ShareSet, SplitRequest } from './split.ts';

export interface ReshareResult {
  /** Record as revoked: its shares no longer rebuild anything Keyrite will accept for this key. */
  revokedSetId: string;
  newSet: ShareSet;
  /** Old shares found bad while rebuilding (to record as exceptions). */
  badOldShares: string[];
}

/** `request.key` defaults to the old set's key; the new set must belong to the same ceremony as given. */
export async function reshare(session: RebuildSession, request: Omit<SplitRequest, 'key'> & { key?: SplitRequest['key'] }): Promise<ReshareResult> {
  const outcome = await session.rebuild();
  if (!outcome.ok) {
    for (const custodian of request.custodians) custodian.passphrase.wipe();
    throw outcome.error;
  }
  const { secret, setId, header, badShares } = outcome.rebuilt;
  try {
    const key = request.key ?? { id: header.keyId, label: header.keyLabel, fingerprint: header.keyFingerprint };
    const newSet = await splitSecret(secret, { ...request, key });
    if (newSet.setId === setId) throw new ShareSetError('SHARE_REBUILD_MISMATCH', 'The new set has the old set id.');
    return { revokedSetId: setId, newSet, badOldShares: badShares.map((s) => s.source) };
  } finally {
    secret.wipe();
    for (const custodian of request.custodians) custodian.passphrase.wipe();
  }
}
