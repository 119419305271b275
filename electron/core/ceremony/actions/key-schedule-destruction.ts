/**
 * key.scheduleDestruction: once the deprecation's grace period has ended,
 * destruction is scheduled no earlier than `waitingPeriodDays` later
 * (`notBefore`), so anyone who objects has time to say so. Before the grace
 * period ends the ceremony clock refuses (production) or advances, recorded
 * (rehearsal). The key must still be the recorded one on the same token.
 */
import type { ActionHandler } from '../runner/context.ts';
import { confirmRecordedKey } from './key-recorded.ts';
import { lifecycleOf, plusDays } from './key-lifecycle.ts';

export const keyScheduleDestruction: ActionHandler<'key.scheduleDestruction'> = async (ctx, step) => {
  const { key, hsm, deprecation, waitingPeriodDays } = step.params;
  const deprecated = lifecycleOf(ctx, step, deprecation, 'deprecated', key);
  ctx.clock.reach(deprecated.graceEndsAt, { step: step.id, why: `the grace period of key '${key}', deprecated by step '${deprecation}' at ${deprecated.deprecatedAt.toISOString()}, ends` });
  const { recorded } = await confirmRecordedKey(ctx, step, key, hsm);
  const scheduledAt = ctx.now();
  const notBefore = plusDays(scheduledAt, waitingPeriodDays);
  ctx.keyLifecycle.set(step.id, { kind: 'scheduled', key, hsm, fingerprint: recorded.fingerprint, scheduledAt, notBefore });
  return {
    result: {
      scheduledAt: scheduledAt.toISOString(), notBefore: notBefore.toISOString(), waitingPeriodDays,
      graceEndedAt: deprecated.graceEndsAt.toISOString(), fingerprint: recorded.fingerprint,
    },
  };
};
