/**
 * The sandboxed preload: exposes `window.keyrite`, one frozen function per
 * contract command plus one event subscription (shared/api.ts), and
 * nothing else: no ipcRenderer, no generic send. Bundled to
 * .vite/build/preload.cjs with everything but 'electron' inlined, because a
 * sandboxed preload can require nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildKeyriteApi } from '../../shared/api.ts';
import { createIpcTransport } from './transport.ts';

contextBridge.exposeInMainWorld('keyrite', buildKeyriteApi(createIpcTransport(ipcRenderer)));
