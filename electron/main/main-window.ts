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
  const window = new BrowserWindow(mainWindowOptions({ preloadPath: options.preloadPath, devTools: options.devTools }));
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
