import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/main/csp.ts';

/**
 * Writes the app's CSP into the built index.html, so it holds however the
 * page is served. Build only: the dev server's React preamble and hot-reload
 * socket need what the CSP forbids, and in development the main process
 * allows only the dev server's own origin.
 */
const contentSecurityPolicy = (): Plugin => ({
  name: 'keyrite-csp',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
});

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    // Forge's Vite plugin layout: the main process serves this folder over app://keyrite.
    outDir: '../.vite/renderer/main_window',
    emptyOutDir: true,
    target: 'chrome140',
    sourcemap: false,
    // Inline assets would need 'unsafe-inline'-free data: URLs; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
