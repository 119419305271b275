import type { StateCreator } from 'zustand';
import type { TokenList } from '../../shared/contract.ts';
import type { WireError } from '../../shared/result.ts';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

export interface HsmSlice {
  /** Public token facts only; the store never holds a PIN or a key. */
  tokenList: TokenList | null;
  tokensError: WireError | null;
  tokensLoading: boolean;
  loadTokens(): Promise<void>;
}

export const createHsmSlice: StateCreator<KeyriteStore, [], [], HsmSlice> = (set) => ({
  tokenList: null,
  tokensError: null,
  tokensLoading: false,
  async loadTokens() {
    set({ tokensLoading: true });
    const result = await getKeyrite().hsm.listTokens({});
    set(result.ok ? { tokenList: result.value, tokensError: null, tokensLoading: false } : { tokensError: result.error, tokensLoading: false });
  },
});

export const hsmSelectors = {
  isRehearsal: (state: HsmSlice): boolean => state.tokenList?.module.rehearsal === true,
  initialisedTokens: (state: HsmSlice) => state.tokenList?.tokens.filter((t) => t.initialized) ?? [],
};
