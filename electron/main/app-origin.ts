/**
 * Where the renderer comes from. The built renderer is served by our own
 * `app://keyrite/` protocol (Electron security checklist #18: prefer a
 * custom protocol over file://). In an unpackaged `electron-forge start`,
 * Forge's Vite dev server serves it instead, at one exact origin.
 * No electron import: tests and the pure policies read it.
 */
import { originOf } from '../ipc/sender-policy.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'keyrite';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The privileges of `app:` (protocol.registerSchemesAsPrivileged): standard
 * (real origins, relative URLs resolve), secure (a secure context). Nothing
 * more: no CSP bypass, no fetch API, no service workers, no CORS.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true } as const;

export interface RendererSource {
  /** The URL the main window loads. */
  entryUrl: string;
  /** The one origin allowed to call the engine and to be fetched from. */
  origin: string;
  /** True when the Vite dev server serves the renderer (never when packaged). */
  dev: boolean;
}

/**
 * Picks the renderer's source: the dev server only when Forge provided one
 * and the app is not packaged; `app://keyrite` otherwise.
 */
export function rendererSource(devServerUrl: string | undefined, isPackaged: boolean): RendererSource {
  if (devServerUrl !== undefined && devServerUrl !== '' && !isPackaged) {
    const origin = originOf(devServerUrl);
    if (origin === null || !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+$/.test(origin)) {
      throw new Error(`Refusing to load the renderer from ${devServerUrl}: a dev server must be http on loopback.`);
    }
    return { entryUrl: devServerUrl, origin, dev: true };
  }
  return { entryUrl: APP_ENTRY_URL, origin: APP_ORIGIN, dev: false };
}
