/**
 * Long work at the screen: the store keeps the running work from
 * ceremony/progress and forgets it once the work ends or a question waits;
 * the panel shows a labelled progress bar with its percentage in words and
 * a Cancel button only while the engine says the work may be cancelled;
 * Cancel sends ceremony/cancelWork and shows the engine's refusal.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../../shared/api.ts';
import type { CeremonyView } from '../../../shared/contract/ceremony.ts';
import type { CommandName, KeyriteEvent } from '../../../shared/contract.ts';
import type { WorkProgress as Progress } from '../../store/ceremony-slice.ts';
import { resetStore, useKeyriteStore } from '../../store/store.ts';
import { WorkProgressView } from './work-progress.tsx';

const sealing = (done: number, state: Progress['state'] = 'running', cancellable = state === 'running'): Progress => ({
  step: 'split', work: 'sealing-share', label: 'Sealing share 2 of 5, for Dora Custodian', item: 2, items: 5, done, total: 5000, cancellable, state,
});
const progress = (payload: Progress): KeyriteEvent => ({ name: 'ceremony/progress', payload });

const session = (request: NonNullable<CeremonyView['session']>['request']): NonNullable<CeremonyView['session']> => ({
  ceremonyId: 'c/1', scriptId: 'master-key-split-and-load', title: 'Split', mode: 'rehearsal', status: 'running', steps: [], preflight: [], current: null, participants: [], roles: [],
  request, lastRefusal: null, failure: null, bundle: null, resumed: null,
});

beforeEach(() => resetStore());
afterEach(() => vi.unstubAllGlobals());

describe('the running work in the store', () => {
  it('keeps the latest running report, and forgets it when the work ends or a question waits', () => {
    const { recordCeremonyEvent } = useKeyriteStore.getState();
    recordCeremonyEvent(progress(sealing(1000)));
    recordCeremonyEvent(progress(sealing(2000)));
    expect(useKeyriteStore.getState().ceremony.progress?.done).toBe(2000);
    recordCeremonyEvent(progress(sealing(2000, 'cancelled')));
    expect(useKeyriteStore.getState().ceremony.progress).toBeNull();
    recordCeremonyEvent(progress(sealing(3000)));
    recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: session(null) } });
    expect(useKeyriteStore.getState().ceremony.progress?.done).toBe(3000);
    recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: session({ kind: 'seal-passphrase', id: 9, step: 'split', custodian: 'carl', custodianName: 'Carl Custodian' }) } });
    expect(useKeyriteStore.getState().ceremony.progress).toBeNull();
  });

  it('sends ceremony/cancelWork, and shows the engine\'s refusal when nothing can be cancelled', async () => {
    const invoke = vi.fn((name: CommandName) =>
      Promise.resolve(name === 'ceremony/cancelWork' ? { ok: false, error: { code: 'CEREMONY_NOTHING_TO_CANCEL', message: 'Nothing that can be cancelled is running.' } } : { ok: false, error: { code: 'X', message: 'unexpected' } }),
    );
    vi.stubGlobal('window', { keyrite: buildKeyriteApi({ invoke, subscribe: () => () => undefined }) });
    await useKeyriteStore.getState().cancelWork();
    expect(invoke).toHaveBeenCalledWith('ceremony/cancelWork', {});
    expect(useKeyriteStore.getState().ceremony.error?.code).toBe('CEREMONY_NOTHING_TO_CANCEL');
  });
});

describe('the work progress panel', () => {
  // The panel as the store feeds it (a server render reads no store, so the store's value is handed in).
  const render = (): string => renderToStaticMarkup(<WorkProgressView progress={useKeyriteStore.getState().ceremony.progress} cancelWork={() => Promise.resolve()} />);

  it('says Keyrite is working when no progress has come', () => {
    expect(render()).toContain('Keyrite is working on this step');
    expect(render()).not.toContain('<progress');
  });

  it('shows a labelled bar, the percentage in words, and Cancel while the sealing may be cancelled', () => {
    useKeyriteStore.getState().recordCeremonyEvent(progress(sealing(2000)));
    const html = render();
    expect(html).toMatch(/<label id="([^"]+)-label" for="\1">Sealing share 2 of 5, for Dora Custodian<\/label><progress id="\1" max="5000" value="2000" aria-valuetext="40%">/);
    expect(html).toContain('Sealing share 2 of 5, for Dora Custodian: 40%');
    expect(html).toMatch(/<button type="button"[^>]*>Cancel the sealing<\/button>/);
  });

  it('offers no Cancel for work that must run to its end, and says why', () => {
    useKeyriteStore.getState().recordCeremonyEvent(progress({ step: 'load', work: 'loading-key', label: 'Loading Master key 2026 into HSM 1 of 2 (primary)', item: 1, items: 2, done: 0, total: 2, cancellable: false, state: 'running' }));
    const html = render();
    expect(html).not.toContain('<button');
    expect(html).toContain('stopping would leave some HSMs with the key and others without');
    useKeyriteStore.getState().recordCeremonyEvent(progress(sealing(4990, 'running', false)));
    expect(render()).not.toContain('<button');
  });
});
