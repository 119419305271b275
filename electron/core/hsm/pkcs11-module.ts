/**
 * One loaded PKCS#11 library. This folder is the only code that imports
 * pkcs11js (the linter enforces it).
 *
 * WARNING: C_Initialize reads process-wide state (SoftHSM reads
 * SOFTHSM2_CONF at that moment), so callers set the environment first.
 */
import pkcs11js from 'pkcs11js';
import type { HsmModuleInfo, TokenSummary } from '../../../shared/domain/hsm.ts';
import { hsmErrorFrom } from './hsm-error.ts';

// PKCS#11 v2.40 §3.2, CK_TOKEN_INFO flags.
const CKF_RNG = 0x1;
const CKF_WRITE_PROTECTED = 0x2;
const CKF_USER_PIN_INITIALIZED = 0x8;
const CKF_TOKEN_INITIALIZED = 0x400;

const version = (v: { major: number; minor: number }): string => `${v.major}.${v.minor}`;
/** PKCS#11 pads fixed-length strings with blanks (and SoftHSM sometimes with NULs). */
const text = (s: string): string => s.replaceAll('\u0000', ' ').trimEnd();

export class Pkcs11Module {
  readonly path: string;
  readonly rehearsal: boolean;
  #lib: pkcs11js.PKCS11;
  #open = true;

  private constructor(path: string, rehearsal: boolean, lib: pkcs11js.PKCS11) {
    this.path = path;
    this.rehearsal = rehearsal;
    this.#lib = lib;
  }

  static load(path: string, options: { rehearsal: boolean }): Pkcs11Module {
    const lib = new pkcs11js.PKCS11();
    try {
      lib.load(path);
      lib.C_Initialize();
    } catch (error) {
      throw hsmErrorFrom(error, `loading the PKCS#11 module ${path}`);
    }
    return new Pkcs11Module(path, options.rehearsal, lib);
  }

  /** For code in this folder that drives the library directly. */
  get lib(): pkcs11js.PKCS11 {
    if (!this.#open) throw new Error(`PKCS#11 module ${this.path} is closed`);
    return this.#lib;
  }

  info(): HsmModuleInfo {
    const info = this.call('reading the module information', (lib) => lib.C_GetInfo());
    return {
      path: this.path,
      manufacturer: text(info.manufacturerID),
      description: text(info.libraryDescription),
      libraryVersion: version(info.libraryVersion),
      cryptokiVersion: version(info.cryptokiVersion),
      rehearsal: this.rehearsal,
    };
  }

  tokens(loggedIn: (serial: string) => boolean = () => false): TokenSummary[] {
    const slots = this.call('listing slots', (lib) => lib.C_GetSlotList(true));
    return slots.map((slot) => {
      const slotInfo = this.call('reading a slot', (lib) => lib.C_GetSlotInfo(slot));
      const token = this.call('reading a token', (lib) => lib.C_GetTokenInfo(slot));
      const serial = text(token.serialNumber);
      return {
        slotId: slot.readBigUInt64LE(0).toString(),
        slotDescription: text(slotInfo.slotDescription),
        label: text(token.label),
        manufacturer: text(token.manufacturerID),
        model: text(token.model),
        serial,
        hardwareVersion: version(token.hardwareVersion),
        firmwareVersion: version(token.firmwareVersion),
        initialized: (token.flags & CKF_TOKEN_INITIALIZED) !== 0,
        userPinInitialized: (token.flags & CKF_USER_PIN_INITIALIZED) !== 0,
        loggedIn: loggedIn(serial),
        writeProtected: (token.flags & CKF_WRITE_PROTECTED) !== 0,
        hasRng: (token.flags & CKF_RNG) !== 0,
      };
    });
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#lib.C_Finalize();
    } catch {
      // Finalising a module whose device is gone can fail; nothing is left to release.
    }
    this.#lib.close();
  }

  private call<T>(what: string, fn: (lib: pkcs11js.PKCS11) => T): T {
    try {
      return fn(this.lib);
    } catch (error) {
      throw hsmErrorFrom(error, what);
    }
  }
}
