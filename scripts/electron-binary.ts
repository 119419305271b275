/**
 * Finds an Electron binary without triggering the electron package's lazy
 * download (FACTS.md: `require('electron')` fetches the binary on first use,
 * which fails offline). Honours ELECTRON_OVERRIDE_DIST_PATH like the package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const path = override !== undefined && override !== '' ? join(override, relative) : join(packageDir, 'dist', relative);
  if (!existsSync(path)) {
    return {
      found: false,
      reason: `no Electron binary at ${path} (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1; set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron ${readVersion(packageDir)} to run this project)`,
    };
  }
  return { found: true, path };
}

function readVersion(packageDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '';
  }
}
