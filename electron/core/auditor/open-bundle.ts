/**
 * Opening a bundle for audit: read it (folder or .tar), verify it with the
 * same pure verifier as `keyrite verify` (shared/transcript/bundle.ts),
 * and build the report model the HTML and PDF reports render.
 *
 * Progress is told in phases (reading, verifying, summarising) with the
 * bytes read and the events found. This runs on a worker thread
 * (audit-off-thread.ts), where a cancel stops it at once; run in-thread
 * (the fallback), a cancel takes effect between phases, because the
 * verifier is one pure function with no place to stop.
 */
import { statSync } from 'node:fs';
import type { AuditorProgress, AuditReport, BundleHandle, BundleKind } from '../../../shared/contract/auditor.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { JOURNAL_PATH, bundleKeys, verifyBundle, type BundleVerification } from '../../../shared/transcript/bundle.ts';
import { readBundle } from '../transcript/bundle-export.ts';
import { nodeCrypto } from '../transcript/node-crypto.ts';
import { buildReportModel, type ReportModel } from '../transcript/report-model.ts';
import { auditReportOf } from './audit-report.ts';

/** A .tar bundle is read into memory whole; beyond this it is refused rather than exhaust memory. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

export interface OpenedBundle {
  readonly verification: BundleVerification;
  readonly model: ReportModel;
  /** The vkeys the bundle lists (keys.txt), which the verification trusted. */
  readonly keys: readonly string[];
}

export interface OpenOptions {
  readonly progress: (phase: AuditorProgress['phase'], bytesRead: number, events: number) => void;
  /** True once the person asked to stop. */
  readonly cancelled: () => boolean;
  readonly now?: () => Date;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function newlines(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 0;
  let count = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/** Refuses a path that is not the kind the person chose (a folder chosen as an archive, a missing file). */
export function checkChosenPath(path: string, kind: BundleKind): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new KeyriteError('AUDITOR_BUNDLE_MISSING', 'The chosen bundle is no longer there; choose it again.');
  }
  if (kind === 'folder' && !stat.isDirectory()) throw new KeyriteError('AUDITOR_NOT_A_BUNDLE', 'The chosen bundle is not a folder; open it as an archive instead.');
  if (kind === 'archive' && !stat.isFile()) throw new KeyriteError('AUDITOR_NOT_A_BUNDLE', 'The chosen bundle is not a file; open it as a folder instead.');
  if (kind === 'archive' && stat.size > MAX_ARCHIVE_BYTES) throw new KeyriteError('AUDITOR_BUNDLE_TOO_LARGE', `The archive is ${stat.size} bytes; Keyrite opens archives up to ${MAX_ARCHIVE_BYTES} bytes. Unpack it and open the folder.`);
}

/** Why a bundle could not be read. A filesystem error's message names the path, which stays in the engine: it is told by its code instead. */
export function unreadableReason(error: unknown): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined) return `a file in it could not be read (${code})`;
  return error instanceof Error ? error.message : String(error);
}

function stopIfCancelled(options: OpenOptions): void {
  if (options.cancelled()) throw new KeyriteError('AUDITOR_CANCELLED', 'Opening the bundle was cancelled; nothing was verified.');
}

/**
 * Reads and verifies the bundle at `path`. A bundle that cannot be read is
 * not an error: it verifies as `unreadable`, and the report says why.
 */
export async function openBundle(path: string, kind: BundleKind, options: OpenOptions): Promise<OpenedBundle> {
  checkChosenPath(path, kind);
  options.progress('reading', 0, 0);
  await nextTurn();
  stopIfCancelled(options);
  let files: Map<string, Uint8Array>;
  try {
    files = readBundle(path);
  } catch (error) {
    const verification: BundleVerification = { status: 'unreadable', summary: `The bundle could not be read: ${unreadableReason(error)}`, ceremonyId: undefined, eventCount: 0, signedSize: 0, rootHex: undefined, checkpoints: [], events: [], manifestProblems: [], trust: 'bundle-keys' };
    return { verification, model: buildReportModel(verification, [], (options.now ?? (() => new Date()))()), keys: [] };
  }
  const bytesRead = [...files.values()].reduce((total, bytes) => total + bytes.length, 0);
  const events = newlines(files.get(JOURNAL_PATH));
  options.progress('verifying', bytesRead, events);
  await nextTurn();
  stopIfCancelled(options);
  // The bundle's own keys, as `keyrite verify` does without --key; the report says so (trust: bundle-keys).
  const verification = verifyBundle(files, nodeCrypto);
  const keys = bundleKeys(files);
  options.progress('summarising', bytesRead, verification.eventCount);
  await nextTurn();
  stopIfCancelled(options);
  // The verifier returns the events up to and including the first bad one; the report lists only those it vouches for,
  // so a changed sign-off or key never appears among the good ones.
  const bad = verification.firstBadEvent;
  const vouched = bad === undefined ? verification : { ...verification, events: verification.events.filter((event) => event.seq < bad.index) };
  return { verification, model: buildReportModel(vouched, keys, (options.now ?? (() => new Date()))()), keys };
}

/** What the auditor's commands keep of an opened bundle: the report model (for export and the timeline) and the screen's report. Not the events: those stay with the verifier. */
export interface Audited {
  readonly model: ReportModel;
  readonly report: AuditReport;
}

/** Opens, verifies and summarises a chosen bundle on this thread. */
export async function auditBundle(choice: { readonly path: string; readonly kind: BundleKind; readonly handle: BundleHandle; readonly name: string }, options: OpenOptions): Promise<Audited> {
  const opened = await openBundle(choice.path, choice.kind, options);
  return { model: opened.model, report: auditReportOf(choice.handle, choice.name, opened.verification, opened.model) };
}
