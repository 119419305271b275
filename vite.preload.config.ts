/**
 * The preload bundle: .vite/build/preload.cjs, one CommonJS file. A
 * sandboxed preload may require only 'electron' (and a few Node polyfills),
 * so everything else, zod and shared/ included, is bundled in.
 * Works alone (`vite build -c vite.preload.config.ts`) and under Forge.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'chrome140',
    sourcemap: false,
    minify: false,
    copyPublicDir: false,
    rollupOptions: {
      input: { preload: 'electron/preload/index.ts' },
      external: ['electron', 'electron/renderer'],
      output: {
        format: 'cjs',
        codeSplitting: false,
        entryFileNames: '[name].cjs',
        chunkFileNames: '[name].cjs',
        assetFileNames: '[name].[ext]',
      },
    },
  },
});
