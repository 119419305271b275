import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appResponseHeaders, rendererRootFrom, resolveAppRequest } from './app-protocol-paths.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

const ROOT = path.resolve('/opt/keyrite/resources/app.asar/.vite/renderer/main_window');

describe('app:// path resolution', () => {
  it('finds the renderer beside the main bundle (Forge Vite layout)', () => {
    expect(rendererRootFrom('/opt/keyrite/resources/app.asar/.vite/build')).toBe(ROOT);
  });

  it.each([
    ['app://keyrite/', 'index.html', 'text/html; charset=utf-8'],
    ['app://keyrite/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['app://keyrite/assets/index-Cm5APZoc.js', 'assets/index-Cm5APZoc.js', 'text/javascript; charset=utf-8'],
    ['app://keyrite/assets/index-ZhJsaePL.css?v=2#x', 'assets/index-ZhJsaePL.css', 'text/css; charset=utf-8'],
    ['app://keyrite/assets/my%20font.woff2', 'assets/my font.woff2', 'font/woff2'],
  ])('serves %s from %s', (url, relative, contentType) => {
    expect(resolveAppRequest(url, ROOT)).toEqual({ ok: true, filePath: path.join(ROOT, relative), contentType });
  });

  it.each([
    'app://keyrite/..%2f..%2f..%2fetc%2fpasswd',
    'app://keyrite/assets/..%2F..%2F..%2Fpackage.json',
    'app://keyrite/%2e%2e%2f%2e%2e%2fetc/passwd.txt',
    'app://keyrite/..%5c..%5cwindows%5cwin.ini',
    'app://keyrite/index.html%00.png',
    'app://keyrite/%E0%A4%A',
  ])('refuses the traversal attempt %s', (url) => {
    const result = resolveAppRequest(url, ROOT);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([400, 403]).toContain(result.status);
  });

  it('never resolves outside the renderer folder, whatever the URL normalisation did', () => {
    for (const url of ['app://keyrite/assets/%2E%2E/%2E%2E/x.js', 'app://keyrite/../../etc/passwd.txt', 'app://keyrite/./../x.js', 'app://keyrite//etc/passwd.txt']) {
      const result = resolveAppRequest(url, ROOT);
      if (result.ok) expect(result.filePath.startsWith(ROOT + path.sep)).toBe(true);
    }
    // WHATWG URL parsing already folds `%2E%2E` segments (URL §4.4 "double-dot segment") before we see the path.
    expect(resolveAppRequest('app://keyrite/assets/%2E%2E/%2E%2E/x.js', ROOT)).toEqual({ ok: true, filePath: path.join(ROOT, 'x.js'), contentType: 'text/javascript; charset=utf-8' });
  });

  it.each([
    ['app://keyrite.evil/index.html', 403],
    ['app://other/index.html', 403],
    ['app://user:pw@keyrite/index.html', 403],
    ['https://keyrite/index.html', 403],
    ['app://keyrite/main.cjs.map.exe', 404],
    ['app://keyrite/assets/secret', 404],
  ] as const)('refuses %s with %d', (url, status) => {
    expect(resolveAppRequest(url, ROOT)).toMatchObject({ ok: false, status });
  });

  it('serves only GET and HEAD', () => {
    expect(resolveAppRequest('app://keyrite/index.html', ROOT, 'HEAD').ok).toBe(true);
    expect(resolveAppRequest('app://keyrite/index.html', ROOT, 'POST')).toMatchObject({ ok: false, status: 405 });
  });
});

describe('app:// response headers', () => {
  it('carry the CSP and nosniff on every response', () => {
    for (const type of ['text/html; charset=utf-8', 'text/plain; charset=utf-8', 'image/png']) {
      const headers = appResponseHeaders(type);
      expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(headers['X-Content-Type-Options']).toBe('nosniff');
      expect(headers['Content-Type']).toBe(type);
    }
  });
});
