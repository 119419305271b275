/**
 * Builds the three bundles into Forge's Vite layout (.vite/build/main.cjs,
 * .vite/build/preload.cjs, .vite/renderer/main_window/), the same files
 * `electron-forge start` builds and electron-builder packages.
 */
import { build } from 'vite';

const configs = ['vite.main.config.ts', 'vite.preload.config.ts', 'vite.renderer.config.ts'];

for (const configFile of configs) {
  const started = performance.now();
  await build({ configFile, logLevel: 'warn' });
  console.log(`built ${configFile} in ${Math.round(performance.now() - started)} ms`);
}
