import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../shared/api.ts';
import type { CommandName, KeyriteEvent, TokenList } from '../../shared/contract.ts';
import { resetStore, useKeyriteStore } from './store.ts';
import { hsmSelectors } from './hsm-slice.ts';

const tokenList: TokenList = {
  module: { path: '/usr/lib/softhsm/libsofthsm2.so', manufacturer: 'SoftHSM', description: 'Implementation of PKCS11', libraryVersion: '2.6', cryptokiVersion: '2.40', rehearsal: true },
  tokens: [
    { slotId: '0', slotDescription: 'slot 0', label: 'KEYRITE REHEARSAL', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', serial: '0123456789abcdef', hardwareVersion: '2.6', firmwareVersion: '2.6', initialized: true, userPinInitialized: true, loggedIn: false, writeProtected: false, hasRng: true },
    { slotId: '1', slotDescription: 'slot 1', label: '', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', serial: '', hardwareVersion: '2.6', firmwareVersion: '2.6', initialized: false, userPinInitialized: false, loggedIn: false, writeProtected: false, hasRng: true },
  ],
};

function installApi(answer: (name: CommandName) => unknown) {
  const invoke = vi.fn((name: CommandName) => Promise.resolve(answer(name)));
  const api = buildKeyriteApi({ invoke, subscribe: (_listener: (e: KeyriteEvent) => void) => () => undefined });
  vi.stubGlobal('window', { keyrite: api });
  return invoke;
}

describe('renderer store', () => {
  beforeEach(() => resetStore());
  afterEach(() => vi.unstubAllGlobals());

  it('loads the token list through the bridge and derives rehearsal and initialised tokens', async () => {
    const invoke = installApi(() => ({ ok: true, value: tokenList }));
    await useKeyriteStore.getState().loadTokens();
    const state = useKeyriteStore.getState();
    expect(invoke).toHaveBeenCalledWith('hsm/listTokens', {});
    expect(state.tokenList).toEqual(tokenList);
    expect(state.tokensLoading).toBe(false);
    expect(hsmSelectors.isRehearsal(state)).toBe(true);
    expect(hsmSelectors.initialisedTokens(state).map((t) => t.label)).toEqual(['KEYRITE REHEARSAL']);
  });

  it('keeps the engine error, typed, and clears loading', async () => {
    installApi(() => ({ ok: false, error: { code: 'HSM_NOT_CONFIGURED', message: 'No HSM is configured.' } }));
    await useKeyriteStore.getState().loadTokens();
    const state = useKeyriteStore.getState();
    expect(state.tokensError).toEqual({ code: 'HSM_NOT_CONFIGURED', message: 'No HSM is configured.' });
    expect(state.tokenList).toBeNull();
    expect(state.tokensLoading).toBe(false);
  });

  it('keeps only the newest 500 audit events, in order', () => {
    for (let seq = 0; seq < 520; seq++) useKeyriteStore.getState().recordAuditEvent({ seq, at: '2026-11-28T00:00:00.000Z', type: 't', summary: 's' });
    const events = useKeyriteStore.getState().auditEvents;
    expect(events).toHaveLength(500);
    expect(events[0]?.seq).toBe(20);
    expect(events.at(-1)?.seq).toBe(519);
  });

  it('reset returns to the first screen state', async () => {
    installApi(() => ({ ok: true, value: tokenList }));
    await useKeyriteStore.getState().loadTokens();
    useKeyriteStore.getState().recordAuditEvent({ seq: 0, at: '2026-11-28T00:00:00.000Z', type: 't', summary: 's' });
    resetStore();
    expect(useKeyriteStore.getState().tokenList).toBeNull();
    expect(useKeyriteStore.getState().auditEvents).toEqual([]);
  });
});
