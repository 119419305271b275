/**
 * One zustand store made of slices, one per concern (zustand's slices
 * pattern). It holds handles, public values and audit events; nothing in it
 * is secret, and nothing is persisted.
 */
import { create } from 'zustand';
import { createAuditSlice, type AuditSlice } from './audit-slice.ts';
import { createAuditorSlice, type AuditorSlice } from './auditor-slice.ts';
import { createCeremonySlice, type CeremonySlice } from './ceremony-slice.ts';
import { createDevicesSlice, type DevicesSlice } from './devices-slice.ts';
import { createHsmSlice, type HsmSlice } from './hsm-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';

export type KeyriteStore = SessionSlice & HsmSlice & AuditSlice & AuditorSlice & CeremonySlice & DevicesSlice;

export const useKeyriteStore = create<KeyriteStore>()((...a) => ({
  ...createSessionSlice(...a),
  ...createHsmSlice(...a),
  ...createAuditSlice(...a),
  ...createDevicesSlice(...a),
  ...createAuditorSlice(...a),
  ...createCeremonySlice(...a),
}));

/** Back to the first screen's state, for the end of a ceremony and for tests. */
export const initialStoreState = useKeyriteStore.getState();
export const resetStore = (): void => useKeyriteStore.setState(initialStoreState, true);
