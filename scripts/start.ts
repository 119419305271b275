/**
 * `npm start`: the app in its development loop (electron-forge start). It
 * needs the Electron binary, which the electron package downloads lazily;
 * where it cannot (offline, ELECTRON_SKIP_BINARY_DOWNLOAD), say precisely
 * what is missing instead of failing inside a download.
 */
import { spawnSync } from 'node:child_process';
import { findElectronBinary } from './electron-binary.ts';

const binary = findElectronBinary();
if (!binary.found) {
  console.error(`[keyrite] cannot open the Keyrite window: ${binary.reason}.`);
  console.error('[keyrite] On a machine with internet access, `npx install-electron` fetches it; offline, unpack an Electron');
  console.error('[keyrite] release for this platform and set ELECTRON_OVERRIDE_DIST_PATH to its folder, then run `npm start` again.');
  console.error('[keyrite] The engine itself runs without Electron: `npm test` exercises it against SoftHSM2 and Chromium.');
  process.exit(1);
}
const result = spawnSync('npx', ['electron-forge', 'start', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
