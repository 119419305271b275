/**
 * The trust boundary as lint configuration (DESIGN.md, "The trust boundary").
 * Each runtime folder says what it may import; the hardware packages have
 * one owner each. `npm run lint` applies it; scripts/eslint/layering.test.ts
 * proves each rule by feeding the linter a file that breaks it.
 */
import { fileURLToPath } from 'node:url';
import type { Layer, LayeringOptions, PackageOwner } from './layering-rule.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const engineFolders = ['electron/core', 'electron/ipc', 'shared'];

export const layers: Layer[] = [
  {
    name: 'shared/ (pure: runs in main, renderer, CLI and the auditor\'s verifier)',
    folder: 'shared',
    mayImportFolders: ['shared'],
    nodeBuiltins: false,
    onlyPackages: ['zod', '@noble/hashes', '@noble/curves', '@noble/ciphers', '@scure/bip39', 'canonicalize'],
  },
  {
    name: 'renderer/ (sandboxed: sees only handles, public values and events)',
    folder: 'renderer',
    mayImportFolders: ['renderer', 'shared'],
    nodeBuiltins: false,
    onlyPackages: ['react', 'react-dom', 'zustand', 'zod', '@noble/hashes', '@scure/bip39'],
  },
  {
    name: 'the engine (electron/core runs in plain Node, without Electron)',
    folder: 'electron/core',
    mayImportFolders: engineFolders,
    nodeBuiltins: true,
    forbiddenPackages: ['electron', 'react', 'react-dom', 'zustand'],
  },
  {
    name: 'the IPC router (electron/ipc is shared by main and the test bridge)',
    folder: 'electron/ipc',
    mayImportFolders: ['electron/ipc', 'shared'],
    nodeBuiltins: true,
    forbiddenPackages: ['electron', 'react', 'react-dom', 'zustand'],
  },
  {
    name: 'the command line (electron/cli hosts the engine without Electron)',
    folder: 'electron/cli',
    mayImportFolders: ['electron/cli', ...engineFolders],
    nodeBuiltins: true,
    forbiddenPackages: ['electron', 'react', 'react-dom', 'zustand'],
  },
  {
    name: 'the preload (sandboxed: only electron and shared/)',
    folder: 'electron/preload',
    mayImportFolders: ['electron/preload', 'shared'],
    nodeBuiltins: false,
    onlyPackages: ['electron', 'zod'],
  },
  {
    name: 'the main process',
    folder: 'electron/main',
    mayImportFolders: ['electron/main', 'electron/packaging', ...engineFolders],
    nodeBuiltins: true,
    forbiddenPackages: ['react', 'react-dom', 'zustand'],
  },
  {
    name: 'the packaging configuration',
    folder: 'electron/packaging',
    mayImportFolders: ['electron/packaging', 'shared'],
    nodeBuiltins: true,
    forbiddenPackages: ['react', 'react-dom', 'zustand', 'pkcs11js', 'usb'],
  },
];

export const packageOwners: PackageOwner[] = [
  { package: 'pkcs11js', folder: 'electron/core/hsm', why: 'the HSM module is the only code that talks PKCS#11' },
  { package: 'usb', folder: 'electron/core/devices', why: 'the devices module is the only code that talks USB' },
];

export const layering: LayeringOptions = { root: repoRoot, layers, packageOwners };

/**
 * Tests may use test libraries, but still cross no boundary; they may use
 * Node built-ins except inside shared/, which stays pure to the last file
 * (a test comparing shared code with node:crypto lives in test/shared/).
 */
export const testLayering: LayeringOptions = {
  root: repoRoot,
  packageOwners,
  layers: layers.map(({ onlyPackages: _dropped, ...layer }) => ({ ...layer, nodeBuiltins: layer.folder !== 'shared', mayImportFolders: [...layer.mayImportFolders, 'test'] })),
};

/** DOM globals shared/ must not touch (its tsconfig has no DOM lib either). */
export const domGlobals = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB', 'fetch', 'XMLHttpRequest', 'WebSocket', 'HTMLElement', 'customElements'].map((name) => ({
  name,
  message: `shared/ is pure TypeScript: "${name}" is a DOM global.`,
}));
