/**
 * The main process bundle: .vite/build/main.cjs (CommonJS, Node target).
 * Works alone (`vite build -c vite.main.config.ts`) and under Forge's Vite
 * plugin, which merges its own settings under these. Native and Electron
 * modules stay external: electron comes from the runtime, pkcs11js and usb
 * are Node-API addons loaded from node_modules.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

export const mainExternals = ['electron', /^electron\/.+/, 'pkcs11js', 'usb', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default defineConfig({
  // Forge injects MAIN_WINDOW_VITE_* only during `electron-forge start`; main.ts reads them through typeof.
  publicDir: false,
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node24',
    ssr: false,
    sourcemap: false,
    minify: false,
    copyPublicDir: false,
    lib: {
      entry: 'electron/main/index.ts',
      formats: ['cjs'],
      fileName: () => 'main.cjs',
    },
    rollupOptions: {
      external: mainExternals,
    },
  },
  resolve: {
    // Node entry points of dependencies, never their browser builds.
    conditions: ['node'],
    mainFields: ['module', 'jsnext:main', 'jsnext'],
  },
});
