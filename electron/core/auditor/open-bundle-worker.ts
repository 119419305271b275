/**
 * Worker thread of audit-off-thread.ts: opens, verifies and summarises one
 * bundle (open-bundle.ts) and posts back progress, then the report model
 * and the screen's report (small: the events stay here and die with the
 * thread), or the typed error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeyriteError } from '../../../shared/result.ts';
import { auditBundle } from './open-bundle.ts';
import type { AuditRequest, WorkerMessage } from './audit-off-thread.ts';

const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

try {
  const audited = await auditBundle(workerData as AuditRequest, {
    progress: (phase, bytesRead, events) => post({ type: 'progress', phase, bytesRead, events }),
    cancelled: () => false,
  });
  post({ type: 'done', audited });
} catch (error) {
  post(error instanceof KeyriteError ? { type: 'failed', code: error.code, message: error.message } : { type: 'failed', code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
}
