/**
 * The fuses as each packager will actually flip them, read back from the
 * real configuration files through the packagers' own loaders.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { KEYRITE_FUSES, builderFuseConfig, forgeFuseConfig } from './fuses.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(path.join(root, 'package.json'));

/** The fuses the issue requires, by Electron's names (issue 2, "The window"). */
const REQUIRED: Record<string, boolean> = {
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  OnlyLoadAppFromAsar: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  EnableCookieEncryption: true,
  GrantFileProtocolExtraPrivileges: false,
  LoadBrowserProcessSpecificV8Snapshot: false,
};

/** Fuse wire index → value, by fuse name. */
function byName(config: FuseConfig): Record<string, boolean> {
  const named: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(config)) {
    const index = Number(key);
    if (Number.isInteger(index) && typeof value === 'boolean') named[FuseV1Options[index] as string] = value;
  }
  return named;
}

/** forge.config.ts as Electron Forge 8 loads it (its own loader: jiti, plugin instances, resolveForgeConfig hooks). */
async function loadForgeFuses(): Promise<FuseConfig> {
  // The loader is not in @electron-forge/core's export map, so it is imported by file.
  const loader = pathToFileURL(path.join(root, 'node_modules/@electron-forge/core/dist/util/forge-config.js')).href;
  const { default: loadForgeConfig } = (await import(loader)) as { default: (dir: string) => Promise<{ plugins?: unknown[] }> };
  const config = await loadForgeConfig(root);
  const plugins = (config.plugins ?? []).filter((plugin) => typeof plugin === 'object' && plugin !== null && 'name' in plugin && plugin.name === 'fuses');
  expect(plugins).toHaveLength(1);
  return (plugins[0] as unknown as { fusesConfig: FuseConfig }).fusesConfig;
}

/** electron-builder.config.ts as electron-builder 26 loads it, turned into @electron/fuses input by its own code. */
async function loadBuilderFuses(): Promise<FuseConfig> {
  const { getConfig } = require('app-builder-lib/out/util/config/load') as { getConfig(request: object, file: string): Promise<{ result: { electronFuses?: object } }> };
  const loaded = await getConfig({ packageKey: 'build', configFilename: 'electron-builder', projectDir: root }, 'electron-builder.config.ts');
  expect(loaded.result.electronFuses).toBeDefined();
  const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: object): Promise<FuseConfig> } } };
  return PlatformPackager.prototype.generateFuseConfig.call({}, loaded.result.electronFuses ?? {});
}

// Each loader runs once per file; the tests only read the results.
let forgeLoaded: Promise<FuseConfig> | undefined;
let builderLoaded: Promise<FuseConfig> | undefined;
const forgeFuses = () => (forgeLoaded ??= loadForgeFuses());
const builderFuses = () => (builderLoaded ??= loadBuilderFuses());

describe('fuses', () => {
  it('decides every fuse Electron defines, so none is left at its default by accident', () => {
    const fuseNames = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(KEYRITE_FUSES).sort()).toEqual(fuseNames.sort());
    expect(forgeFuseConfig().strictlyRequireAllFuses).toBe(true);
  });

  it.each(Object.entries(REQUIRED))('Forge (forge.config.ts, plugin-fuses) sets %s to %s', async (name, value) => {
    const config = await forgeFuses();
    expect(config.version).toBe(FuseVersion.V1);
    expect(byName(config)[name]).toBe(value);
  });

  it.each(Object.entries(REQUIRED))('electron-builder (electron-builder.config.ts) sets %s to %s', async (name, value) => {
    expect(byName(await builderFuses())[name]).toBe(value);
  });

  it('both packagers flip the same fuses, except the one electron-builder cannot set (WasmTrapHandlers, left at its default: on)', async () => {
    const forge = byName(await forgeFuses());
    const builder = byName(await builderFuses());
    const { WasmTrapHandlers, ...forgeRest } = forge;
    expect(WasmTrapHandlers).toBe(true);
    expect(builder).toEqual(forgeRest);
  });

  it('the builder adapter names every electron-builder option after its fuse', () => {
    const options = builderFuseConfig();
    expect(Object.keys(options)).toHaveLength(Object.keys(KEYRITE_FUSES).length - 1);
    for (const [option, value] of Object.entries(options)) {
      const fuse = Object.keys(KEYRITE_FUSES).find((name) => name.toLowerCase() === option.toLowerCase() || `enable${name}`.toLowerCase() === option.toLowerCase() || name.toLowerCase() === `enable${option}`.toLowerCase());
      expect(fuse, option).toBeDefined();
      expect(KEYRITE_FUSES[fuse as keyof typeof KEYRITE_FUSES]).toBe(value);
    }
  });
});
