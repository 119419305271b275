import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyriteError } from '../../../../shared/result.ts';
import { ceremonyClock, skippedByJumps, type ClockAdvance } from './ceremony-clock.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-11-29T09:00:00.000Z');

/** A wall clock the test moves by hand (never a timed assertion). */
function manualWall(start = START) {
  let t = start;
  return { wall: () => new Date(t), tick: (ms: number) => { t += ms; } };
}

describe('ceremony clock, rehearsal', () => {
  it('advances to a future not-before date and records from, to and why before it moves', () => {
    const { wall } = manualWall();
    const advances: ClockAdvance[] = [];
    const clock = ceremonyClock({ mode: 'rehearsal', wall, recordAdvance: (a) => advances.push(a) });
    const graceEnd = new Date(START + 7 * DAY);
    expect(clock.reach(graceEnd, { step: 'schedule', why: 'grace period ends' }).toISOString()).toBe(graceEnd.toISOString());
    expect(advances).toEqual([{ step: 'schedule', from: new Date(START).toISOString(), to: graceEnd.toISOString(), why: 'grace period ends' }]);
    // Later times come from the advanced clock.
    expect(clock.now().toISOString()).toBe(graceEnd.toISOString());
    // A date already reached changes nothing and records nothing.
    clock.reach(new Date(START + DAY), { step: 'destroy', why: 'past' });
    expect(advances).toHaveLength(1);
  });

  it('does not move when the journal refuses to record the jump', () => {
    const { wall } = manualWall();
    const clock = ceremonyClock({ mode: 'rehearsal', wall, recordAdvance: () => { throw new Error('disk full'); } });
    expect(() => clock.reach(new Date(START + DAY), { step: 's', why: 'w' })).toThrow('disk full');
    expect(clock.now().getTime()).toBe(START);
  });

  it('property: never goes back; after reach(t) it is at or after t; each jump is recorded, forward, from the time it was at', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ wait: fc.integer({ min: -40 * DAY, max: 40 * DAY }), tick: fc.integer({ min: 0, max: DAY }) }), { maxLength: 30 }), (calls) => {
        const { wall, tick } = manualWall();
        const advances: ClockAdvance[] = [];
        const clock = ceremonyClock({ mode: 'rehearsal', wall, recordAdvance: (a) => advances.push(a) });
        let last = clock.now().getTime();
        for (const { wait, tick: ms } of calls) {
          tick(ms);
          const before = clock.now().getTime();
          const target = new Date(before + wait);
          const recorded = advances.length;
          const reached = clock.reach(target, { step: 'x', why: 'y' }).getTime();
          expect(reached).toBeGreaterThanOrEqual(Math.max(before, target.getTime()));
          expect(reached).toBeGreaterThanOrEqual(last);
          if (wait > 0) {
            expect(advances).toHaveLength(recorded + 1);
            expect(advances.at(-1)).toEqual({ step: 'x', from: new Date(before).toISOString(), to: target.toISOString(), why: 'y' });
          } else {
            expect(advances).toHaveLength(recorded);
          }
          last = reached;
        }
        // The clock is the wall clock plus exactly the recorded jumps.
        const skipped = advances.reduce((sum, a) => sum + Date.parse(a.to) - Date.parse(a.from), 0);
        expect(clock.now().getTime()).toBe(wall().getTime() + skipped);
      }),
    );
  });
});

describe('ceremony clock, production', () => {
  it('refuses a date in the future with CEREMONY_NOT_YET naming the date, and never moves', () => {
    const { wall } = manualWall();
    const clock = ceremonyClock({ mode: 'production', wall, recordAdvance: () => { throw new Error('a production clock never advances'); } });
    const notBefore = new Date(START + 30 * DAY);
    let refusal: unknown;
    try {
      clock.reach(notBefore, { step: 'destroy', why: 'waiting period of 30 days' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(KeyriteError);
    expect(refusal).toMatchObject({ code: 'CEREMONY_NOT_YET' });
    expect((refusal as Error).message).toContain(notBefore.toISOString());
    expect((refusal as Error).message).toContain("Step 'destroy'");
    expect(clock.now().getTime()).toBe(START);
  });

  it('property: reach(t) passes exactly when the wall clock is at or after t', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DAY, max: DAY }), (offset) => {
        const { wall } = manualWall();
        const clock = ceremonyClock({ mode: 'production', wall, recordAdvance: () => { throw new Error('never'); } });
        const target = new Date(START + offset);
        if (offset <= 0) expect(clock.reach(target, { step: 's', why: 'w' }).getTime()).toBe(START);
        else expect(() => clock.reach(target, { step: 's', why: 'w' })).toThrow(/CEREMONY_NOT_YET|may not run before/);
      }),
    );
  });

  it('refuses an invalid date in either mode', () => {
    for (const mode of ['production', 'rehearsal'] as const) {
      const clock = ceremonyClock({ mode, wall: () => new Date(START), recordAdvance: () => {} });
      expect(() => clock.reach(new Date(Number.NaN), { step: 's', why: 'w' })).toThrow(expect.objectContaining({ code: 'CEREMONY_DATE_INVALID' }) as Error);
    }
  });
});

describe('ceremony clock, resumed rehearsal', () => {
  it('starts from the time the transcript\'s recorded jumps skipped, so it does not fall back after a crash', () => {
    const { wall } = manualWall();
    const advances: ClockAdvance[] = [];
    const before = ceremonyClock({ mode: 'rehearsal', wall, recordAdvance: (a) => advances.push(a) });
    before.reach(new Date(START + 7 * DAY), { step: 'schedule', why: 'grace' });
    before.reach(new Date(START + 37 * DAY), { step: 'destroy', why: 'waiting period' });
    const events = advances.map((a) => ({ type: 'rehearsal/clock-advanced', payload: { ...a } }));
    const skipped = skippedByJumps([{ type: 'step/result', payload: {} }, ...events]);
    expect(skipped).toBe(37 * DAY);
    const after = ceremonyClock({ mode: 'rehearsal', wall, recordAdvance: () => {}, skippedMs: skipped });
    expect(after.now().getTime()).toBe(before.now().getTime());
  });

  it('refuses a recorded jump that does not go forward, and a production clock that claims skipped time', () => {
    expect(() => skippedByJumps([{ type: 'rehearsal/clock-advanced', payload: { from: '2026-12-06T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' } }])).toThrow(expect.objectContaining({ code: 'CEREMONY_CLOCK_INVALID' }) as Error);
    expect(() => skippedByJumps([{ type: 'rehearsal/clock-advanced', payload: { from: 'garbage', to: '2026-12-01T00:00:00.000Z' } }])).toThrow(expect.objectContaining({ code: 'CEREMONY_CLOCK_INVALID' }) as Error);
    expect(() => ceremonyClock({ mode: 'production', wall: () => new Date(START), recordAdvance: () => {}, skippedMs: DAY })).toThrow(expect.objectContaining({ code: 'CEREMONY_CLOCK_INVALID' }) as Error);
  });
});
