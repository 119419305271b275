/**
 * The Electron main process: wiring only, in the order it must happen.
 * Every decision lives in a small tested module next to this one.
 */
import path from 'node:path';
import { Menu, app, dialog, ipcMain, session } from 'electron';
import { createEngine } from '../core/engine.ts';
import { createRouter } from '../ipc/router.ts';
import { rendererSource } from './app-origin.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { rendererRootFrom } from './app-protocol-paths.ts';
import { createBoundaryGuards } from './boundary-guards.ts';
import { createReceivedCapture, E2E_RECEIVED_VARIABLE, e2eModeOf, PLAYWRIGHT_SWITCHES } from './e2e-capture.ts';
import { createDialogChooser } from './file-chooser.ts';
import { hardenSession, hardenWebContents } from './hardening.ts';
import { createEventForwarder, registerCommandHandlers } from './ipc.ts';
import { judgeChromiumSwitches, judgeLaunch, type LaunchVerdict } from './launch-guard.ts';
import { createMainWindow, createWindowRegistry } from './main-window.ts';
import { createNetworkPolicy } from './network-policy.ts';
import { createRefusalReporter, ipcRefusal } from './refusal-report.ts';

function main(): void {
  // 1. No debugger, no run-as-node (fuses do this too in packaged builds);
  // the e2e project's test-only record and Playwright's switches only unpackaged (e2e-capture.ts).
  const e2e = e2eModeOf(process.env, app.isPackaged);
  const tolerated = e2e.kind === 'capture' ? PLAYWRIGHT_SWITCHES : [];
  const e2eVerdict: LaunchVerdict = e2e.kind === 'refused' ? { allowed: false, offending: E2E_RECEIVED_VARIABLE, reason: e2e.reason } : { allowed: true };
  for (const verdict of [e2eVerdict, judgeLaunch(process.argv, process.env, tolerated), judgeChromiumSwitches((name) => app.commandLine.hasSwitch(name), tolerated, (name) => app.commandLine.getSwitchValue(name))]) {
    if (!verdict.allowed) {
      console.error(verdict.reason);
      process.exit(78);
    }
  }

  // 2. Before ready: the app:// scheme, sandbox for every renderer, one instance.
  registerAppScheme();
  // A ceremony machine may keep Keyrite's state on a chosen (e.g. encrypted)
  // volume; the Electron e2e project uses it for a fresh folder per test.
  const dataDir = process.env['KEYRITE_DATA_DIR'];
  if (dataDir !== undefined && dataDir !== '') app.setPath('userData', path.resolve(dataDir));
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // The main bundle is CommonJS (.vite/build/main.cjs): __dirname is its folder.
  const buildDir = __dirname;
  const source = rendererSource(typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined, app.isPackaged);

  // 3. The engine, and the boundary that reports into its audit log.
  const pkcs11Module = process.env['KEYRITE_PKCS11_MODULE'];
  const windows = createWindowRegistry();
  const engine = createEngine({
    dataDir: app.getPath('userData'),
    pkcs11Module: pkcs11Module === undefined || pkcs11Module === '' ? undefined : pkcs11Module,
    host: 'electron',
    version: app.getVersion(),
    // Packaged: shipped as an extra resource (forge.config.ts, electron-builder.config.ts); from source: the repository's assets.
    ceremoniesFolder: app.isPackaged ? path.join(process.resourcesPath, 'ceremonies') : path.join(app.getAppPath(), 'assets', 'ceremonies'),
    // Native dialogs, shown by main as a sheet of our window: the renderer never names a path.
    chooser: createDialogChooser(dialog, () => [...windows.windows][0]),
  });
  const report = createRefusalReporter(engine);
  const guards = createBoundaryGuards(report, createNetworkPolicy({ devServerOrigin: source.dev ? source.origin : undefined }));
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, guards));

  // 4. IPC: one handler per contract command, events to our windows only.
  const router = createRouter({
    handlers: engine.handlers,
    policy: { trustedWebContents: windows.trustedWebContents, origin: source.origin },
    onRefused: (refusal) => report(ipcRefusal(refusal)),
    onInternalError: (command, error) => console.error(`[keyrite] ${command} failed:`, error),
  });
  const capture = e2e.kind === 'capture' ? createReceivedCapture(e2e.file) : undefined;
  const unregisterIpc = registerCommandHandlers(ipcMain, router, capture?.sent);
  const stopEvents = engine.onEvent(
    createEventForwarder(
      () => [...windows.windows].map((window) => window.webContents),
      (event, error) => {
        console.error(`[keyrite] event ${event.name} not sent:`, error);
        capture?.dropped(event, error);
      },
      capture?.sent,
    ),
  );

  // 5. Ready: serve the renderer, harden the default session, open the window.
  const openWindow = (): void => {
    createMainWindow(windows, { preloadPath: path.join(buildDir, 'preload.cjs'), entryUrl: source.entryUrl, devTools: source.dev });
  };
  void app.whenReady().then(() => {
    if (!source.dev) Menu.setApplicationMenu(null);
    hardenSession(session.defaultSession, guards);
    serveRenderer(session.defaultSession, rendererRootFrom(buildDir));
    engine.audit.record('app.started', `Keyrite ${app.getVersion()} started${source.dev ? ' (development)' : ''}`);
    openWindow();
  });
  app.on('second-instance', () => {
    const [first] = windows.windows;
    if (first === undefined) return;
    if (first.isMinimized()) first.restore();
    first.focus();
  });

  // 6. Clean shutdown: a ceremony machine quits with its last window.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    unregisterIpc();
    stopEvents();
    void engine.close();
  });
}

main();
