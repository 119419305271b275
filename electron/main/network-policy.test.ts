import { describe, expect, it } from 'vitest';
import { createNetworkPolicy } from './network-policy.ts';

describe('network policy (packaged: only app://keyrite)', () => {
  const judge = createNetworkPolicy();

  it.each([
    'app://keyrite/index.html',
    'app://keyrite/assets/index-abc.js',
    'app://keyrite/assets/font.woff2?v=1',
    'data:image/png;base64,iVBORw0KGgo=',
  ])('allows %s', (url) => {
    expect(judge(url)).toEqual({ allowed: true });
  });

  it.each([
    'https://example.com/',
    'http://localhost:5173/',
    'ws://localhost:5173/',
    'http://127.0.0.1/',
    'file:///etc/passwd',
    'app://keyrite.evil/index.html',
    'app://evil/index.html',
    'app://user:pass@keyrite/index.html',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://abc/x.js',
    'ftp://example.com/x',
    'blob:https://example.com/1234',
    'not a url',
  ])('refuses %s with a reason', (url) => {
    const verdict = judge(url);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason.length).toBeGreaterThan(0);
  });
});

describe('network policy (unpackaged development with the Vite dev server)', () => {
  const judge = createNetworkPolicy({ devServerOrigin: 'http://localhost:5173' });

  it.each(['http://localhost:5173/', 'http://localhost:5173/@vite/client', 'ws://localhost:5173/', 'app://keyrite/index.html', 'devtools://devtools/bundled/inspector.html'])('allows %s', (url) => {
    expect(judge(url).allowed).toBe(true);
  });

  it.each(['http://localhost:5174/', 'https://localhost:5173/', 'http://127.0.0.1:5173/', 'ws://localhost:9222/', 'https://registry.npmjs.org/'])('still refuses %s', (url) => {
    expect(judge(url).allowed).toBe(false);
  });

  it('refuses a dev server that is not plain http', () => {
    expect(() => createNetworkPolicy({ devServerOrigin: 'https://localhost:5173' })).toThrow(/must be http/);
  });
});
