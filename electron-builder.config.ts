/**
 * electron-builder: the installers (`electron-builder --config electron-builder.config.ts`).
 * Builds what `scripts/build.ts` put in .vite/; flips the same fuses as Forge
 * (electron/packaging/fuses.ts). Loaded by electron-builder 26 through jiti.
 */
import type { Configuration } from 'electron-builder';
import { ASAR_UNPACK_GLOB } from './electron/packaging/app-files.ts';
import { builderFuseConfig } from './electron/packaging/fuses.ts';

const config: Configuration = {
  appId: 'org.keyrite.app',
  productName: 'Keyrite',
  copyright: 'Keyrite',
  directories: { buildResources: 'build', output: 'release/${version}' },
  files: ['.vite/build/**/*', '.vite/renderer/**/*', 'package.json'],
  // The built-in ceremony scripts, read by the engine from resources/ceremonies/.
  extraResources: [{ from: 'assets/ceremonies', to: 'ceremonies', filter: ['*.yaml'] }],
  asar: true,
  asarUnpack: [ASAR_UNPACK_GLOB],
  // pkcs11js and usb are Node-API addons: the binaries built for Node load in
  // Electron unchanged, and electron-builder's rebuild of usb 2.18 fails (FACTS.md).
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  electronFuses: builderFuseConfig(),
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    executableName: 'keyrite',
    maintainer: 'Keyrite maintainers',
    synopsis: 'Cryptographic key ceremonies with a signed transcript',
  },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.utilities',
    hardenedRuntime: true,
  },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
