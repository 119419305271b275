import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, rendererSource } from './app-origin.ts';
import { originOf } from '../ipc/sender-policy.ts';

describe('renderer source', () => {
  it('serves the built renderer from app://keyrite when packaged, even if a dev URL leaked in', () => {
    expect(rendererSource('http://localhost:5173', true)).toEqual({ entryUrl: APP_ENTRY_URL, origin: 'app://keyrite', dev: false });
    expect(rendererSource(undefined, false)).toEqual({ entryUrl: 'app://keyrite/index.html', origin: 'app://keyrite', dev: false });
    expect(rendererSource('', false).dev).toBe(false);
  });

  it('uses the Vite dev server origin in unpackaged development', () => {
    expect(rendererSource('http://localhost:5173', false)).toEqual({ entryUrl: 'http://localhost:5173', origin: 'http://localhost:5173', dev: true });
  });

  it.each(['https://example.com', 'http://192.168.1.10:5173', 'file:///tmp/index.html'])('refuses a dev server at %s', (url) => {
    expect(() => rendererSource(url, false)).toThrow(/loopback/);
  });

  it('agrees with the IPC sender check on what our origin is', () => {
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
  });

  it('registers app: as standard and secure, with no CSP bypass or other privilege', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true });
  });
});
