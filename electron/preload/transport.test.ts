import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../shared/api.ts';
import { EVENT_CHANNEL, commandChannel, commandNames, type KeyriteEvent } from '../../shared/contract.ts';
import { createIpcTransport, type IpcRendererLike } from './transport.ts';

/** ipcRenderer as far as the preload uses it: an EventEmitter plus invoke. */
class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  readonly invoke = vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } }));
}

const event: KeyriteEvent = { name: 'boundary/refused', payload: { kind: 'network', target: 'https://example.com/', reason: 'offline' } };

describe('preload transport', () => {
  it('invokes each command on its own channel with the request as given', async () => {
    const ipc = new FakeIpcRenderer();
    const api = buildKeyriteApi(createIpcTransport(ipc));
    await expect(api.hsm.listTokens({})).resolves.toEqual({ ok: true, value: { channel: commandChannel('hsm/listTokens'), request: {} } });
    await api.app.describe({});
    expect(ipc.invoke.mock.calls.map(([channel]) => channel)).toEqual(['keyrite:hsm/listTokens', 'keyrite:app/describe']);
  });

  it('hands the listener the event payload only, never the IpcRendererEvent', () => {
    const ipc = new FakeIpcRenderer();
    const listener = vi.fn();
    createIpcTransport(ipc).subscribe(listener);
    ipc.emit(EVENT_CHANNEL, { sender: ipc, ports: [] }, event);
    expect(listener).toHaveBeenCalledExactlyOnceWith(event);
  });

  it('unsubscribe removes the very handler it added', () => {
    const ipc = new FakeIpcRenderer();
    const transport = createIpcTransport(ipc);
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = transport.subscribe(first);
    transport.subscribe(second);
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(2);
    stopFirst();
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1);
    ipc.emit(EVENT_CHANNEL, {}, event);
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

  it('unsubscribing twice removes nothing else', () => {
    const ipc = new FakeIpcRenderer();
    const transport = createIpcTransport(ipc);
    const stop = transport.subscribe(vi.fn());
    transport.subscribe(vi.fn());
    stop();
    stop();
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1);
  });

  it('exposes a frozen API with no generic send or invoke', () => {
    const api = buildKeyriteApi(createIpcTransport(new FakeIpcRenderer()));
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...new Set(commandNames.map((name) => name.split('/')[0])), 'events'].sort());
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('invoke');
  });
});
