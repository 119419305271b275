/**
 * The `app://keyrite/` protocol: serves the built renderer from disk with
 * the CSP and nosniff headers on every response. Path checks are in
 * app-protocol-paths.ts (pure, tested); this file only reads the file.
 */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-origin.ts';
import { appResponseHeaders, resolveAppRequest } from './app-protocol-paths.ts';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** Serves `rendererRoot` on app:// for one session (after ready). */
export function serveRenderer(session: Session, rendererRoot: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppRequest(request.url, rendererRoot, request.method);
    if (!resolved.ok) return new Response(resolved.reason, { status: resolved.status, headers: appResponseHeaders('text/plain; charset=utf-8') });
    try {
      const body = await readFile(resolved.filePath);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: appResponseHeaders(resolved.contentType) });
    } catch {
      return new Response('not found', { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8') });
    }
  });
}
