/**
 * preflight.airGap: the devices module's air-gap check. In a rehearsal an
 * online machine is a warning (a deviation the script lets continue); in a
 * production-mode script it is a stop. The decision comes from the devices
 * module's policy, not from here.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { collectDevicePreflight } from '../../devices/index.ts';
import type { ActionHandler, RunContext } from '../runner/context.ts';

export const APP_VERSION = '0.0.0-rehearsal';

/** One device pre-flight per run, shared by the air-gap and inventory steps. */
export async function devicesOf(ctx: RunContext): Promise<NonNullable<RunContext['devices']>> {
  ctx.devices ??= await collectDevicePreflight({ mode: ctx.script.metadata.mode, appVersion: APP_VERSION, bundlePath: null });
  return ctx.devices;
}

export const preflightAirGap: ActionHandler<'preflight.airGap'> = async (ctx) => {
  const { airGap, airGapDecision, environment } = await devicesOf(ctx);
  // A production script on an online machine stops here, whatever its onException says: the
  // devices module's signed-exception override is not wired into this runner.
  // `metadata.airGap: enforce` stops an online machine in any mode (the script format's rule).
  if (airGapDecision.decision === 'refuse' || (ctx.script.metadata.airGap === 'enforce' && airGap.verdict === 'online')) {
    throw new KeyriteError('CEREMONY_AIR_GAP_REFUSED', airGapDecision.message);
  }
  const names = (kind: string) => airGap.findings.filter((f) => f.kind === kind).map((f) => f.name);
  return {
    result: {
      interfacesUp: names('interface-up'), radiosOn: names('radio-unblocked'), defaultRoutes: names('default-route'),
      decision: airGapDecision.decision, message: airGapDecision.message, verdict: airGap.verdict,
      unreadSources: airGap.sources.filter((s) => s.state === 'unavailable').map((s) => s.source),
      // The environment record (OS, kernel, arch, app version and bundle hash, swap, core dumps, clock and
      // time zone) belongs in the pre-flight events: public values only, as the devices module records them.
      environment: { ...environment },
    },
    deviation: airGapDecision.decision !== 'pass',
  };
};
