/**
 * Electron Forge: the development loop (`electron-forge start`) and a
 * plain package. Installers come from electron-builder
 * (electron-builder.config.ts); both flip the same fuses
 * (electron/packaging/fuses.ts).
 */
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { ASAR_UNPACK_GLOB, ignoredInPackage } from './electron/packaging/app-files.ts';
import { forgeFuseConfig } from './electron/packaging/fuses.ts';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Keyrite',
    executableName: 'keyrite',
    appBundleId: 'org.keyrite.app',
    // OnlyLoadAppFromAsar needs an asar; native addons stay outside it.
    asar: { unpack: ASAR_UNPACK_GLOB },
    // The Vite plugin would ship only .vite/; the main bundle also needs its Node-API addons.
    ignore: ignoredInPackage,
    icon: 'build/icon',
    // The built-in ceremony scripts, read by the engine from resources/ceremonies/.
    extraResource: ['assets/ceremonies'],
  },
  // pkcs11js and usb use Node-API: the same binaries load in Electron, no rebuild (FACTS.md).
  rebuildConfig: { onlyModules: [] },
  makers: [],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main/index.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload/index.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin(forgeFuseConfig()),
  ],
};

export default config;
