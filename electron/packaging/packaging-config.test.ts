import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ignoredInPackage } from './app-files.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(path.join(root, 'package.json'));

let builderLoaded: Promise<Record<string, unknown>> | undefined;
const builderConfig = () => (builderLoaded ??= loadBuilderConfig());

async function loadBuilderConfig(): Promise<Record<string, unknown>> {
  const { getConfig } = require('app-builder-lib/out/util/config/load') as { getConfig(request: object, file: string): Promise<{ result: Record<string, unknown> }> };
  return (await getConfig({ packageKey: 'build', configFilename: 'electron-builder', projectDir: root }, 'electron-builder.config.ts')).result;
}

describe('Forge configuration, as Electron Forge 8 loads it', () => {
  it('packs an asar with native addons unpacked, ships only what ignoredInPackage keeps, rebuilds nothing', async () => {
    const loader = pathToFileURL(path.join(root, 'node_modules/@electron-forge/core/dist/util/forge-config.js')).href;
    const { default: load } = (await import(loader)) as { default: (dir: string) => Promise<{ packagerConfig: { asar?: unknown; ignore?: unknown; name?: string }; rebuildConfig: { onlyModules?: unknown } }> };
    const config = await load(root);
    expect(config.packagerConfig.asar).toEqual({ unpack: '**/*.node' });
    // The Vite plugin replaces `ignore` unless it is already a function; ours must survive.
    const ignore = config.packagerConfig.ignore as (file: string) => boolean;
    for (const file of ['/.vite/build/main.cjs', '/node_modules/pkcs11js/index.js', '/package.json', '/electron/main/index.ts', '/node_modules/react/index.js', '/renderer/app.tsx']) {
      expect(ignore(file), file).toBe(ignoredInPackage(file));
    }
    expect(config.packagerConfig.name).toBe('Keyrite');
    expect(config.rebuildConfig.onlyModules).toEqual([]);
  });
});

describe('what a Forge package ships (packagerConfig.ignore)', () => {
  it.each(['/.vite', '/.vite/build/main.cjs', '/.vite/build/preload.cjs', '/.vite/renderer/main_window/index.html', '/package.json', '/node_modules', '/node_modules/pkcs11js', '/node_modules/pkcs11js/build/Release/pkcs11.node', '/node_modules/usb/dist/index.js', ''])('keeps %s', (file) => {
    expect(ignoredInPackage(file)).toBe(false);
  });

  it.each(['/electron/main/index.ts', '/shared/contract.ts', '/renderer/app.tsx', '/node_modules/react', '/node_modules/electron/index.js', '/node_modules/pkcs11jsx/index.js', '/.vitest', '/e2e/home.spec.ts', '/.git/config', '/package-lock.json'])('leaves out %s', (file) => {
    expect(ignoredInPackage(file)).toBe(true);
  });
});

describe('electron-builder configuration, as electron-builder 26 loads it', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: object, debug: object): Promise<void> };
    const quiet = { isEnabled: false, add: () => undefined };
    await expect(validateConfiguration(await builderConfig(), quiet)).resolves.toBeUndefined();
  });

  it('identifies the app and uses build/ for resources', async () => {
    const config = await builderConfig();
    expect(config).toMatchObject({ appId: 'org.keyrite.app', productName: 'Keyrite', directories: { buildResources: 'build' } });
  });

  it('does not rebuild the Node-API addons and packs into an asar with .node files unpacked', async () => {
    const config = await builderConfig();
    expect(config).toMatchObject({ npmRebuild: false, nodeGypRebuild: false, asar: true, asarUnpack: ['**/*.node'], extraResources: [{ from: 'assets/ceremonies', to: 'ceremonies', filter: ['*.yaml'] }] });
  });

  it('ships only the Vite output and package.json as app files', async () => {
    expect((await builderConfig())['files']).toEqual(['.vite/build/**/*', '.vite/renderer/**/*', 'package.json']);
  });

  it('makes AppImage and deb on Linux, dmg on macOS, NSIS on Windows', async () => {
    const config = await builderConfig();
    expect(config).toMatchObject({ linux: { target: ['AppImage', 'deb'] }, mac: { target: ['dmg'] }, win: { target: ['nsis'] } });
  });
});
