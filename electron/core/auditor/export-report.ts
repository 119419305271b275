/**
 * Writes the audit report of an opened bundle, as HTML and as PDF (the same
 * renderers as the bundle's own report, ../transcript/report-*.ts), into a
 * folder the person chose. Like the bundle export, it never overwrites a
 * file: a report already there is refused before anything is written.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportedReport } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { utf8ToBytes } from '../../../shared/transcript/bytes.ts';
import { writeFileAtomically } from '../transcript/durable-file.ts';
import { renderReportHtml } from '../transcript/report-html.ts';
import type { ReportModel } from '../transcript/report-model.ts';
import { renderReportPdf } from '../transcript/report-pdf.ts';

/** A file name from a ceremony id (`root-key-generation/rehearsal-2026…`): letters, digits, '.', '_' and '-' only. */
export function reportBaseName(ceremonyId: string): string {
  const safe = ceremonyId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 160);
  return `${safe === '' ? 'ceremony' : safe}-audit-report`;
}

export async function exportAuditReport(model: ReportModel, folder: string): Promise<ExportedReport> {
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) throw new KeyriteError('AUDITOR_NOT_A_FOLDER', 'The chosen place for the report is not a folder; choose a folder.');
  const base = reportBaseName(model.ceremonyId);
  const files = [`${base}.html`, `${base}.pdf`];
  const taken = files.find((name) => existsSync(join(folder, name)));
  if (taken !== undefined) throw new KeyriteError('AUDITOR_REPORT_EXISTS', `${taken} is already in that folder, and a report is never overwritten; choose another folder.`);
  const pdf = await renderReportPdf(model);
  writeFileAtomically(join(folder, files[0] as string), utf8ToBytes(renderReportHtml(model)), { exclusive: true });
  writeFileAtomically(join(folder, files[1] as string), pdf, { exclusive: true });
  return { folder: folder.slice(0, 4096), files };
}
