/**
 * The auditor's screen: which bundle is open (by handle, never by path),
 * how far its verification got, and the report the engine built from it.
 * Everything here is public: a report of a finished ceremony.
 */
import type { StateCreator } from 'zustand';
import type { AUDIT_LIMITS, AuditorProgress, AuditReport, BundleKind, ChosenBundle, ExportedReport, TimelineEntry } from '../../shared/contract/auditor.ts';
import type { WireError } from '../../shared/result.ts';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

/** The contract's page size, as a type so a change there fails here (a value import would bundle zod into the renderer). */
const TIMELINE_PAGE: (typeof AUDIT_LIMITS)['timelinePage'] = 200;

export type AuditorPhase = 'idle' | 'choosing' | 'opening' | 'ready';

export interface AuditorState {
  phase: AuditorPhase;
  bundle: ChosenBundle | null;
  progress: AuditorProgress | null;
  report: AuditReport | null;
  /** Timeline entries loaded so far (the report's first page, then more on request). */
  timeline: TimelineEntry[];
  error: WireError | null;
  /** A calm note for the person (a cancelled open), not an error. */
  notice: string | null;
  exporting: boolean;
  exported: ExportedReport | null;
  exportError: WireError | null;
}

export interface AuditorSlice {
  auditor: AuditorState;
  /** Asks the host for a bundle, then opens and verifies it. */
  chooseBundle(kind: BundleKind): Promise<void>;
  cancelOpen(): Promise<void>;
  loadMoreTimeline(): Promise<void>;
  exportReport(): Promise<void>;
  recordAuditorProgress(progress: AuditorProgress): void;
  closeBundle(): void;
}

export const initialAuditorState: AuditorState = { phase: 'idle', bundle: null, progress: null, report: null, timeline: [], error: null, notice: null, exporting: false, exported: null, exportError: null };

export const createAuditorSlice: StateCreator<KeyriteStore, [], [], AuditorSlice> = (set, get) => {
  const patch = (change: Partial<AuditorState>): void => set((state) => ({ auditor: { ...state.auditor, ...change } }));
  /** Answers about a bundle that is no longer the open one are dropped. */
  const isCurrent = (handle: string): boolean => get().auditor.bundle?.handle === handle;

  return {
    auditor: initialAuditorState,

    async chooseBundle(kind) {
      patch({ ...initialAuditorState, phase: 'choosing' });
      const chosen = await getKeyrite().auditor.chooseBundle({ kind });
      if (!chosen.ok) return patch({ phase: 'idle', error: chosen.error });
      const bundle = chosen.value.chosen;
      if (bundle === null) return patch({ phase: 'idle' });
      patch({ phase: 'opening', bundle });
      const opened = await getKeyrite().auditor.openBundle({ handle: bundle.handle });
      if (!isCurrent(bundle.handle)) return;
      if (opened.ok) return patch({ phase: 'ready', report: opened.value, timeline: opened.value.timeline.items, progress: null });
      if (opened.error.code === 'AUDITOR_CANCELLED') return patch({ ...initialAuditorState, notice: `Opening ${bundle.name} was cancelled; nothing was verified.` });
      patch({ phase: 'idle', bundle: null, progress: null, error: opened.error });
    },

    async cancelOpen() {
      const { bundle, phase } = get().auditor;
      if (bundle === null || phase !== 'opening') return;
      const result = await getKeyrite().auditor.cancelOpen({ handle: bundle.handle });
      if (!result.ok) patch({ error: result.error });
    },

    async loadMoreTimeline() {
      const { report, timeline } = get().auditor;
      if (report === null || timeline.length >= report.timeline.total) return;
      const page = await getKeyrite().auditor.timeline({ handle: report.handle, from: timeline.length, count: TIMELINE_PAGE });
      if (!isCurrent(report.handle)) return;
      if (!page.ok) return patch({ error: page.error });
      // Appended only where it continues what is shown, so a repeated click cannot duplicate entries.
      set((state) => (state.auditor.timeline.length === timeline.length ? { auditor: { ...state.auditor, timeline: [...timeline, ...page.value.entries] } } : {}));
    },

    async exportReport() {
      const { report } = get().auditor;
      if (report === null) return;
      patch({ exporting: true, exported: null, exportError: null });
      const result = await getKeyrite().auditor.exportReport({ handle: report.handle });
      if (!isCurrent(report.handle)) return;
      patch(result.ok ? { exporting: false, exported: result.value.written } : { exporting: false, exportError: result.error });
    },

    recordAuditorProgress(progress) {
      if (isCurrent(progress.handle) && get().auditor.phase === 'opening') patch({ progress });
    },

    closeBundle() {
      patch(initialAuditorState);
    },
  };
};

export const auditorSelectors = {
  /** Only a verified bundle passes; tampered, an unsigned tail and unreadable all fail. */
  passed: (state: AuditorSlice): boolean => state.auditor.report?.verification.status === 'verified',
  moreTimeline: (state: AuditorSlice): number => Math.max(0, (state.auditor.report?.timeline.total ?? 0) - state.auditor.timeline.length),
};
