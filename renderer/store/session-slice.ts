import type { StateCreator } from 'zustand';
import type { AppDescription } from '../../shared/contract.ts';
import type { WireError } from '../../shared/result.ts';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

export interface SessionSlice {
  app: AppDescription | null;
  appError: WireError | null;
  describeApp(): Promise<void>;
}

export const createSessionSlice: StateCreator<KeyriteStore, [], [], SessionSlice> = (set) => ({
  app: null,
  appError: null,
  async describeApp() {
    const result = await getKeyrite().app.describe({});
    set(result.ok ? { app: result.value, appError: null } : { appError: result.error });
  },
});
