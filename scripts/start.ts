/**
 * `npm start`: the app in its development loop (electron-forge start). It
 * needs the Electron binary, which the electron package fetches on demand
 * (and which installs here skip: ELECTRON_SKIP_BINARY_DOWNLOAD). Fetch it
 * once if it is missing; where that is impossible (an offline machine), say
 * precisely what is missing instead of failing inside Forge.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { findElectronBinary } from './electron-binary.ts';

let binary = findElectronBinary();
if (!binary.found) {
  console.error('[keyrite] the Electron binary is not here yet; fetching it once (electron/install.js)…');
  const env = { ...process.env };
  delete env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
  spawnSync(process.execPath, [createRequire(import.meta.url).resolve('electron/install.js')], { stdio: 'inherit', env });
  binary = findElectronBinary();
}
if (!binary.found) {
  console.error(`[keyrite] cannot open the Keyrite window: ${binary.reason}.`);
  console.error('[keyrite] The download failed (is this machine offline?). Unpack an Electron release for this platform');
  console.error('[keyrite] and set ELECTRON_OVERRIDE_DIST_PATH to its folder, then run `npm start` again.');
  console.error('[keyrite] Without Electron: `npm run keyrite -- tokens` lists the HSM tokens through the same engine,');
  console.error('[keyrite] and `npm test` runs the real renderer against the engine in Chromium.');
  process.exit(1);
}
const result = spawnSync('npx', ['electron-forge', 'start', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
