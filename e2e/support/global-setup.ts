/**
 * Once per Playwright run, in the main test process (before any worker):
 * a private SoftHSM2 folder (SOFTHSM2_CONF) with one initialised token that
 * the specs expect to see, and a printed line saying whether the Electron
 * project can run here.
 */
import softHsmSetup from '../../test/support/softhsm.global-setup.ts';
import { createTestToken } from '../../test/support/softhsm.ts';
import { findElectronBinary } from '../../scripts/electron-binary.ts';

export default function globalSetup(): () => void {
  const teardown = softHsmSetup();
  const token = createTestToken('e2e-token');
  process.env['KEYRITE_E2E_TOKEN'] = JSON.stringify({ label: token.label, serial: token.serial, library: token.library });
  const electron = findElectronBinary();
  console.log(electron.found ? `[e2e] Electron binary: ${electron.path}` : `[e2e] Electron project will be skipped: ${electron.reason}`);
  return teardown;
}

export interface E2eToken {
  label: string;
  serial: string;
  library: string;
}

export function e2eToken(): E2eToken {
  const raw = process.env['KEYRITE_E2E_TOKEN'];
  if (raw === undefined) throw new Error('e2e global setup did not run');
  return JSON.parse(raw) as E2eToken;
}
