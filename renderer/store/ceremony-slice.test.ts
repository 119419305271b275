import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../shared/api.ts';
import type { CeremonyView } from '../../shared/contract/ceremony.ts';
import type { CommandName, KeyriteEvent } from '../../shared/contract.ts';
import { initialCeremonyState } from './ceremony-slice.ts';
import { resetStore, useKeyriteStore } from './store.ts';

type Answer = (request: Record<string, unknown>) => unknown;

/** The preload API over a fake transport (the engine cannot run in this test's DOM-less renderer): each command answers from `answers`. */
function installApi(answers: Partial<Record<CommandName, Answer>>) {
  const invoke = vi.fn((name: CommandName, request: unknown) => {
    const answer = answers[name];
    return answer === undefined ? Promise.reject(new Error(`unexpected ${name}`)) : Promise.resolve(answer(request as Record<string, unknown>));
  });
  vi.stubGlobal('window', { keyrite: buildKeyriteApi({ invoke, subscribe: (_listener: (e: KeyriteEvent) => void) => () => undefined }) });
  return invoke;
}

const session = (requestId: number): NonNullable<CeremonyView['session']> => ({
  ceremonyId: 'c/1',
  scriptId: 'hsm-inventory-and-policy',
  title: 'HSM inventory and policy check',
  mode: 'rehearsal',
  status: 'running',
  steps: [],
  preflight: [],
  current: null,
  participants: [],
  roles: [],
  request: { kind: 'signer', id: requestId, step: 'login', stage: 'approval', contentSha256: null },
  lastRefusal: null,
  failure: null,
  bundle: null,
  resumed: null,
});

const recorded = (seq: number): KeyriteEvent => ({ name: 'ceremony/recorded', payload: { seq, at: '2026-11-29T01:00:00.000Z', type: 'step/completed', step: 's', actors: [], summary: `event ${seq}` } });

beforeEach(() => resetStore());
afterEach(() => vi.unstubAllGlobals());

describe('ceremony slice', () => {
  it('answers the pending request by its id and zeroes the secret bytes once sent', async () => {
    let seen: Record<string, unknown> | undefined;
    installApi({
      'ceremony/start': () => ({ ok: true, value: { session: session(7) } }),
      'ceremony/signOff': (request) => {
        seen = { ...request, passphrase: [...(request['passphrase'] as Uint8Array)] };
        return { ok: true, value: { session: session(8) } };
      },
    });
    expect(await useKeyriteStore.getState().startCeremony('built-in:07-hsm-inventory-and-policy.yaml')).toBe(true);
    expect(useKeyriteStore.getState().screen).toBe('ceremony');
    const passphrase = new TextEncoder().encode('wendy rehearsal passphrase');
    expect(await useKeyriteStore.getState().answer({ command: 'ceremony/signOff', request: { participantId: 'wendy', passphrase } })).toBe(true);
    expect(seen).toMatchObject({ requestId: 7, participantId: 'wendy' });
    expect((seen?.['passphrase'] as number[]).length).toBe(26);
    expect([...passphrase].every((b) => b === 0)).toBe(true);
    expect(useKeyriteStore.getState().ceremony.session?.request?.id).toBe(8);
    // Nothing in the store holds the passphrase.
    expect(JSON.stringify(useKeyriteStore.getState())).not.toContain('wendy rehearsal passphrase');
  });

  it('keeps the engine\'s refusal of a command and still zeroes the bytes', async () => {
    installApi({ 'ceremony/enrol': () => ({ ok: false, error: { code: 'CEREMONY_INPUT_MISMATCH', message: 'The two passphrase entries differ; type both again.' } }) });
    useKeyriteStore.setState((s) => ({ ceremony: { ...s.ceremony, session: { ...session(3), request: { kind: 'participant', id: 3, step: 'enrol', enrolled: 0, shortfalls: [] } } } }));
    const passphrase = new TextEncoder().encode('one');
    const confirmation = new TextEncoder().encode('two');
    expect(await useKeyriteStore.getState().answer({ command: 'ceremony/enrol', request: { id: 'ada', name: 'Ada', role: 'administrator', passphrase, confirmation } })).toBe(false);
    expect(useKeyriteStore.getState().ceremony.error?.code).toBe('CEREMONY_INPUT_MISMATCH');
    expect([...passphrase, ...confirmation].every((b) => b === 0)).toBe(true);
  });

  it('keeps each recorded event once, in order, and the latest checkpoint; dismiss resets to Home', async () => {
    installApi({ 'ceremony/dismiss': () => ({ ok: true, value: { session: null } }) });
    const { recordCeremonyEvent } = useKeyriteStore.getState();
    recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: session(1) } });
    for (const seq of [0, 1, 1, 2]) recordCeremonyEvent(recorded(seq));
    recordCeremonyEvent({ name: 'ceremony/checkpoint', payload: { size: 3, rootHex: 'ab'.repeat(32), rootWords: ['abandon'] } });
    expect(useKeyriteStore.getState().ceremony.timeline.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(useKeyriteStore.getState().ceremony.checkpoint?.size).toBe(3);
    useKeyriteStore.getState().goTo('ceremony');
    await useKeyriteStore.getState().dismissCeremony();
    expect(useKeyriteStore.getState().ceremony).toMatchObject({ session: null, timeline: [], checkpoint: null });
    expect(useKeyriteStore.getState().screen).toBe('home');
    // A late view of no ceremony does not bring one back.
    recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: null } });
    expect(useKeyriteStore.getState().ceremony.session).toBeNull();
  });

  it('the end of a ceremony resets the ceremony and audit slices to the first screen\'s, keeping the script list, theme and tokens', async () => {
    installApi({ 'ceremony/dismiss': () => ({ ok: true, value: { session: null } }) });
    const scripts = [{ handle: 'built-in:07', id: 'hsm-inventory-and-policy', title: 'HSM inventory and policy check', purpose: 'p', mode: 'rehearsal' as const, steps: 8, needsPrevious: false, needsEarlierTokens: false }];
    const store = useKeyriteStore.getState();
    useKeyriteStore.setState((s) => ({ ceremony: { ...s.ceremony, scripts, error: { code: 'CEREMONY_ROLE_FULL', message: 'full' }, sharesPresentedBy: 'words' } }));
    store.setTheme('dark');
    store.recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: { ...session(4), status: 'closed', request: null } } });
    store.recordCeremonyEvent(recorded(0));
    store.recordCeremonyEvent({ name: 'ceremony/checkpoint', payload: { size: 1, rootHex: 'ab'.repeat(32), rootWords: ['abandon'] } });
    store.recordAuditEvent({ seq: 0, at: '2026-11-29T01:00:00.000Z', type: 'ceremony/started', summary: 'started' });
    store.recordRefusal({ kind: 'network', target: 'https://example.org/', reason: 'no network' });
    store.goTo('ceremony');
    await useKeyriteStore.getState().dismissCeremony();
    const after = useKeyriteStore.getState();
    expect(after.ceremony).toEqual({ ...initialCeremonyState, scripts });
    expect({ auditEvents: after.auditEvents, refusals: after.refusals }).toEqual({ auditEvents: [], refusals: [] });
    expect({ screen: after.screen, theme: after.theme }).toEqual({ screen: 'home', theme: 'dark' });
  });

  it('a refused dismiss keeps the ended ceremony and its timelines on screen', async () => {
    installApi({ 'ceremony/dismiss': () => ({ ok: false, error: { code: 'CEREMONY_BUSY', message: 'busy' } }) });
    const store = useKeyriteStore.getState();
    store.recordCeremonyEvent({ name: 'ceremony/changed', payload: { session: session(4) } });
    store.recordAuditEvent({ seq: 0, at: '2026-11-29T01:00:00.000Z', type: 't', summary: 's' });
    store.goTo('ceremony');
    await useKeyriteStore.getState().dismissCeremony();
    const after = useKeyriteStore.getState();
    expect(after.ceremony.session?.ceremonyId).toBe('c/1');
    expect(after.auditEvents).toHaveLength(1);
    expect(after.screen).toBe('ceremony');
  });
});
