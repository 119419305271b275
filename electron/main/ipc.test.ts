import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, commandChannel, commandNames, type KeyriteEvent } from '../../shared/contract.ts';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { createRouter, type CommandHandlers } from '../ipc/router.ts';
import { createEventForwarder, registerCommandHandlers, senderInfoOf, type InvokeEventLike, type IpcMainLike } from './ipc.ts';

// Only the commands these tests call.
const handlers = {
  'app/describe': () => ({ name: 'Keyrite', version: '0.1.0', host: 'electron', rehearsal: true }),
  'hsm/listTokens': () => ({ module: { path: '/lib.so', manufacturer: 'm', description: 'd', libraryVersion: '2.6', cryptokiVersion: '2.40', rehearsal: true }, tokens: [] }),
} as Partial<CommandHandlers> as CommandHandlers;

class FakeIpcMain implements IpcMainLike {
  readonly channels = new Map<string, (event: InvokeEventLike, payload: unknown) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<unknown>) {
    if (this.channels.has(channel)) throw new Error(`second handler for ${channel}`);
    this.channels.set(channel, listener);
  }
  removeHandler(channel: string) { this.channels.delete(channel); }
}

const topFrame = (url: string) => ({ parent: null, url });
const ours: InvokeEventLike = { sender: { id: 1 }, senderFrame: topFrame('app://keyrite/index.html') };

function setup() {
  const ipc = new FakeIpcMain();
  const refused = vi.fn();
  const router = createRouter({ handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' }, onRefused: refused });
  const unregister = registerCommandHandlers(ipc, router);
  const call = (name: string, event: InvokeEventLike, payload: unknown = {}) => {
    const listener = ipc.channels.get(name);
    if (listener === undefined) throw new Error(`no handler on ${name}`);
    return listener(event, payload);
  };
  return { ipc, refused, unregister, call };
}

describe('sender info', () => {
  it('describes a top frame, a subframe and a vanished frame', () => {
    expect(senderInfoOf(ours)).toEqual({ webContentsId: 1, isTopFrame: true, frameUrl: 'app://keyrite/index.html' });
    expect(senderInfoOf({ sender: { id: 1 }, senderFrame: { parent: {}, url: 'app://keyrite/x' } }).isTopFrame).toBe(false);
    expect(senderInfoOf({ sender: { id: 1 }, senderFrame: null })).toEqual({ webContentsId: 1, isTopFrame: false, frameUrl: '' });
  });
});

describe('IPC wiring', () => {
  it('registers exactly one channel per contract command, and nothing generic', () => {
    const { ipc } = setup();
    expect([...ipc.channels.keys()].sort()).toEqual(commandNames.map(commandChannel).sort());
  });

  it('routes a call from our window to the engine handler', async () => {
    const { call } = setup();
    await expect(call(commandChannel('app/describe'), ours)).resolves.toEqual({ ok: true, value: handlers['app/describe']({}) });
  });

  it.each([
    ['a window we did not create', { sender: { id: 2 }, senderFrame: topFrame('app://keyrite/index.html') }],
    ['a subframe', { sender: { id: 1 }, senderFrame: { parent: {}, url: 'app://keyrite/index.html' } }],
    ['another origin', { sender: { id: 1 }, senderFrame: topFrame('https://evil.example/') }],
    ['a destroyed frame', { sender: { id: 1 }, senderFrame: null }],
  ])('refuses %s and reports it', async (_what, event) => {
    const { call, refused } = setup();
    await expect(call(commandChannel('hsm/listTokens'), event)).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNTRUSTED_SENDER' } });
    expect(refused).toHaveBeenCalledOnce();
  });

  it('refuses a malformed payload without calling the engine', async () => {
    const { call } = setup();
    await expect(call(commandChannel('app/describe'), ours, { extra: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
  });

  it('shows each answer, as returned to the renderer, to the e2e record', async () => {
    const ipc = new FakeIpcMain();
    const answers: unknown[] = [];
    registerCommandHandlers(ipc, createRouter({ handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' } }), (answer) => answers.push(answer));
    const listener = ipc.channels.get(commandChannel('app/describe'));
    const returned = [await listener?.(ours, {}), await listener?.({ sender: { id: 2 }, senderFrame: topFrame('app://keyrite/index.html') }, {})];
    expect(answers).toEqual(returned);
    expect(answers[1]).toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNTRUSTED_SENDER' } });
  });

  it('removes every handler on shutdown', () => {
    const { ipc, unregister } = setup();
    unregister();
    expect(ipc.channels.size).toBe(0);
  });
});

describe('event forwarding', () => {
  const audit: KeyriteEvent = { name: 'audit/recorded', payload: { seq: 0, at: '2026-11-28T23:00:00.000Z', type: 'app.started', summary: 'started' } };

  it('sends checked events to every live window on the event channel', () => {
    const live = { isDestroyed: () => false, send: vi.fn() };
    const gone = { isDestroyed: () => true, send: vi.fn() };
    const dropped = vi.fn();
    createEventForwarder(() => [live, gone], dropped)(audit);
    expect(live.send).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, audit);
    expect(gone.send).not.toHaveBeenCalled();
    expect(dropped).not.toHaveBeenCalled();
  });

  it('shows the e2e record each event a live window was sent, and none that was dropped', () => {
    const live = { isDestroyed: () => false, send: vi.fn() };
    const gone = { isDestroyed: () => true, send: vi.fn() };
    const sent: KeyriteEvent[] = [];
    const forward = createEventForwarder(() => [live, gone], vi.fn(), (event) => sent.push(event));
    forward(audit);
    forward({ name: 'boundary/refused', payload: { kind: 'teleport', target: 'x', reason: 'y' } } as unknown as KeyriteEvent);
    expect(sent).toEqual([audit]);
    expect(sent[0]).toBe(live.send.mock.calls[0]?.[1]);
  });

  it('drops an event outside its schema', () => {
    const target = { isDestroyed: () => false, send: vi.fn() };
    const dropped = vi.fn();
    const bad = { name: 'boundary/refused', payload: { kind: 'teleport', target: 'x', reason: 'y' } } as unknown as KeyriteEvent;
    createEventForwarder(() => [target], dropped)(bad);
    expect(target.send).not.toHaveBeenCalled();
    expect(dropped).toHaveBeenCalledOnce();
  });

  it('drops an event that carries a secret', () => {
    const target = { isDestroyed: () => false, send: vi.fn() };
    const dropped = vi.fn();
    const secret = new SecretBytes(new Uint8Array([1, 2, 3]));
    const leaking = { name: 'audit/recorded', payload: { ...audit.payload, summary: secret } } as unknown as KeyriteEvent;
    createEventForwarder(() => [target], dropped)(leaking);
    expect(target.send).not.toHaveBeenCalled();
    expect(dropped).toHaveBeenCalledOnce();
  });
});
