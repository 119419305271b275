/**
 * TEST ONLY (run by main-bundle.test.ts in a child process; never imported
 * by the app, so never bundled). Loads the built main bundle with a fake
 * `electron` module and reports, as JSON on stdout, what the wiring did:
 * the order of the before-ready calls, the window it made, the channels it
 * registered, how it answered IPC, navigation, network and app:// requests.
 * Usage: node main-bundle.harness.ts <main.cjs> <userData> [extra argv...]
 * (KEYRITE_HARNESS_UNPACKAGED=1: the fake app is not packaged.)
 */
import { EventEmitter } from 'node:events';
import Module, { createRequire } from 'node:module';

const [bundle, userData, ...extraArgs] = process.argv.slice(2);
if (bundle === undefined || userData === undefined) throw new Error('usage: main-bundle.harness.ts <main.cjs> <userData> [argv...]');
process.argv = [process.argv[0] ?? 'electron', '.', ...extraArgs];

type Listener = (...args: unknown[]) => unknown;
const timeline: string[] = [];
let ready = false;
let resolveReady: () => void = () => undefined;
const readyPromise = new Promise<void>((resolve) => { resolveReady = resolve; });

class FakeSession extends EventEmitter {
  readonly handlers = new Map<string, Listener>();
  readonly protocol = { handle: (scheme: string, handler: Listener) => { timeline.push(`protocol.handle:${scheme}`); this.handlers.set(`protocol:${scheme}`, handler); } };
  readonly webRequest = { onBeforeRequest: (handler: Listener) => this.handlers.set('onBeforeRequest', handler) };
  setPermissionRequestHandler(handler: Listener) { this.handlers.set('permissionRequest', handler); }
  setPermissionCheckHandler(handler: Listener) { this.handlers.set('permissionCheck', handler); }
  setDevicePermissionHandler(handler: Listener) { this.handlers.set('devicePermission', handler); }
  setUSBProtectedClassesHandler(handler: Listener) { this.handlers.set('usbProtectedClasses', handler); }
  setBluetoothPairingHandler(handler: Listener) { this.handlers.set('bluetoothPairing', handler); }
  setSpellCheckerEnabled(enabled: boolean) { timeline.push(`spellchecker:${enabled}`); }
}
const defaultSession = new FakeSession();

let nextId = 1;
class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly session = defaultSession;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: Listener | undefined;
  setWindowOpenHandler(handler: Listener) { this.windowOpenHandler = handler; }
  isDestroyed() { return false; }
  send(channel: string, payload: unknown) { this.sent.push({ channel, payload }); }
}

// Electron sets process.resourcesPath for every main process; plain Node does not.
Object.assign(process, { resourcesPath: '/nonexistent/resources' });

const app = new (class extends EventEmitter {
  // Packaged unless told otherwise (the e2e record runs only unpackaged: e2e-capture.ts).
  isPackaged = process.env['KEYRITE_HARNESS_UNPACKAGED'] !== '1';
  getAppPath() { return '/nonexistent/app'; }
  enableSandbox() { timeline.push(`enableSandbox:ready=${ready}`); }
  requestSingleInstanceLock() { timeline.push('singleInstanceLock'); return true; }
  getPath(name: string) { return name === 'userData' ? userData : `/nonexistent/${name}`; }
  setPath(name: string) { timeline.push(`setPath:${name}`); }
  // Chromium's own switch parser: the fake sees the same argv.
  readonly commandLine = {
    hasSwitch: (name: string) => extraArgs.some((arg) => arg.toLowerCase().replace(/^(--|-|\/)/u, '').split('=')[0] === name),
    getSwitchValue: (name: string) => extraArgs.map((arg) => arg.replace(/^(--|-|\/)/u, '').split('=')).find(([switchName]) => switchName?.toLowerCase() === name)?.slice(1).join('=') ?? '',
  };
  getVersion() { return '0.1.0-test'; }
  whenReady() { return readyPromise; }
  quit() { timeline.push('quit'); }
})();

const windows: FakeWindow[] = [];
class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  loaded: string | undefined;
  readonly options: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    windows.push(this);
    timeline.push('BrowserWindow');
    // Electron emits this for every new web contents.
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) { this.loaded = url; return Promise.resolve(); }
  show() {}
  isMinimized() { return false; }
  restore() {}
  focus() {}
}

const ipcHandlers = new Map<string, Listener>();
const fakeElectron = {
  app,
  BrowserWindow: FakeWindow,
  Menu: { setApplicationMenu: (menu: unknown) => timeline.push(`setApplicationMenu:${String(menu)}`) },
  ipcMain: { handle: (channel: string, handler: Listener) => ipcHandlers.set(channel, handler), removeHandler: (channel: string) => ipcHandlers.delete(channel) },
  protocol: { registerSchemesAsPrivileged: (schemes: unknown) => timeline.push(`registerSchemesAsPrivileged:${JSON.stringify(schemes)}:ready=${ready}`) },
  session: { defaultSession },
};

const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const originalLoad = loader._load;
loader._load = (request, parent, isMain) => (request === 'electron' ? fakeElectron : originalLoad(request, parent, isMain));

const originalExit = process.exit.bind(process);
process.exit = ((code?: number) => {
  process.stdout.write(`${JSON.stringify({ exited: code ?? 0, timeline })}\n`);
  originalExit(0);
}) as typeof process.exit;

createRequire(import.meta.url)(bundle);
ready = true;
resolveReady();
await readyPromise;
await new Promise((resolve) => setTimeout(resolve, 10));

const window = windows[0];
if (window === undefined) throw new Error('no window was created');
const contents = window.webContents;
const invoke = (channel: string, sender: object, payload: unknown) => ipcHandlers.get(channel)?.(sender, payload);
const ours = { sender: { id: contents.id }, senderFrame: { parent: null, url: 'app://keyrite/index.html' } };
const foreign = { sender: { id: contents.id }, senderFrame: { parent: null, url: 'https://evil.example/' } };

const navigation = { url: 'https://evil.example/', prevented: false, preventDefault() { this.prevented = true; } };
contents.emit('will-navigate', navigation, navigation.url);
let cancelled: unknown;
(defaultSession.handlers.get('onBeforeRequest') as Listener)({ url: 'https://example.com/beacon' }, (response: unknown) => { cancelled = response; });
const serve = defaultSession.handlers.get('protocol:app') as (request: { url: string; method: string }) => Promise<Response>;
const page = await serve({ url: 'app://keyrite/index.html', method: 'GET' });
const traversal = await serve({ url: 'app://keyrite/..%2f..%2fbuild%2fmain.cjs', method: 'GET' });

const report = {
  timeline,
  windowOptions: window.options,
  loaded: window.loaded,
  channels: [...ipcHandlers.keys()].sort(),
  describe: await invoke('keyrite:app/describe', ours, {}),
  foreign: await invoke('keyrite:app/describe', foreign, {}),
  windowOpen: contents.windowOpenHandler?.({ url: 'https://evil.example/' }),
  navigationPrevented: navigation.prevented,
  networkResponse: cancelled,
  page: { status: page.status, csp: page.headers.get('content-security-policy'), nosniff: page.headers.get('x-content-type-options'), body: await page.text() },
  traversal: { status: traversal.status, csp: traversal.headers.get('content-security-policy') },
  sessionHandlers: [...defaultSession.handlers.keys()].sort(),
  sent: contents.sent,
};
app.emit('will-quit');
process.stdout.write(`${JSON.stringify(report)}\n`);
originalExit(0);
