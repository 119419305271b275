/**
 * Which requests may leave the renderer. The workstation is air-gapped
 * and the renderer needs nothing but its own files, so everything is
 * cancelled except: our own `app://keyrite/` protocol, `data:` images (the
 * CSP allows them for img-src; they never touch a network), and, in an
 * unpackaged development run, Forge's Vite dev server at its one exact
 * origin (http, plus ws for its hot-reload socket) and DevTools' own
 * devtools:// pages (DevTools is disabled in packaged builds).
 * Pure: electron/main/hardening.ts feeds it `session.webRequest.onBeforeRequest`.
 */
import { APP_ORIGIN } from './app-origin.ts';
import { originOf } from '../ipc/sender-policy.ts';

export type RequestVerdict = { allowed: true } | { allowed: false; reason: string };

export interface NetworkPolicyOptions {
  /** The dev server origin (`http://localhost:5173`), only in unpackaged development. */
  devServerOrigin?: string | undefined;
}

export function createNetworkPolicy(options: NetworkPolicyOptions = {}): (url: string) => RequestVerdict {
  const allowedOrigins = new Set<string>([APP_ORIGIN]);
  const development = options.devServerOrigin !== undefined;
  if (options.devServerOrigin !== undefined) {
    const dev = new URL(options.devServerOrigin);
    if (dev.protocol !== 'http:') throw new Error(`The dev server origin must be http: ${options.devServerOrigin}`);
    allowedOrigins.add(`http://${dev.host}`);
    allowedOrigins.add(`ws://${dev.host}`);
  }
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { allowed: false, reason: 'the URL cannot be parsed' };
    }
    if (parsed.protocol === 'data:') return { allowed: true };
    if (development && parsed.protocol === 'devtools:') return { allowed: true };
    // Credentials in the URL would make the origin look like ours while meaning something else.
    if (parsed.username !== '' || parsed.password !== '') return { allowed: false, reason: 'the URL carries credentials' };
    const origin = originOf(url);
    if (origin !== null && allowedOrigins.has(origin)) return { allowed: true };
    return { allowed: false, reason: `the workstation is offline: only ${[...allowedOrigins].join(', ')} may be loaded` };
  };
}
