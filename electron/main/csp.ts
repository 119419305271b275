/**
 * The renderer's Content Security Policy: sent as a header by the app://
 * protocol handler and written into index.html by the renderer build, so it
 * holds however the page is loaded. No 'unsafe-inline', no 'unsafe-eval'
 * (Electron security checklist #7); nothing may connect anywhere: the
 * renderer talks to the engine only through the preload.
 * No electron import: Vite's config and the tests read it too.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

/** Directives a <meta> policy may carry (frame-ancestors is header-only, CSP3 §6.4.2). */
const HEADER_ONLY = new Set(['frame-ancestors']);

const serialise = (entries: [string, readonly string[]][]): string => entries.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');

export const CONTENT_SECURITY_POLICY = serialise(Object.entries(CSP_DIRECTIVES));
export const META_CONTENT_SECURITY_POLICY = serialise(Object.entries(CSP_DIRECTIVES).filter(([name]) => !HEADER_ONLY.has(name)));
