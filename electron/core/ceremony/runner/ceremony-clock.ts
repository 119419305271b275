/**
 * The ceremony clock: the time every step's payload carries, and the one
 * place a step waits for a date (a grace period's end, a destruction's
 * not-before date).
 *
 * A real key destruction spans weeks, so a step may meet a date still in
 * the future:
 *   - production (`metadata.mode: production`): the clock is the wall clock
 *     and nothing else; a step whose date has not come is refused
 *     (CEREMONY_NOT_YET) naming the date, and the ceremony is resumed then;
 *   - rehearsal: the clock jumps forward to the date, and the jump is
 *     recorded (`rehearsal/clock-advanced`: from, to, why) before the step
 *     goes on, so an auditor sees the rehearsal skipped time. From then on
 *     every time the clock gives is wall time plus the jumps.
 *
 * The clock never goes back and never moves silently. The transcript's own
 * event times (`at`, `mono`) stay wall time: they record when things were
 * written, the payloads record the ceremony's time.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import type { Journal } from '../../transcript/journal.ts';

/** One forward jump of a rehearsal clock, as recorded. */
export interface ClockAdvance {
  step: string;
  from: string;
  to: string;
  why: string;
}

export interface CeremonyClock {
  readonly mode: 'rehearsal' | 'production';
  /** The ceremony's time now. */
  now(): Date;
  /**
   * Returns once the ceremony's time is at or after `notBefore`: at once if
   * it is; in a rehearsal by advancing the clock (recorded); in production
   * never: CEREMONY_NOT_YET, naming the date.
   */
  reach(notBefore: Date, reason: { step: string; why: string }): Date;
}

export interface ClockOptions {
  mode: 'rehearsal' | 'production';
  /** The wall clock (the system's; a test may fix it). */
  wall: () => Date;
  /** Records a rehearsal jump before it takes effect (the runner journals it). */
  recordAdvance: (advance: ClockAdvance) => void;
  /** A resumed rehearsal: the time its transcript's earlier jumps skipped (skippedByJumps), so its clock does not fall back. */
  skippedMs?: number;
}

export function ceremonyClock({ mode, wall, recordAdvance, skippedMs: skippedBefore = 0 }: ClockOptions): CeremonyClock {
  if (mode === 'production' && skippedBefore !== 0) throw new KeyriteError('CEREMONY_CLOCK_INVALID', 'A production ceremony\'s clock is the wall clock; it has never skipped time.');
  let skippedMs = skippedBefore;
  const now = (): Date => new Date(wall().getTime() + skippedMs);
  return {
    mode,
    now,
    reach(notBefore, { step, why }) {
      if (Number.isNaN(notBefore.getTime())) throw new KeyriteError('CEREMONY_DATE_INVALID', `Step '${step}' waits for an invalid date (${why}).`);
      const current = now();
      if (current.getTime() >= notBefore.getTime()) return current;
      if (mode === 'production') {
        throw new KeyriteError(
          'CEREMONY_NOT_YET',
          `Step '${step}' may not run before ${notBefore.toISOString()} (${why}); it is ${current.toISOString()}. Stop here and resume the ceremony on or after ${notBefore.toISOString()}.`,
        );
      }
      // Recorded first: if the journal refuses, the clock has not moved.
      recordAdvance({ step, from: current.toISOString(), to: notBefore.toISOString(), why });
      skippedMs += notBefore.getTime() - current.getTime();
      return now();
    },
  };
}

/**
 * The time a transcript's recorded jumps skipped (`rehearsal/clock-advanced`
 * events), for a resumed rehearsal's clock to start from.
 */
export function skippedByJumps(events: readonly { type: string; payload: { readonly [key: string]: unknown } }[]): number {
  let skipped = 0;
  for (const e of events) {
    if (e.type !== 'rehearsal/clock-advanced') continue;
    const span = Date.parse(String(e.payload['to'])) - Date.parse(String(e.payload['from']));
    if (!(span > 0)) throw new KeyriteError('CEREMONY_CLOCK_INVALID', `A recorded clock jump from ${String(e.payload['from'])} to ${String(e.payload['to'])} does not go forward.`);
    skipped += span;
  }
  return skipped;
}

/** The clock of one run, its rehearsal jumps recorded in the transcript as `rehearsal/clock-advanced`. */
export function journalledClock(mode: 'rehearsal' | 'production', wall: () => Date, journal: Pick<Journal, 'append'>, skippedMs = 0): CeremonyClock {
  return ceremonyClock({
    mode, wall, skippedMs,
    recordAdvance: ({ step, from, to, why }) => journal.append({
      type: 'rehearsal/clock-advanced', step,
      payload: { from, to, why, note: 'Rehearsal: the ceremony clock jumped forward instead of waiting; every time recorded after this is ceremony time (wall time plus the jumps).' },
    }),
  });
}
