import type { StateCreator } from 'zustand';
import type { AuditEvent, BoundaryRefusal } from '../../shared/contract.ts';
import type { KeyriteStore } from './store.ts';

/** The live timeline keeps the newest events; the transcript on disk keeps all. */
const TIMELINE_LIMIT = 500;

export interface AuditSlice {
  auditEvents: AuditEvent[];
  refusals: BoundaryRefusal[];
  recordAuditEvent(event: AuditEvent): void;
  recordRefusal(refusal: BoundaryRefusal): void;
  /** Forgets the events and refusals shown so far (the end of a ceremony: the transcript on disk keeps them). */
  resetAudit(): void;
}

export const createAuditSlice: StateCreator<KeyriteStore, [], [], AuditSlice> = (set) => ({
  auditEvents: [],
  refusals: [],
  recordAuditEvent(event) {
    set((state) => ({ auditEvents: [...state.auditEvents, event].slice(-TIMELINE_LIMIT) }));
  },
  recordRefusal(refusal) {
    set((state) => ({ refusals: [...state.refusals, refusal].slice(-TIMELINE_LIMIT) }));
  },
  resetAudit() {
    set({ auditEvents: [], refusals: [] });
  },
});
