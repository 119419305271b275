/**
 * The progress throttle over any stream of reports and times (a clock the
 * test gives, never the wall clock): at most one report per interval of the
 * same running item; every start, change of item or of `cancellable`, and
 * every end passes; what passes keeps its order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkReport } from '../runner/work-progress.ts';
import { PROGRESS_INTERVAL_MS, throttleProgress } from './progress-throttle.ts';

const reportArb: fc.Arbitrary<WorkReport> = fc.record({
  step: fc.constantFrom('split', 'collect', null),
  work: fc.constantFrom('sealing-share', 'opening-share', 'loading-key', 'verifying-bundle'),
  label: fc.constant('work'),
  item: fc.integer({ min: 1, max: 3 }),
  items: fc.constant(3),
  done: fc.integer({ min: 0, max: 3000 }),
  total: fc.constant(3000),
  cancellable: fc.boolean(),
  state: fc.constantFrom('running', 'running', 'running', 'running', 'finished', 'cancelled'),
});

const sameRunning = (a: WorkReport, b: WorkReport): boolean =>
  a.state === 'running' && b.state === 'running' && a.work === b.work && a.step === b.step && a.item === b.item && a.cancellable === b.cancellable;

describe('throttleProgress', () => {
  it('passes every turn and end, and at most one report per interval of one running item', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(reportArb, fc.integer({ min: 0, max: 250 })), { maxLength: 200 }), (stream) => {
        let t = 0;
        const sent: { report: WorkReport; at: number }[] = [];
        const throttled = throttleProgress((report) => sent.push({ report, at: t }), () => t);
        let previous: WorkReport | undefined;
        for (const [report, step] of stream) {
          t += step;
          const before = sent.length;
          throttled(report);
          const turn = previous === undefined || !sameRunning(previous, report);
          if (turn) expect(sent.length, 'a turn or an end is never held back').toBe(before + 1);
          previous = report;
        }
        for (let i = 1; i < sent.length; i++) {
          const [a, b] = [sent[i - 1], sent[i]] as [{ report: WorkReport; at: number }, { report: WorkReport; at: number }];
          if (sameRunning(a.report, b.report)) expect(b.at - a.at).toBeGreaterThanOrEqual(PROGRESS_INTERVAL_MS);
        }
        // Order kept: what was sent is a subsequence of what came.
        let k = 0;
        for (const [report] of stream) if (sent[k]?.report === report) k++;
        expect(k).toBe(sent.length);
      }),
      { numRuns: 500 },
    );
  });

  it('sends a KDF timer\'s 50 ms reports at ten a second, plus the start and the end', () => {
    let t = 0;
    const sent: WorkReport[] = [];
    const throttled = throttleProgress((r) => sent.push(r), () => t);
    const at = (done: number, state: WorkReport['state'] = 'running'): WorkReport => ({ step: 'split', work: 'sealing-share', label: 'Sealing share 1 of 1', item: 1, items: 1, done, total: 1000, cancellable: state === 'running', state });
    for (let i = 0; i <= 40; i++, t += 50) throttled(at(i * 20));
    throttled(at(1000, 'finished'));
    expect(sent.map((r) => r.done)).toEqual([0, 40, 80, 120, 160, 200, 240, 280, 320, 360, 400, 440, 480, 520, 560, 600, 640, 680, 720, 760, 800, 1000]);
  });
});
