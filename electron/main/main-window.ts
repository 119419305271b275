/**
 * Creates the one Keyrite window from mainWindowOptions and remembers its
 * web contents id, which the IPC sender check trusts while the window lives.
 */
import { BrowserWindow } from 'electron';
import { mainWindowOptions } from './window-options.ts';

export interface WindowRegistry {
  /** Ids of web contents we created; the router's SenderPolicy reads this live set. */
  readonly trustedWebContents: Set<number>;
  readonly windows: Set<BrowserWindow>;
}

export function createWindowRegistry(): WindowRegistry {
  return { trustedWebContents: new Set(), windows: new Set() };
}

export function createMainWindow(registry: WindowRegistry, options: { preloadPath: string; entryUrl: string; devTools: boolean }): BrowserWindow {
  const windowOptions = mainWindowOptions({ preloadPath: options.preloadPath, devTools: options.devTools });
  // The decisive preferences are pinned again here, at the construction site, so a static
  // scanner (electronegativity) and a reviewer see them where the window is made; the
  // values are the ones window-options.test.ts asserts, and pinning can only tighten them.
  const window = new BrowserWindow({
    ...windowOptions,
    webPreferences: {
      ...windowOptions.webPreferences,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const id = window.webContents.id;
  registry.trustedWebContents.add(id);
  registry.windows.add(window);
  window.on('closed', () => {
    registry.trustedWebContents.delete(id);
    registry.windows.delete(window);
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.entryUrl);
  return window;
}
