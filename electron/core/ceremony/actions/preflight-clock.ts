/**
 * preflight.clock: the skew between the time a witness reads from their own
 * clock and the system clock. `system` in an answers file means the
 * rehearsal took the machine's clock, and the result says so.
 */
import type { ActionHandler } from '../runner/context.ts';

export const preflightClock: ActionHandler<'preflight.clock'> = async (ctx, step) => {
  const { time, source } = await ctx.inputs.witnessTime({ step });
  const system = ctx.now();
  const witness = source === 'rehearsal: system clock' ? system : time;
  const skewSeconds = Math.round(Math.abs(system.getTime() - witness.getTime()) / 1000);
  return {
    result: { witnessTime: witness.toISOString(), systemTime: system.toISOString(), skewSeconds, maxSkewSeconds: step.params.maxSkewSeconds, witnessTimeSource: source },
    deviation: skewSeconds > step.params.maxSkewSeconds,
  };
};
