/**
 * The built preload as a sandboxed renderer loads it: one CommonJS file
 * that may require nothing but 'electron'. Built with the real
 * vite.preload.config.ts, then run in a fresh V8 context whose `require`
 * knows only a fake 'electron'.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL } from '../../shared/contract.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let work = '';
let code = '';

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'keyrite-preload-bundle-'));
  await build({ configFile: path.join(root, 'vite.preload.config.ts'), root, logLevel: 'silent', build: { outDir: work } });
  code = readFileSync(path.join(work, 'preload.cjs'), 'utf8');
}, 60_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

function load() {
  const exposed = new Map<string, unknown>();
  const ipcRenderer = Object.assign(new EventEmitter(), { invoke: vi.fn(async (channel: string) => ({ ok: true, value: channel })) });
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const required: string[] = [];
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console }, { filename: 'preload.cjs' });
  return { exposed, ipcRenderer, required };
}

describe('the built preload', () => {
  it('is one file that requires only electron (zod and shared/ are bundled in)', () => {
    const requires = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(load().required).toEqual(['electron']);
  });

  it('exposes exactly window.keyrite, frozen, one function per command', async () => {
    const { exposed, ipcRenderer } = load();
    expect([...exposed.keys()]).toEqual(['keyrite']);
    const api = exposed.get('keyrite') as { app: { describe: (r: object) => Promise<unknown> }; hsm: { listTokens: (r: object) => Promise<unknown> } };
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
    await expect(api.hsm.listTokens({})).resolves.toEqual({ ok: true, value: 'keyrite:hsm/listTokens' });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('keyrite:hsm/listTokens', {});
  });

  it('subscribes once to the event channel and really unsubscribes', () => {
    const { exposed, ipcRenderer } = load();
    const api = exposed.get('keyrite') as { events: { subscribe: (listener: (event: unknown) => void) => () => void } };
    const listener = vi.fn();
    const stop = api.events.subscribe(listener);
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(1);
    ipcRenderer.emit(EVENT_CHANNEL, { sender: ipcRenderer }, { name: 'audit/recorded', payload: {} });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ name: 'audit/recorded', payload: {} });
    stop();
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });
});
