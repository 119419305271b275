import { describe, expect, it } from 'vitest';
import { mainWebPreferences, mainWindowOptions } from './window-options.ts';

const PRELOAD = '/app/.vite/build/preload.cjs';

describe('main window web preferences (Electron security checklist)', () => {
  const prefs = mainWebPreferences(PRELOAD);

  it.each([
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['enableBlinkFeatures', ''],
    ['disableBlinkFeatures', 'Auxclick'],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
    ['spellcheck', false],
    ['safeDialogs', true],
    ['devTools', false],
  ] as const)('sets %s to %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('loads the given preload and nothing else', () => {
    expect(prefs.preload).toBe(PRELOAD);
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs).not.toHaveProperty('partition');
  });

  it('sets no preference outside the reviewed list', () => {
    expect(Object.keys(prefs).sort()).toEqual([
      'allowRunningInsecureContent', 'contextIsolation', 'devTools', 'disableBlinkFeatures', 'enableBlinkFeatures', 'experimentalFeatures', 'navigateOnDragDrop',
      'nodeIntegration', 'nodeIntegrationInSubFrames', 'nodeIntegrationInWorker', 'preload', 'safeDialogs', 'sandbox', 'spellcheck',
      'webSecurity', 'webviewTag',
    ]);
  });
});

describe('main window options', () => {
  it('carries the hardened preferences whatever the DevTools choice', () => {
    for (const devTools of [true, false]) {
      const options = mainWindowOptions({ preloadPath: PRELOAD, devTools });
      expect(options.webPreferences).toEqual({ ...mainWebPreferences(PRELOAD), devTools });
    }
  });

  it('opens DevTools only when asked (unpackaged development)', () => {
    expect(mainWindowOptions({ preloadPath: PRELOAD, devTools: false }).webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: PRELOAD, devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('stays hidden until the first paint and is titled Keyrite', () => {
    const options = mainWindowOptions({ preloadPath: PRELOAD, devTools: false });
    expect(options.show).toBe(false);
    expect(options.title).toBe('Keyrite');
  });
});
