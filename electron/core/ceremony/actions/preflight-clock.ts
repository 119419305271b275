/**
 * preflight.clock: the skew between the time a witness reads from their own
 * clock and the system clock. `system` in an answers file means the
 * rehearsal took the machine's clock, and the result says so.
 */
import type { ActionHandler } from '../runner/context.ts';

export const preflightClock: ActionHandler<'preflight.clock'> = async (ctx, step) => {
  const system = ctx.now();
  const fromSystem = ctx.answers.witnessTime === 'system';
  const witness = fromSystem ? system : new Date(ctx.answers.witnessTime);
  const skewSeconds = Math.round(Math.abs(system.getTime() - witness.getTime()) / 1000);
  return Promise.resolve({
    result: { witnessTime: witness.toISOString(), systemTime: system.toISOString(), skewSeconds, maxSkewSeconds: step.params.maxSkewSeconds, witnessTimeSource: fromSystem ? 'rehearsal: system clock' : 'answers file' },
    deviation: skewSeconds > step.params.maxSkewSeconds,
  });
};
