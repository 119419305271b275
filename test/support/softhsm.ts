/**
 * Makes a fresh SoftHSM2 token for one test file, with softhsm2-util, in the
 * run's private token folder (see softhsm.global-setup.ts). Call it before
 * the file loads the PKCS#11 module: SoftHSM lists the tokens it finds at
 * C_Initialize.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TestToken {
  label: string;
  serial: string;
  soPin: string;
  userPin: string;
  /** Path of the SoftHSM2 PKCS#11 library. */
  library: string;
}

export function softHsmLibrary(): string {
  const lib = process.env['KEYRITE_TEST_SOFTHSM_LIB'];
  if (lib === undefined || process.env['SOFTHSM2_CONF'] === undefined) {
    throw new Error('The SoftHSM global setup did not run (vitest.config.ts globalSetup).');
  }
  return lib;
}

export function createTestToken(prefix = 'test'): TestToken {
  const library = softHsmLibrary();
  const label = `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 32);
  const soPin = '10203040';
  const userPin = '11223344';
  const out = execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', userPin], {
    encoding: 'utf8',
    env: process.env,
  });
  // "The token has been initialized and is reassigned to slot 123456"
  const show = execFileSync('softhsm2-util', ['--show-slots'], { encoding: 'utf8', env: process.env });
  const serial = serialOf(show, label);
  if (serial === null) throw new Error(`softhsm2-util made no token ${label}: ${out}`);
  return { label, serial, soPin, userPin, library };
}

function serialOf(showSlots: string, label: string): string | null {
  for (const block of showSlots.split(/\n(?=Slot )/u)) {
    const labelLine = /Label:\s*(.*)/u.exec(block)?.[1]?.trim();
    if (labelLine === label) return /Serial number:\s*(\S+)/u.exec(block)?.[1] ?? null;
  }
  return null;
}
