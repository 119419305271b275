/**
 * The `app` fixture: one Keyrite window, whichever way it runs.
 * - project `chromium`: Debian's Chromium shows the built renderer, served
 *   over loopback; the test-only bridge connects it to a real engine in this
 *   process (same router, same checks as Electron's main process).
 * - project `electron`: the built app through Playwright's Electron support,
 *   started in its test-only e2e mode (electron/main/e2e-capture.ts): main
 *   records what the renderer received, and the native file dialog is
 *   stubbed from the spec's script (electron-dialogs.ts); skipped, with the
 *   reason printed, when no Electron binary exists.
 * Specs talk only to `app.page` with roles and labels, and wait on the
 * app's own audit events, never on sleeps.
 */
import { test as base, expect, _electron, type Page, type TestInfo } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../../electron/core/engine.ts';
import { E2E_RECEIVED_VARIABLE, readCaptureLines } from '../../electron/main/e2e-capture.ts';
import { findElectronBinary } from '../../scripts/electron-binary.ts';
import { serveRenderer, type RendererServer } from './renderer-server.ts';
import { runSecrets } from './run-secrets.ts';
import { attachOtherScreenshots, photograph } from './screens.ts';
import { scriptElectronDialogs } from './electron-dialogs.ts';
import { ScriptedChooser, type SpecChooser } from './scripted-chooser.ts';
import { attachTestBridge, type DroppedEvent } from './test-bridge.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const rendererDir = join(repo, '.vite/renderer/main_window');

export interface AppOptions {
  /** A PKCS#11 library path, or 'rehearsal' for the app's own SoftHSM token. */
  pkcs11Module: string;
  /**
   * A data folder an earlier test kept: the app starts on a fresh copy of
   * it instead of an empty folder, so a test begins where another ended
   * without running it again (seedDataFolder).
   */
  seedFrom?: string;
}

export interface KeyriteApp {
  page: Page;
  /** Every message the renderer received so far: the test bridge's capture (chromium), main's record read when asked (Electron). */
  readonly received: readonly unknown[];
  /** Events the outgoing check held back so far; the fixture fails the test if any. */
  readonly dropped: readonly DroppedEvent[];
  /** Resolves when the audit timeline shows an event of this type. */
  waitForAuditEvent(type: string): Promise<void>;
  /** Saves a screenshot as a test artifact, attached to the HTML report under its name. */
  screenshot(name: string): Promise<void>;
  /** The host's file chooser, scripted by the spec (on Electron, the main process's dialog stubbed from the script). */
  chooser: SpecChooser;
  /**
   * A power cut and a restart (chromium project only): the engine stops with
   * the data folder as it is on disk, a fresh engine starts on that same
   * folder, and the page reloads. See restartAfterPowerCut for how.
   */
  restartEngine?(): Promise<void>;
  /** This test's own data folder (the engine's on chromium, KEYRITE_DATA_DIR on Electron): a spec reads what the engine wrote there, or keeps a copy (kept-data-folder.ts). */
  dataDir?: string;
}

type WorkerFixtures = { rendererServer: RendererServer };
type TestFixtures = { app: KeyriteApp; appOptions: AppOptions };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  appOptions: [{ pkcs11Module: 'rehearsal' }, { option: true }],

  rendererServer: [
    async ({}, use) => {
      const server = await serveRenderer(rendererDir);
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  // No dependency on Playwright's own `page`: on the electron project that
  // would launch a browser this machine may not have.
  app: async ({ appOptions, rendererServer, playwright, launchOptions }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyrite-e2e-data-'));
    const pkcs11Module = appOptions.pkcs11Module === 'rehearsal' ? undefined : appOptions.pkcs11Module;
    const previousConf = process.env['SOFTHSM2_CONF'];
    try {
      if (appOptions.seedFrom !== undefined) seedDataFolder(appOptions.seedFrom, dataDir);
      if (testInfo.project.name === 'electron') {
        await useElectronApp(dataDir, pkcs11Module, use, testInfo);
        return;
      }
      const chooser = new ScriptedChooser();
      const start = (): Engine => createEngine({ dataDir, pkcs11Module, host: 'test-bridge', version: '0.0.0-e2e', chooser });
      let engine = start();
      const browser = await playwright.chromium.launch(launchOptions);
      const page = await (await browser.newContext()).newPage();
      const bridge = await attachTestBridge(page, engine, rendererServer.origin);
      try {
        await page.goto(`${rendererServer.origin}/index.html`);
        const restartEngine = async (): Promise<void> => {
          bridge.detach();
          engine = await restartAfterPowerCut(engine, dataDir, start);
          bridge.replaceEngine(engine);
          await page.reload();
        };
        // Playwright's own `screenshot: 'only-on-failure'` covers this page.
        await use(Object.assign(makeApp(page, testInfo, chooser, () => bridge.received, () => bridge.dropped), { restartEngine, dataDir }));
        await attachOtherScreenshots(testInfo);
        failOnDropped('the test bridge', bridge.dropped);
      } finally {
        bridge.detach();
        await browser.close();
        await engine.close();
      }
    } finally {
      // The run's secret material gathered for the scan lives no longer than the test.
      runSecrets.wipe();
      rmSync(`${dataDir}.power-cut`, { recursive: true, force: true });
      // The rehearsal token points SOFTHSM2_CONF at its own folder; restore the run's.
      if (previousConf === undefined) delete process.env['SOFTHSM2_CONF'];
      else process.env['SOFTHSM2_CONF'] = previousConf;
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

/**
 * TEST ONLY. The engine runs inside this test process (the bridge calls it
 * directly), so it cannot be SIGKILLed alone. A power cut is made the other
 * way round: the data folder is copied as it is on disk while the engine
 * waits for people (every transcript line is fsynced as it is written, so
 * the copy is what a cut at that moment leaves), the old engine is then
 * closed so its PKCS#11 library and tokens are released (what its close
 * writes lands in the old folder), the copy replaces the folder, and a fresh
 * engine starts on the same path. The old engine's orderly abort never
 * reaches the new one.
 */
async function restartAfterPowerCut(engine: Engine, dataDir: string, start: () => Engine): Promise<Engine> {
  const image = `${dataDir}.power-cut`;
  cpSync(dataDir, image, { recursive: true });
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(image, dataDir);
  return start();
}

/**
 * TEST ONLY. Copies a kept data folder into this test's empty one. The
 * SoftHSM configurations in it (the rehearsal token's, and each rehearsal
 * run's) name their token folder by absolute path, inside the folder they
 * were made in; each is pointed at the tokens beside it in the copy, so a
 * test never opens the tokens of another folder (SoftHSM reads the file
 * named by SOFTHSM2_CONF at C_Initialize, which the engine sets per folder).
 */
function seedDataFolder(from: string, dataDir: string): void {
  if (!existsSync(from)) throw new Error(`appOptions.seedFrom: there is no data folder at ${from} to start on`);
  cpSync(from, dataDir, { recursive: true });
  const confs = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).filter((path) => basename(path) === 'softhsm2.conf');
  for (const conf of confs.map((path) => join(dataDir, path))) {
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^directories\.tokendir = .*$/mu, `directories.tokendir = ${join(dirname(conf), 'tokens')}`));
  }
}

async function useElectronApp(dataDir: string, pkcs11Module: string | undefined, use: (app: KeyriteApp) => Promise<void>, testInfo: TestInfo): Promise<void> {
  const binary = findElectronBinary();
  if (!binary.found) {
    console.log(`[e2e] skipped on Electron: ${binary.reason}`);
    testInfo.skip(true, `Electron binary not available: ${binary.reason}`);
    return;
  }
  // Beside the data folder, not in it: the engine owns what is inside.
  const e2eDir = `${dataDir}.e2e`;
  mkdirSync(e2eDir);
  const recordFile = join(e2eDir, 'received.jsonl');
  const env: Record<string, string> = { ...(process.env as Record<string, string>), KEYRITE_DATA_DIR: dataDir, [E2E_RECEIVED_VARIABLE]: recordFile };
  if (pkcs11Module !== undefined) env['KEYRITE_PKCS11_MODULE'] = pkcs11Module;
  try {
    // The repository folder, as `electron .` and Forge start it: the app path is then where
    // package.json (whose main is .vite/build/main.cjs) and assets/ceremonies are.
    const electronApp = await _electron.launch({ executablePath: binary.path, args: [repo], env });
    try {
      const chooser = await scriptElectronDialogs(electronApp, e2eDir);
      const page = await electronApp.firstWindow();
      const record = (): ElectronRecord => readElectronRecord(recordFile);
      await use(Object.assign(makeApp(page, testInfo, chooser, () => record().received, () => record().dropped), { dataDir }));
      await attachOtherScreenshots(testInfo);
      await screenshotOnFailure(page, testInfo);
      const { dropped, failures } = record();
      failOnDropped("Electron's main process", dropped);
      if (failures.length > 0) throw new Error(`main's record of what the renderer received missed ${failures.length} message(s): ${failures.join('; ')}`);
    } finally {
      await electronApp.close();
    }
  } finally {
    rmSync(e2eDir, { recursive: true, force: true });
  }
}

interface ElectronRecord {
  received: unknown[];
  dropped: DroppedEvent[];
  /** Messages the record could not hold: the scan would be short of them. */
  failures: string[];
}

/** Main's test-only record (electron/main/e2e-capture.ts), as it is on disk now. */
function readElectronRecord(file: string): ElectronRecord {
  const record: ElectronRecord = { received: [], dropped: [], failures: [] };
  if (!existsSync(file)) return record;
  for (const line of readCaptureLines(readFileSync(file, 'utf8'))) {
    if ('received' in line) record.received.push(line.received);
    else if ('dropped' in line) record.dropped.push(line.dropped);
    else record.failures.push(line.captureFailed);
  }
  return record;
}

/** The outgoing check caught what the engine tried to send: the test fails, naming each event. */
function failOnDropped(where: string, dropped: readonly DroppedEvent[]): void {
  if (dropped.length === 0) return;
  throw new Error(`${where} held back ${dropped.length} event(s) the engine tried to send: ${dropped.map((d) => `${d.event} (${d.code}: ${d.reason})`).join('; ')}`);
}

async function screenshotOnFailure(page: Page, testInfo: TestInfo): Promise<void> {
  if (testInfo.status === testInfo.expectedStatus) return;
  const path = testInfo.outputPath('failure.png');
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  await testInfo.attach('failure screenshot', { path, contentType: 'image/png' }).catch(() => undefined);
}

function makeApp(page: Page, testInfo: TestInfo, chooser: SpecChooser, received: () => readonly unknown[], dropped: () => readonly DroppedEvent[]): KeyriteApp {
  return {
    page,
    // Read when a spec asks (a scan at its end sees everything sent until then).
    get received() {
      return received();
    },
    get dropped() {
      return dropped();
    },
    chooser,
    async waitForAuditEvent(type) {
      await page.locator(`[data-testid="audit-event"][data-type="${type}"]`).first().waitFor();
    },
    async screenshot(name) {
      await photograph(page, testInfo, name);
    },
  };
}

export { expect };
