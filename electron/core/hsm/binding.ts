/**
 * The PKCS#11 calls Keyrite makes, as one small async interface. Everything
 * above this file talks to a `Pkcs11Binding`, never to pkcs11js directly, so
 * that (1) a fault wrapper can stand in front of the real library
 * (fault-binding.ts) and (2) every call can be raced against a timeout.
 *
 * Responsiveness: calls that can take seconds on a real HSM (key and key-pair
 * generation, unwrapping) use pkcs11js's *Async variants, which run on the
 * libuv thread pool and leave the main thread free. Calls that take
 * microseconds (find, attribute reads, a P-256 signature) stay synchronous:
 * a thread hop per call costs more than the call itself (FACTS.md: 1000
 * ECDSA signs 121 ms sync vs 180-211 ms async).
 */
import type pkcs11js from 'pkcs11js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { CK } from './pkcs11-constants.ts';
import { KeyriteError } from '../../../shared/result.ts';

/** An opaque PKCS#11 handle (CK_SLOT_ID, CK_SESSION_HANDLE, CK_OBJECT_HANDLE). */
export type Handle = Buffer;
export type Template = pkcs11js.Template;
export type Mechanism = pkcs11js.Mechanism;
export type ModuleInfo = pkcs11js.ModuleInfo;
export type SlotInfo = pkcs11js.SlotInfo;
export type TokenInfo = pkcs11js.TokenInfo;
export type UserKind = 'user' | 'so';

export interface Pkcs11Binding {
  C_GetInfo(): Promise<ModuleInfo>;
  C_GetSlotList(tokenPresent: boolean): Promise<Handle[]>;
  C_GetSlotInfo(slot: Handle): Promise<SlotInfo>;
  C_GetTokenInfo(slot: Handle): Promise<TokenInfo>;
  C_OpenSession(slot: Handle, readWrite: boolean): Promise<Handle>;
  C_CloseSession(session: Handle): Promise<void>;
  /** The PIN stays a byte buffer until the very call (see nativeBinding). */
  C_Login(session: Handle, kind: UserKind, pin: SecretBytes): Promise<void>;
  C_Logout(session: Handle): Promise<void>;
  /** C_FindObjectsInit + C_FindObjects + C_FindObjectsFinal, always finalised. */
  C_FindObjects(session: Handle, template: Template): Promise<Handle[]>;
  C_GetAttributeValue(session: Handle, object: Handle, types: readonly number[]): Promise<Map<number, Buffer>>;
  C_CreateObject(session: Handle, template: Template): Promise<Handle>;
  C_DestroyObject(session: Handle, object: Handle): Promise<void>;
  C_GenerateKey(session: Handle, mechanism: Mechanism, template: Template): Promise<Handle>;
  C_GenerateKeyPair(session: Handle, mechanism: Mechanism, publicTemplate: Template, privateTemplate: Template): Promise<{ publicKey: Handle; privateKey: Handle }>;
  C_UnwrapKey(session: Handle, mechanism: Mechanism, unwrappingKey: Handle, wrapped: Uint8Array, template: Template): Promise<Handle>;
  /** C_EncryptInit + C_Encrypt (single part). */
  C_Encrypt(session: Handle, mechanism: Mechanism, key: Handle, data: Uint8Array, outLength: number): Promise<Buffer>;
  /** C_SignInit + C_Sign (single part). */
  C_Sign(session: Handle, mechanism: Mechanism, key: Handle, data: Uint8Array, outLength: number): Promise<Buffer>;
  /** C_VerifyInit + C_Verify; false for CKR_SIGNATURE_INVALID/LEN_RANGE (SoftHSM throws them). */
  C_Verify(session: Handle, mechanism: Mechanism, key: Handle, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  C_GenerateRandom(session: Handle, length: number): Promise<Uint8Array>;
  C_Finalize(): Promise<void>;
}

/** A function name of the binding: what a fault is injected into. */
export type Pkcs11Function = keyof Pkcs11Binding;

/**
 * Marks a promise whose call already finished synchronously on this thread.
 * The session skips the timeout race for those: a synchronous call that hung
 * would have blocked the thread, so no timer could fire anyway, and the race
 * costs more than a fast call (npm run bench:hsm).
 */
export const COMPLETED = Symbol('keyrite.pkcs11.completed');
export const completedAlready = (promise: Promise<unknown>): boolean => (promise as { [COMPLETED]?: boolean })[COMPLETED] === true;

const settle = <T>(run: () => T): Promise<T> => {
  let promise: Promise<T>;
  try {
    promise = Promise.resolve(run());
  } catch (error) {
    promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return Object.assign(promise, { [COMPLETED]: true });
};

const buf = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** pkcs11js codes for "this signature is wrong", which SoftHSM throws instead of returning (FACTS.md). */
const CKR_SIGNATURE_INVALID = 0xc0;
const CKR_SIGNATURE_LEN_RANGE = 0xc1;

/**
 * The real library. `openSessions` counts sessions this binding opened and
 * has not closed: the tests use it to prove no path leaks one (SoftHSM
 * reports its own session count as unavailable).
 */
export interface NativeBinding extends Pkcs11Binding {
  readonly openSessions: number;
}

export function nativeBinding(lib: pkcs11js.PKCS11): NativeBinding {
  const open = new Set<string>();
  return {
    get openSessions() {
      return open.size;
    },
    C_GetInfo: () => settle(() => lib.C_GetInfo()),
    C_GetSlotList: (present) => settle(() => lib.C_GetSlotList(present)),
    C_GetSlotInfo: (slot) => settle(() => lib.C_GetSlotInfo(slot)),
    C_GetTokenInfo: (slot) => settle(() => lib.C_GetTokenInfo(slot)),
    C_OpenSession: (slot, readWrite) =>
      settle(() => {
        const session = lib.C_OpenSession(slot, CK.CKF_SERIAL_SESSION | (readWrite ? CK.CKF_RW_SESSION : 0));
        open.add(session.toString('hex'));
        return session;
      }),
    C_CloseSession: (session) =>
      settle(() => {
        lib.C_CloseSession(session);
        open.delete(session.toString('hex'));
      }),
    C_Login: (session, kind, pin) =>
      settle(() =>
        // WARNING: pkcs11js 2.1.7 only accepts the PIN as a JS string (GET_ARGS_STRING
        // in its pkcs11.cpp), and a string cannot be wiped. We decode it at the
        // call and hold no reference; our own bytes are wiped by the caller.
        pin.expose((bytes) => lib.C_Login(session, kind === 'so' ? CK.CKU_SO : CK.CKU_USER, pinText(bytes))),
      ),
    C_Logout: (session) => settle(() => lib.C_Logout(session)),
    C_FindObjects: (session, template) =>
      settle(() => {
        lib.C_FindObjectsInit(session, template);
        try {
          const found: Handle[] = [];
          for (;;) {
            const batch = lib.C_FindObjects(session, 64);
            found.push(...batch);
            if (batch.length < 64) return found;
          }
        } finally {
          lib.C_FindObjectsFinal(session);
        }
      }),
    C_GetAttributeValue: (session, object, types) =>
      settle(() => new Map(lib.C_GetAttributeValue(session, object, types.map((type) => ({ type }))).map((a) => [a.type, a.value ?? Buffer.alloc(0)]))),
    C_CreateObject: (session, template) => settle(() => lib.C_CreateObject(session, template)),
    C_DestroyObject: (session, object) => settle(() => lib.C_DestroyObject(session, object)),
    C_GenerateKey: (session, mechanism, template) => lib.C_GenerateKeyAsync(session, mechanism, template),
    C_GenerateKeyPair: (session, mechanism, pub, priv) => lib.C_GenerateKeyPairAsync(session, mechanism, pub, priv),
    C_UnwrapKey: (session, mechanism, key, wrapped, template) => lib.C_UnwrapKeyAsync(session, mechanism, key, buf(wrapped), template),
    C_Encrypt: (session, mechanism, key, data, outLength) =>
      settle(() => {
        lib.C_EncryptInit(session, mechanism, key);
        return lib.C_Encrypt(session, buf(data), Buffer.alloc(outLength));
      }),
    C_Sign: (session, mechanism, key, data, outLength) =>
      settle(() => {
        lib.C_SignInit(session, mechanism, key);
        return lib.C_Sign(session, buf(data), Buffer.alloc(outLength));
      }),
    C_Verify: (session, mechanism, key, data, signature) =>
      settle(() => {
        lib.C_VerifyInit(session, mechanism, key);
        try {
          return lib.C_Verify(session, buf(data), buf(signature));
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === CKR_SIGNATURE_INVALID || code === CKR_SIGNATURE_LEN_RANGE) return false;
          throw error;
        }
      }),
    C_GenerateRandom: (session, length) =>
      settle(() => {
        // Buffer.alloc is never pooled, so the caller owns (and can wipe) these bytes.
        const out = lib.C_GenerateRandom(session, Buffer.alloc(length));
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      }),
    C_Finalize: () => settle(() => lib.C_Finalize()),
  };
}

/**
 * The PIN as the string pkcs11js wants. Strict UTF-8: a lenient decoder would
 * turn bad bytes into U+FFFD and send a different PIN, which fails and counts
 * towards the lockout; this refuses before anything reaches the HSM.
 */
function pinText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new KeyriteError('HSM_PIN_NOT_TEXT', 'The PIN is not valid UTF-8 text; nothing was sent to the HSM.');
  }
}
