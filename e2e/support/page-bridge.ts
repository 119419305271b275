/**
 * TEST ONLY: runs inside the page (added with page.addInitScript) and gives
 * it exactly the preload's API, built by the same `buildKeyriteApi`, backed
 * by a Playwright binding to the real engine in the test process. It lives
 * in e2e/, which no app code may import (lint), and a test checks the built
 * app holds none of it.
 */
import { buildKeyriteApi } from '../../shared/api.ts';
import type { KeyriteEvent } from '../../shared/contract.ts';

interface TestBridgeWindow {
  __keyriteTestBridgeInvoke?: (name: string, request: unknown) => Promise<unknown>;
  __keyriteTestBridgeDeliver?: (event: KeyriteEvent) => void;
}

const host = window as unknown as TestBridgeWindow;
const listeners = new Set<(event: KeyriteEvent) => void>();

Object.defineProperty(window, '__keyriteTestBridgeDeliver', {
  value: (event: KeyriteEvent) => {
    for (const listener of listeners) listener(event);
  },
  enumerable: false,
});

const api = buildKeyriteApi({
  invoke(name, request) {
    const invoke = host.__keyriteTestBridgeInvoke;
    if (invoke === undefined) return Promise.reject(new Error('test bridge binding missing'));
    return invoke(name, request);
  },
  subscribe(listener) {
    const own = (event: KeyriteEvent): void => listener(event);
    listeners.add(own);
    return () => {
      listeners.delete(own);
    };
  },
});

// The preload's contextBridge makes window.keyrite read-only; so does this.
Object.defineProperty(window, 'keyrite', { value: api, writable: false, configurable: false, enumerable: true });
