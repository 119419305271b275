/**
 * Handlers for the auditor part of the contract (shared/contract/auditor.ts):
 * choose a bundle through the host, open and verify it, page its timeline,
 * export its report. Every open and export is recorded in the audit log.
 */
import { AUDIT_LIMITS, type AuditReport } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { auditReportOf, timelineEntry } from '../auditor/audit-report.ts';
import { BundleHandles, describeChoice } from '../auditor/bundle-handles.ts';
import { exportAuditReport } from '../auditor/export-report.ts';
import { openBundle, type OpenedBundle } from '../auditor/open-bundle.ts';
import type { EngineServices, HandlersFor, HostChooser } from '../engine-services.ts';

interface Audited {
  readonly opened: OpenedBundle;
  readonly report: AuditReport;
}

export function auditorHandlers(services: EngineServices): HandlersFor<'auditor'> {
  const bundles = new BundleHandles<Audited>();
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
      const opening = { cancelled: false };
      choice.opening = opening;
      try {
        const result = await openBundle(choice.path, choice.kind, {
          progress: (phase, bytesRead, events) => services.emit({ name: 'auditor/progress', payload: { handle, phase, bytesRead, events } }),
          cancelled: () => opening.cancelled,
        });
        const report = auditReportOf(handle, choice.name, result.verification, result.model);
        choice.opened = { opened: result, report };
        services.audit.record('auditor.bundle-checked', `Evidence bundle ${choice.name} checked offline: ${result.verification.status.toUpperCase()} (${result.verification.eventCount} events)`);
        return report;
      } catch (error) {
        if (error instanceof KeyriteError && error.code === 'AUDITOR_CANCELLED') services.audit.record('auditor.open-cancelled', `Opening evidence bundle ${choice.name} was cancelled`);
        throw error;
      } finally {
        choice.opening = undefined;
      }
    },

    'auditor/cancelOpen': ({ handle }) => {
      const opening = bundles.get(handle).opening;
      if (opening === undefined) return { cancelled: false };
      opening.cancelled = true;
      return { cancelled: true };
    },

    'auditor/timeline': ({ handle, from, count }) => {
      const timeline = opened(handle).opened.model.timeline;
      return { entries: timeline.slice(from, from + Math.min(count, AUDIT_LIMITS.timelinePage)).map(timelineEntry), total: timeline.length };
    },

    'auditor/exportReport': async ({ handle }) => {
      const audited = opened(handle);
      const folder = await chooser().chooseReportFolder();
      if (folder === null) return { written: null };
      const written = await exportAuditReport(audited.opened.model, folder);
      services.audit.record('auditor.report-exported', `Audit report of ${audited.report.bundleName} written: ${written.files.join(', ')}`);
      return { written };
    },
  };
}
