/**
 * The rehearsal token: when no HSM is configured, Keyrite runs on a SoftHSM2
 * token in its own data folder, so a ceremony can be rehearsed end to end
 * (Let's Encrypt rehearses its ceremonies on SoftHSM the same way). It is
 * marked REHEARSAL everywhere; its PINs are fixed and public because
 * nothing on it is ever real.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { KeyriteError } from '../../../shared/result.ts';
import { HsmModule, type HsmModuleOptions } from './hsm-module.ts';
import { hsmErrorFrom } from './hsm-error.ts';

export const REHEARSAL_TOKEN_LABEL = 'KEYRITE REHEARSAL';
/** PKCS#11 v2.40 §3.2, CK_TOKEN_INFO flags. */
const CKF_TOKEN_INITIALIZED = 0x400;
/** Public on purpose: the rehearsal token never holds anything real. */
export const REHEARSAL_SO_PIN = '87654321';
export const REHEARSAL_USER_PIN = '12345678';

/** Where Debian, Ubuntu, Fedora, Homebrew and MacPorts install SoftHSM2. */
export const SOFTHSM_LIBRARY_PATHS = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
  '/opt/local/lib/softhsm/libsofthsm2.so',
] as const;

export function findSoftHsm(candidates: readonly string[] = SOFTHSM_LIBRARY_PATHS): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

/**
 * Makes sure the rehearsal token exists under `dataDir` and returns the
 * loaded module. Sets SOFTHSM2_CONF for this process: SoftHSM reads it in
 * C_Initialize, so it must be set before the module is loaded.
 */
export function openRehearsalToken(dataDir: string, libraryPath = findSoftHsm(), options: Omit<HsmModuleOptions, 'rehearsal'> = {}): HsmModule {
  if (libraryPath === null) {
    throw new KeyriteError(
      'HSM_NOT_CONFIGURED',
      'No HSM is configured and SoftHSM2 is not installed, so there is no rehearsal token. ' +
        'Install it (Debian/Ubuntu: sudo apt-get install softhsm2) or configure a PKCS#11 module.',
    );
  }
  const home = join(dataDir, 'rehearsal-hsm');
  const tokenDir = join(home, 'tokens');
  const conf = join(home, 'softhsm2.conf');
  mkdirSync(tokenDir, { recursive: true, mode: 0o700 });
  if (!existsSync(conf)) {
    writeFileSync(conf, `# Keyrite rehearsal token (not a real HSM)\ndirectories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`, { mode: 0o600 });
  }
  process.env['SOFTHSM2_CONF'] = conf;
  ensureRehearsalToken(libraryPath);
  return HsmModule.load(libraryPath, { ...options, rehearsal: true });
}

/**
 * Initialises the rehearsal token once, with a short-lived handle on the
 * library of its own (finalised before the HsmModule loads it: a library
 * is initialised once per process at a time).
 */
function ensureRehearsalToken(libraryPath: string): void {
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(libraryPath);
    lib.C_Initialize();
  } catch (error) {
    throw hsmErrorFrom(error, `loading the PKCS#11 module ${libraryPath}`);
  }
  const labelOf = (slot: Buffer): string => lib.C_GetTokenInfo(slot).label.replaceAll('\u0000', ' ').trimEnd();
  try {
    const slots = lib.C_GetSlotList(true);
    if (slots.some((slot) => (lib.C_GetTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED) !== 0 && labelOf(slot) === REHEARSAL_TOKEN_LABEL)) return;
    const free = slots.find((slot) => (lib.C_GetTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED) === 0);
    if (free === undefined) throw new KeyriteError('HSM_NO_FREE_SLOT', 'SoftHSM has no free slot for the rehearsal token.');
    // SoftHSM pads a short label with NULs; PKCS#11 wants blanks (FACTS.md).
    lib.C_InitToken(free, REHEARSAL_SO_PIN, REHEARSAL_TOKEN_LABEL.padEnd(32, ' '));
    // SoftHSM renumbers slots after C_InitToken: find the token again by label.
    const slot = lib.C_GetSlotList(true).find((s) => labelOf(s) === REHEARSAL_TOKEN_LABEL);
    if (slot === undefined) throw new KeyriteError('HSM_TOKEN_NOT_FOUND', 'The rehearsal token vanished after it was initialised.');
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      lib.C_Login(session, pkcs11js.CKU_SO, REHEARSAL_SO_PIN);
      lib.C_InitPIN(session, REHEARSAL_USER_PIN);
      lib.C_Logout(session);
    } finally {
      lib.C_CloseSession(session);
    }
  } catch (error) {
    throw hsmErrorFrom(error, 'initialising the rehearsal token');
  } finally {
    try {
      lib.C_Finalize();
    } finally {
      lib.close();
    }
  }
}
