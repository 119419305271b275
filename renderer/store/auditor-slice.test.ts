import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../shared/api.ts';
import type { AuditReport, TimelineEntry } from '../../shared/contract/auditor.ts';
import type { CommandName, KeyriteEvent } from '../../shared/contract.ts';
import { auditorSelectors } from './auditor-slice.ts';
import { resetStore, useKeyriteStore } from './store.ts';

const handle = `bundle-${'a'.repeat(32)}`;
const entry = (seq: number): TimelineEntry => ({ seq, at: '2026-11-28T09:00:00.000Z', type: 'step/completed', actors: 'ada', step: 's', summary: '' });
const empty = { items: [], total: 0 };
const report: AuditReport = {
  handle,
  bundleName: 'bundle',
  ceremony: { id: 'c', title: 'Root key generation' },
  verification: { status: 'verified', summary: 'All 250 events verified.', eventCount: 250, signedSize: 250, firstBadEvent: null, badCheckpoint: null, unsignedTail: null, manifestProblems: [], trust: 'bundle-keys' },
  root: null,
  trustedKeys: [],
  checkpoints: empty,
  participants: empty,
  keys: empty,
  shareSets: empty,
  signOffs: empty,
  exceptions: empty,
  timeline: { items: Array.from({ length: 200 }, (_, i) => entry(i)), total: 250 },
};

type Answer = (request: Record<string, unknown>) => unknown;

/** The preload API over a fake transport: each command answers from `answers`. */
function installApi(answers: Partial<Record<CommandName, Answer>>) {
  const invoke = vi.fn((name: CommandName, request: unknown) => {
    const answer = answers[name];
    return answer === undefined ? Promise.reject(new Error(`unexpected ${name}`)) : Promise.resolve(answer(request as Record<string, unknown>));
  });
  vi.stubGlobal('window', { keyrite: buildKeyriteApi({ invoke, subscribe: (_listener: (e: KeyriteEvent) => void) => () => undefined }) });
  return invoke;
}

const chosen = () => ({ ok: true, value: { chosen: { handle, name: 'bundle', kind: 'folder' } } });

describe('auditor slice', () => {
  beforeEach(() => resetStore());
  afterEach(() => vi.unstubAllGlobals());

  it('chooses a bundle, opens it by handle and keeps the report and its first timeline page', async () => {
    const invoke = installApi({ 'auditor/chooseBundle': chosen, 'auditor/openBundle': () => ({ ok: true, value: report }) });
    await useKeyriteStore.getState().chooseBundle('folder');
    const state = useKeyriteStore.getState();
    expect(invoke.mock.calls).toEqual([['auditor/chooseBundle', { kind: 'folder' }], ['auditor/openBundle', { handle }]]);
    expect(state.auditor.phase).toBe('ready');
    expect(auditorSelectors.passed(state)).toBe(true);
    expect(auditorSelectors.moreTimeline(state)).toBe(50);
  });

  it('does not open anything when the person cancels the chooser', async () => {
    const invoke = installApi({ 'auditor/chooseBundle': () => ({ ok: true, value: { chosen: null } }) });
    await useKeyriteStore.getState().chooseBundle('archive');
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(useKeyriteStore.getState().auditor).toMatchObject({ phase: 'idle', bundle: null, error: null });
  });

  it('shows a cancelled open as a calm notice, and an engine error as an error', async () => {
    installApi({ 'auditor/chooseBundle': chosen, 'auditor/openBundle': () => ({ ok: false, error: { code: 'AUDITOR_CANCELLED', message: 'cancelled' } }) });
    await useKeyriteStore.getState().chooseBundle('folder');
    expect(useKeyriteStore.getState().auditor).toMatchObject({ phase: 'idle', error: null, notice: 'Opening bundle was cancelled; nothing was verified.' });
    installApi({ 'auditor/chooseBundle': chosen, 'auditor/openBundle': () => ({ ok: false, error: { code: 'AUDITOR_BUNDLE_MISSING', message: 'gone' } }) });
    await useKeyriteStore.getState().chooseBundle('folder');
    expect(useKeyriteStore.getState().auditor).toMatchObject({ phase: 'idle', notice: null, error: { code: 'AUDITOR_BUNDLE_MISSING' } });
  });

  it('keeps progress only for the bundle being opened', async () => {
    let finish: (value: unknown) => void = () => undefined;
    installApi({ 'auditor/chooseBundle': chosen, 'auditor/openBundle': () => new Promise((resolve) => (finish = resolve)) });
    const opening = useKeyriteStore.getState().chooseBundle('folder');
    await vi.waitFor(() => expect(useKeyriteStore.getState().auditor.phase).toBe('opening'));
    useKeyriteStore.getState().recordAuditorProgress({ handle: `bundle-${'b'.repeat(32)}`, phase: 'verifying', bytesRead: 1, events: 9 });
    expect(useKeyriteStore.getState().auditor.progress).toBeNull();
    useKeyriteStore.getState().recordAuditorProgress({ handle, phase: 'verifying', bytesRead: 1, events: 250 });
    expect(useKeyriteStore.getState().auditor.progress?.events).toBe(250);
    finish({ ok: true, value: report });
    await opening;
    expect(useKeyriteStore.getState().auditor.progress).toBeNull();
  });

  it('drops the answer for a bundle closed while it was opening', async () => {
    let finish: (value: unknown) => void = () => undefined;
    installApi({ 'auditor/chooseBundle': chosen, 'auditor/openBundle': () => new Promise((resolve) => (finish = resolve)) });
    const opening = useKeyriteStore.getState().chooseBundle('folder');
    await vi.waitFor(() => expect(useKeyriteStore.getState().auditor.phase).toBe('opening'));
    useKeyriteStore.getState().closeBundle();
    finish({ ok: true, value: report });
    await opening;
    expect(useKeyriteStore.getState().auditor).toMatchObject({ phase: 'idle', report: null });
  });

  it('loads the rest of the timeline after what is shown, once', async () => {
    const invoke = installApi({
      'auditor/chooseBundle': chosen,
      'auditor/openBundle': () => ({ ok: true, value: report }),
      'auditor/timeline': (request) => ({ ok: true, value: { entries: Array.from({ length: 50 }, (_, i) => entry(Number(request['from']) + i)), total: 250 } }),
    });
    await useKeyriteStore.getState().chooseBundle('folder');
    await Promise.all([useKeyriteStore.getState().loadMoreTimeline(), useKeyriteStore.getState().loadMoreTimeline()]);
    const { timeline } = useKeyriteStore.getState().auditor;
    expect(invoke).toHaveBeenCalledWith('auditor/timeline', { handle, from: 200, count: 200 });
    expect(timeline.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(auditorSelectors.moreTimeline(useKeyriteStore.getState())).toBe(0);
  });
});
