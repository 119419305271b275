/**
 * npm run bench:ui — the renderer's weight and its first screen's speed,
 * each against a reference made in the same run. Prints figures and
 * ratios; asserts nothing.
 *
 * 1. Size: the renderer is built (vite.renderer.config.ts, into a temporary
 *    folder) and its JS and CSS gzipped; goal ≤ 250 KB. Reference: React +
 *    ReactDOM alone, rendering one element, built by the same Vite.
 * 2. Time to interactive in Debian's Chromium (Playwright, the e2e flags):
 *    from navigation start until the first screen's main button ("Open an
 *    evidence bundle for audit") is in the page, enabled and takes focus.
 *    The app runs on the real engine through the e2e test bridge, with the
 *    HSM call (hsm/listTokens) deliberately held back BENCH_HSM_DELAY_MS, to
 *    show the first screen does not wait on it. Reference: a blank page
 *    holding one button, served by the same server to the same browser.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright';
import { build } from 'vite';
import { createEngine } from '../../electron/core/engine.ts';
import { serveRenderer } from '../../e2e/support/renderer-server.ts';
import { attachTestBridge } from '../../e2e/support/test-bridge.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const HSM_DELAY_MS = Number(process.env['BENCH_HSM_DELAY_MS'] ?? 3000);
const GOAL_GZIP_BYTES = 250 * 1024;
const MAIN_BUTTON = 'Open an evidence bundle for audit';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const work = mkdtempSync(join(tmpdir(), 'keyrite-bench-ui-'));
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Gzipped size (level 9, what a careful server sends) of every .js and .css file under `folder`. */
function gzippedAssets(folder: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const path = join(folder, name);
    if (!/\.(js|css)$/.test(name) || !statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** React + ReactDOM rendering one element: the least any React renderer ships. */
async function buildReactReference(): Promise<string> {
  const root = join(work, 'react-reference');
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.js"></script></body></html>');
  writeFileSync(join(root, 'main.js'), "import { createElement } from 'react';\nimport { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')).render(createElement('button', null, 'ok'));\n");
  const outDir = join(root, 'dist');
  await build({ configFile: false, root, logLevel: 'silent', resolve: { alias: { react: join(process.cwd(), 'node_modules/react'), 'react-dom': join(process.cwd(), 'node_modules/react-dom') } }, build: { outDir, emptyOutDir: true, target: 'chrome140', modulePreload: { polyfill: false } } });
  return outDir;
}

/**
 * In every page, from before its first byte: the moment the named button is
 * in the document, enabled, and takes focus (performance.now(), whose origin
 * is the navigation start).
 */
const readyProbe = (name: string) => `(() => {
  const check = () => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(name)});
    if (!button || button.disabled) return false;
    button.focus();
    if (document.activeElement !== button) return false;
    window.__keyriteReadyAt = performance.now();
    return true;
  };
  new MutationObserver((_, observer) => { if (check()) observer.disconnect(); }).observe(document, { childList: true, subtree: true, attributes: true });
})();`;

interface Timing {
  readyMs: number;
  tokensMs: number;
}

async function timeApp(browser: Browser, rendererDir: string): Promise<Timing> {
  const server = await serveRenderer(rendererDir);
  const dataDir = mkdtempSync(join(work, 'data-'));
  const engine = createEngine({ dataDir, host: 'test-bridge', version: '0.0.0-bench' });
  // The HSM held back on purpose: the first screen must not wait for it.
  const listTokens = engine.handlers['hsm/listTokens'];
  const delayed = { ...engine, handlers: { ...engine.handlers, 'hsm/listTokens': async (request: Parameters<typeof listTokens>[0]) => { await new Promise((r) => setTimeout(r, HSM_DELAY_MS)); return listTokens(request); } } };
  const page = await (await browser.newContext()).newPage();
  const bridge = await attachTestBridge(page, delayed, server.origin);
  try {
    await page.addInitScript({ content: readyProbe(MAIN_BUTTON) });
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => '__keyriteReadyAt' in window);
    const readyMs = await page.evaluate(() => (window as unknown as { __keyriteReadyAt: number }).__keyriteReadyAt);
    await page.getByRole('table', { name: 'HSM tokens' }).waitFor({ timeout: HSM_DELAY_MS + 30_000 });
    const tokensMs = await page.evaluate(() => performance.now());
    return { readyMs, tokensMs };
  } finally {
    bridge.detach();
    await page.context().close();
    await engine.close();
    await server.close();
  }
}

async function timeBlank(browser: Browser): Promise<number> {
  const folder = join(work, 'blank');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><button type="button">${MAIN_BUTTON}</button></body></html>`);
  const server = await serveRenderer(folder);
  const page = await (await browser.newContext()).newPage();
  try {
    await page.addInitScript({ content: readyProbe(MAIN_BUTTON) });
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => '__keyriteReadyAt' in window);
    return await page.evaluate(() => (window as unknown as { __keyriteReadyAt: number }).__keyriteReadyAt);
  } finally {
    await page.context().close();
    await server.close();
  }
}

try {
  const rendererDir = join(work, 'renderer');
  let t = performance.now();
  await build({ configFile: 'vite.renderer.config.ts', logLevel: 'silent', build: { outDir: rendererDir, emptyOutDir: true } });
  const app = gzippedAssets(rendererDir);
  const react = gzippedAssets(await buildReactReference());
  console.log(`built the renderer and the React reference in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`renderer JS+CSS:            ${kb(app.raw).padStart(9)} raw, ${kb(app.gzip).padStart(8)} gzip   ${(app.gzip / react.gzip).toFixed(2)}x React+ReactDOM`);
  console.log(`reference React+ReactDOM:   ${kb(react.raw).padStart(9)} raw, ${kb(react.gzip).padStart(8)} gzip`);
  console.log(`goal: renderer <= ${kb(GOAL_GZIP_BYTES)} gzip -> ${app.gzip <= GOAL_GZIP_BYTES ? 'met' : 'NOT met'}`);

  t = performance.now();
  const browser = await chromium.launch({ executablePath: process.env['KEYRITE_CHROMIUM'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    // One warm-up each (disk cache, Chromium's first-page costs), then alternate.
    await timeBlank(browser);
    await timeApp(browser, rendererDir);
    const blank: number[] = [];
    const ready: number[] = [];
    const tokens: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      blank.push(await timeBlank(browser));
      const timing = await timeApp(browser, rendererDir);
      ready.push(timing.readyMs);
      tokens.push(timing.tokensMs);
    }
    const reference = median(blank);
    console.log(`\nDebian Chromium ${browser.version()}, median of ${ROUNDS} loads each (2 shared cores), HSM call held back ${HSM_DELAY_MS} ms`);
    console.log(`blank page, one button (reference):         ${reference.toFixed(0).padStart(6)} ms`);
    console.log(`Home: main button focusable and enabled:    ${median(ready).toFixed(0).padStart(6)} ms   ${(median(ready) / reference).toFixed(2)}x blank page`);
    console.log(`Home: token table shown (after the HSM):    ${median(tokens).toFixed(0).padStart(6)} ms   (the held-back HSM answer)`);
    console.log(`first screen waits on the HSM -> ${median(ready) < HSM_DELAY_MS ? 'no' : 'YES'} (interactive ${(median(tokens) - median(ready)).toFixed(0)} ms before the tokens arrive)`);
    console.log(`(measured in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
