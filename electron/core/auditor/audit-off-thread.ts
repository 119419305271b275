/**
 * Auditing a bundle without blocking the engine's thread: in Electron that
 * thread is the main process, and verifying 100,000 events takes seconds
 * (npm run bench:verify), during which no IPC would be answered and no
 * progress sent. So the work runs on a worker thread (open-bundle-worker.ts)
 * and a cancel terminates it at once.
 *
 * WARNING: where the worker file cannot be loaded (a bundle of the main
 * process that does not ship it as its own entry), the same work runs on
 * this thread instead, with the same result; a cancel then takes effect
 * between phases only.
 */
import { Worker } from 'node:worker_threads';
import type { AuditorProgress, BundleHandle, BundleKind } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { auditBundle, type Audited } from './open-bundle.ts';

export interface AuditRequest {
  readonly path: string;
  readonly kind: BundleKind;
  readonly handle: BundleHandle;
  readonly name: string;
}

export type WorkerMessage =
  | { type: 'progress'; phase: AuditorProgress['phase']; bytesRead: number; events: number }
  | { type: 'done'; audited: Audited }
  | { type: 'failed'; code: string; message: string };

export interface RunningAudit {
  readonly done: Promise<Audited>;
  /** Stops the audit; `done` then rejects with AUDITOR_CANCELLED. */
  cancel(): void;
  /** Where it runs: 'worker', or 'this-thread' when the worker could not start. */
  readonly where: () => 'worker' | 'this-thread';
}

/**
 * A variable, not a literal: Vite rewrites `new Worker(new URL('literal',
 * import.meta.url))` into a browser worker bundle, which a Node main process
 * cannot use (and which breaks the main build). In the CommonJS main
 * bundle `import.meta.url` is empty, the URL throws, and the audit falls
 * back to this thread; shipping the worker there needs it as its own entry
 * of vite.main.config.ts.
 */
const WORKER_FILE = './open-bundle-worker.ts';

const cancelledError = (): KeyriteError => new KeyriteError('AUDITOR_CANCELLED', 'Opening the bundle was cancelled; nothing was verified.');

export function startAudit(request: AuditRequest, progress: (phase: AuditorProgress['phase'], bytesRead: number, events: number) => void, options: { useWorker?: boolean } = {}): RunningAudit {
  let cancelled = false;
  let where: 'worker' | 'this-thread' = 'worker';
  let stopWorker: (() => void) | undefined;
  const inThisThread = (): Promise<Audited> => {
    where = 'this-thread';
    return auditBundle(request, { progress, cancelled: () => cancelled });
  };

  const done = new Promise<Audited>((resolve, reject) => {
    if (options.useWorker === false) {
      inThisThread().then(resolve, reject);
      return;
    }
    let heard = false;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL(WORKER_FILE, import.meta.url), { workerData: request });
    } catch {
      inThisThread().then(resolve, reject);
      return;
    }
    stopWorker = () => {
      settle(() => reject(cancelledError()));
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      heard = true;
      if (message.type === 'progress') progress(message.phase, message.bytesRead, message.events);
      else if (message.type === 'done') settle(() => resolve(message.audited));
      // A typed error says what is wrong and is safe to show; anything else is a bug, logged by the router, not shown.
      else settle(() => reject(message.code === 'INTERNAL' ? new Error(message.message) : new KeyriteError(message.code, message.message)));
    });
    // A worker that fails before saying anything could not load: do the work here.
    worker.on('error', (error) => settle(() => (heard || cancelled ? reject(error) : inThisThread().then(resolve, reject))));
    worker.on('exit', () => settle(() => reject(cancelled ? cancelledError() : new Error('the audit worker stopped without an answer'))));
  });

  return {
    done,
    cancel() {
      cancelled = true;
      stopWorker?.();
    },
    where: () => where,
  };
}
