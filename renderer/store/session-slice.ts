import type { StateCreator } from 'zustand';
import type { AppDescription } from '../../shared/contract.ts';
import type { WireError } from '../../shared/result.ts';
import type { ScreenId } from '../app.tsx';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

/** 'system' follows prefers-color-scheme; the others are the person's choice. */
export type Theme = 'system' | 'light' | 'dark';

export interface SessionSlice {
  app: AppDescription | null;
  appError: WireError | null;
  describeApp(): Promise<void>;
  /** The screen shown (renderer/app.tsx lists them). */
  screen: ScreenId;
  goTo(screen: ScreenId): void;
  theme: Theme;
  setTheme(theme: Theme): void;
}

export const createSessionSlice: StateCreator<KeyriteStore, [], [], SessionSlice> = (set) => ({
  app: null,
  appError: null,
  async describeApp() {
    const result = await getKeyrite().app.describe({});
    set(result.ok ? { app: result.value, appError: null } : { appError: result.error });
  },
  screen: 'home',
  goTo(screen) {
    set({ screen });
  },
  theme: 'system',
  setTheme(theme) {
    set({ theme });
  },
});
