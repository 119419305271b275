/**
 * Long work inside a step (issue #8: "KDFs, multi-HSM loads, verification
 * show progress and can be cancelled where it is safe to"). Handlers report
 * what they are doing through the run context's `work`; the session turns
 * each report into a `ceremony/progress` event (public values only: names,
 * counts, fractions).
 *
 * Only work started through `cancellable` can be cancelled, and a handler
 * uses it only where stopping leaves nothing behind: a share's KDF while it
 * is sealed (before anything is written) or opened. The work then rejects
 * with WorkCancelled, which the handler records (work/cancelled) before it
 * asks its question again.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import type { CeremonyProgress } from '../../../../shared/contract/ceremony.ts';
import type { Step } from '../../../../shared/ceremony/index.ts';
import type { RunContext } from './context.ts';

export type WorkReport = CeremonyProgress;
export type WorkKind = WorkReport['work'];

/** Units of one item's work in `done`/`total`: a per-mille of each share's KDF. */
export const UNITS_PER_ITEM = 1000;

/** The operator cancelled the work; `report` is where it stood. */
export class WorkCancelled extends KeyriteError {
  readonly report: WorkReport;
  constructor(report: WorkReport) {
    super('CEREMONY_WORK_CANCELLED', `${report.label}: cancelled by the operator.`);
    this.report = report;
  }
}

export interface CancellableWork {
  step: string;
  work: WorkKind;
  items: number;
  /** The item's words: "Sealing share 2 of 5, for Alice Example". */
  label(item: number): string;
}

export class CeremonyWork {
  readonly #listener: ((report: WorkReport) => void) | undefined;
  #controller: AbortController | undefined;

  constructor(listener?: (report: WorkReport) => void) {
    this.#listener = listener;
  }

  /** True while work that may be cancelled runs. */
  get canCancel(): boolean {
    return this.#controller !== undefined && !this.#controller.signal.aborted;
  }

  /** Reports work that cannot be cancelled (an HSM load, the bundle's verification). */
  report(report: Omit<WorkReport, 'cancellable'>): void {
    this.#listener?.({ ...report, cancellable: false });
  }

  /**
   * Cancels the cancellable work running now; false (nothing done) when none
   * runs. With `instead` (an abort of the whole ceremony) the work ends with
   * that error rather than WorkCancelled, so it is not recorded as the
   * operator cancelling one piece of work and asked again.
   */
  cancel(instead?: KeyriteError): boolean {
    if (!this.canCancel) return false;
    this.#controller?.abort(instead);
    return true;
  }

  /**
   * Runs `run` with a signal and a progress sink (item 1..items, fraction
   * 0..1 of that item). Rejects with WorkCancelled when `cancel` stopped it,
   * whatever `run` itself rejected with.
   */
  async cancellable<T>(work: CancellableWork, run: (signal: AbortSignal, progress: (item: number, fraction: number) => void) => Promise<T>): Promise<T> {
    if (this.#controller !== undefined) throw new KeyriteError('CEREMONY_WORK_BUSY', 'Two pieces of cancellable work at once; this is a bug.');
    const controller = new AbortController();
    this.#controller = controller;
    let at = { item: 1, fraction: 0 };
    const report = (state: WorkReport['state'], cancellable: boolean): WorkReport => {
      const total = work.items * UNITS_PER_ITEM;
      const done = state === 'finished' ? total : Math.min(total, (at.item - 1) * UNITS_PER_ITEM + Math.round(at.fraction * UNITS_PER_ITEM));
      return { step: work.step, work: work.work, label: work.label(at.item).slice(0, 256), item: at.item, items: work.items, done, total, cancellable, state };
    };
    const progress = (item: number, fraction: number): void => {
      if (controller.signal.aborted) return;
      at = { item: Math.min(Math.max(1, item), work.items), fraction: Math.min(Math.max(0, fraction), 1) };
      this.#listener?.(report('running', true));
    };
    progress(1, 0);
    try {
      const value = await run(controller.signal, progress);
      if (controller.signal.aborted) throw controller.signal.reason instanceof KeyriteError ? controller.signal.reason : new WorkCancelled(report('cancelled', false));
      this.#listener?.(report('finished', false));
      return value;
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      const cancelled = report('cancelled', false);
      this.#listener?.(cancelled);
      const instead: unknown = controller.signal.reason;
      if (instead instanceof KeyriteError) throw instead;
      throw error instanceof WorkCancelled ? error : new WorkCancelled(cancelled);
    } finally {
      this.#controller = undefined;
    }
  }
}

/**
 * Records a cancellation and tells the people at the screen, who are asked
 * the step's question again (`again` says what it is).
 */
export function recordCancelled(ctx: RunContext, step: Step, cancelled: WorkCancelled, kept: string, again: string): void {
  const r = cancelled.report;
  ctx.journal.append({
    type: 'work/cancelled', step: step.id,
    payload: { work: r.work, label: r.label, item: r.item, items: r.items, kept, note: `Cancelled by the operator; ${again}` },
  });
  ctx.inputs.notify?.({ kind: 'refused', step: step.id, code: cancelled.code, message: `${r.label}: cancelled. ${kept} ${again}` });
}
