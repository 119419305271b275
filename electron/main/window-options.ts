/**
 * The main window's options, as Electron's security checklist asks
 * (https://www.electronjs.org/docs/latest/tutorial/security): sandboxed,
 * context-isolated, no Node anywhere in the renderer, web security on, no
 * <webview>, no insecure content, no experimental features. Every value is
 * spelled out even where it is Electron's default, so a changed default or a
 * careless edit shows up in window-options.test.ts.
 * Only `import type` from electron: tests import this file.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export function mainWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    // #4 sandbox, #3 context isolation, #2 no Node.js integration (also in workers and subframes).
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // #6 webSecurity, #8 no insecure content, #9 no experimental features, #12 no <webview>.
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // A middle click must not open anything (the window-open handler denies it too).
    disableBlinkFeatures: 'Auxclick',
    webviewTag: false,
    // A file dropped on the window must not navigate it away from our page.
    navigateOnDragDrop: false,
    // The spellchecker would download dictionaries: the workstation is air-gapped.
    spellcheck: false,
    // A page that loops on alert() cannot lock the operator out.
    safeDialogs: true,
    // DevTools: off unless mainWindowOptions says otherwise (unpackaged development).
    devTools: false,
  };
}

export interface MainWindowInput {
  preloadPath: string;
  /** Whether DevTools may be opened (unpackaged development only). */
  devTools: boolean;
}

export function mainWindowOptions(input: MainWindowInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    title: 'Keyrite',
    // Shown once the first paint is ready, so no blank window flashes.
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: { ...mainWebPreferences(input.preloadPath), devTools: input.devTools },
  };
}
