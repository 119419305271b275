/**
 * At most one progress report per `intervalMs` crosses IPC (the KDF's timer
 * reports every 50 ms), except the ones the screen must not miss: a new
 * piece of work or item, a change of `cancellable`, and the end (finished
 * or cancelled). A report held back is never sent late: the next one
 * carries newer numbers.
 */
import type { WorkReport } from '../runner/work-progress.ts';

export const PROGRESS_INTERVAL_MS = 100;

export function throttleProgress(send: (report: WorkReport) => void, now: () => number = () => performance.now(), intervalMs = PROGRESS_INTERVAL_MS): (report: WorkReport) => void {
  let last: { report: WorkReport; at: number } | undefined;
  return (report) => {
    const t = now();
    const before = last?.report;
    const turning = before === undefined || report.state !== 'running' || before.state !== 'running' || before.work !== report.work || before.step !== report.step || before.item !== report.item || before.cancellable !== report.cancellable;
    if (!turning && t - (last?.at ?? 0) < intervalMs) return;
    last = { report, at: t };
    send(report);
  };
}
