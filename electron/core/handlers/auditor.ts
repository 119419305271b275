/**
 * Handlers for the auditor part of the contract (shared/contract/auditor.ts):
 * choose a bundle through the host, open and verify it, page its timeline,
 * export its report. Every open and export is recorded in the audit log.
 */
import { AUDIT_LIMITS } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { startAudit, type RunningAudit } from '../auditor/audit-off-thread.ts';
import { timelineEntry } from '../auditor/audit-report.ts';
import { BundleHandles, describeChoice } from '../auditor/bundle-handles.ts';
import { exportAuditReport } from '../auditor/export-report.ts';
import type { Audited } from '../auditor/open-bundle.ts';
import type { EngineServices, HandlersFor, HostChooser } from '../engine-services.ts';

/** `useWorker: false` runs audits on the engine's thread (tests of the fallback). */
export function auditorHandlers(services: EngineServices, options: { useWorker?: boolean } = {}): HandlersFor<'auditor'> {
  const bundles = new BundleHandles<Audited, RunningAudit>();
  const running = new Set<RunningAudit>();
  services.onClose(() => {
    for (const audit of running) audit.cancel();
  });
  const chooser = (): HostChooser => {
    const chooser = services.config.chooser;
    if (chooser === undefined) throw new KeyriteError('AUDITOR_NO_CHOOSER', 'This host cannot show a file chooser; use `keyrite verify <bundle>` instead.');
    return chooser;
  };
  const opened = (handle: string): Audited => {
    const audited = bundles.get(handle).opened;
    if (audited === undefined) throw new KeyriteError('AUDITOR_NOT_OPENED', 'That bundle has not been opened yet.');
    return audited;
  };

  return {
    'auditor/chooseBundle': async ({ kind }) => {
      const path = await chooser().chooseBundle(kind);
      if (path === null) return { chosen: null };
      return { chosen: describeChoice(bundles.remember(path, kind)) };
    },

    'auditor/openBundle': async ({ handle }) => {
      const choice = bundles.get(handle);
      if (choice.opened !== undefined) return choice.opened.report;
      if (choice.opening !== undefined) throw new KeyriteError('AUDITOR_BUSY', 'That bundle is already being opened.');
      const audit = startAudit(choice, (phase, bytesRead, events) => services.emit({ name: 'auditor/progress', payload: { handle, phase, bytesRead, events } }), options);
      choice.opening = audit;
      running.add(audit);
      try {
        const audited = await audit.done;
        choice.opened = audited;
        const { status, eventCount } = audited.report.verification;
        services.audit.record('auditor.bundle-checked', `Evidence bundle ${choice.name} checked offline: ${status.toUpperCase()} (${eventCount} events)`);
        return audited.report;
      } catch (error) {
        if (error instanceof KeyriteError && error.code === 'AUDITOR_CANCELLED') services.audit.record('auditor.open-cancelled', `Opening evidence bundle ${choice.name} was cancelled`);
        throw error;
      } finally {
        choice.opening = undefined;
        running.delete(audit);
      }
    },

    'auditor/cancelOpen': ({ handle }) => {
      const opening = bundles.get(handle).opening;
      if (opening === undefined) return { cancelled: false };
      opening.cancel();
      return { cancelled: true };
    },

    'auditor/timeline': ({ handle, from, count }) => {
      const timeline = opened(handle).model.timeline;
      return { entries: timeline.slice(from, from + Math.min(count, AUDIT_LIMITS.timelinePage)).map(timelineEntry), total: timeline.length };
    },

    'auditor/exportReport': async ({ handle }) => {
      const audited = opened(handle);
      const folder = await chooser().chooseReportFolder();
      if (folder === null) return { written: null };
      const written = await exportAuditReport(audited.model, folder);
      services.audit.record('auditor.report-exported', `Audit report of ${audited.report.bundleName} written: ${written.files.join(', ')}`);
      return { written };
    },
  };
}
