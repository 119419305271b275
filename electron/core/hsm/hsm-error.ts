/**
 * Every CKR_* return value (PKCS#11 v2.40 §5.1, all 92 pkcs11js knows) as a
 * typed KeyriteError whose message a custodian understands. The code is
 * `HSM_` + the CKR name without its prefix (CKR_PIN_INCORRECT →
 * HSM_PIN_INCORRECT), plus HSM_TIMEOUT for a call that never returns.
 *
 * No secret can reach a message: PKCS#11 return values are numbers, and the
 * only things we add are the token's label and serial and what we were doing.
 */
import pkcs11js from 'pkcs11js';
import { KeyriteError } from '../../../shared/result.ts';

/** Which token the error is about, for the message. */
export interface TokenContext {
  label: string;
  serial: string;
}

/** CKR number → name, from pkcs11js's own table (so none is missed). */
export const CKR_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(pkcs11js)
    .filter((entry): entry is [string, number] => entry[0].startsWith('CKR_') && typeof entry[1] === 'number')
    .map(([name, value]) => [value, name]),
);

/**
 * Faults after which the session (and the login on it) cannot be trusted:
 * the session is closed and a new one must be opened.
 */
const SESSION_FATAL = new Set([
  'CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED',
  'CKR_DEVICE_ERROR', 'CKR_GENERAL_ERROR', 'CKR_CRYPTOKI_NOT_INITIALIZED', 'CKR_TOKEN_NOT_RECOGNIZED',
]);

/** Sentences for the return values a custodian will actually meet; the rest get a generic one by family. */
const SAY: Record<string, (t: string) => string> = {
  CKR_PIN_INCORRECT: (t) => `Wrong PIN for ${t}.`,
  CKR_PIN_LOCKED: (t) => `The PIN of ${t} is locked by the HSM; its security officer must unlock it.`,
  CKR_PIN_INVALID: (t) => `That PIN has characters ${t} does not accept.`,
  CKR_PIN_LEN_RANGE: (t) => `That PIN is too short or too long for ${t}.`,
  CKR_PIN_EXPIRED: (t) => `The PIN of ${t} has expired and must be changed first.`,
  CKR_DEVICE_REMOVED: (t) => `${cap(t)} was removed or disconnected. Reconnect it and start this step again.`,
  CKR_TOKEN_NOT_PRESENT: (t) => `${cap(t)} is not present. Check that it is connected and start this step again.`,
  CKR_SESSION_HANDLE_INVALID: (t) => `The connection to ${t} was lost. Start this step again.`,
  CKR_SESSION_CLOSED: (t) => `The connection to ${t} was closed. Start this step again.`,
  CKR_DEVICE_ERROR: (t) => `${cap(t)} reported a hardware error. Start this step again; if it repeats, stop and record an exception.`,
  CKR_GENERAL_ERROR: (t) => `${cap(t)} reported an unrecoverable error. Start this step again; if it repeats, stop and record an exception.`,
  CKR_DEVICE_MEMORY: (t) => `${cap(t)} is out of memory for new objects.`,
  CKR_USER_NOT_LOGGED_IN: (t) => `Nobody is logged in to ${t}; enter the PIN first.`,
  CKR_USER_ALREADY_LOGGED_IN: (t) => `Someone is already logged in to ${t}.`,
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: (t) => `Another role is already logged in to ${t}; log it out first.`,
  CKR_USER_PIN_NOT_INITIALIZED: (t) => `The user PIN of ${t} has not been set yet.`,
  CKR_TOKEN_WRITE_PROTECTED: (t) => `${cap(t)} is write-protected.`,
  CKR_MECHANISM_INVALID: (t) => `${cap(t)} does not support this algorithm.`,
  CKR_KEY_FUNCTION_NOT_PERMITTED: (t) => `The key on ${t} is not allowed to be used this way.`,
  CKR_ATTRIBUTE_SENSITIVE: (t) => `${cap(t)} refused to reveal a protected key value (as it should).`,
  CKR_WRAPPED_KEY_INVALID: (t) => `${cap(t)} could not unwrap the key: the wrapped data is damaged or made with another key.`,
  CKR_SIGNATURE_INVALID: (t) => `The signature does not match (checked by ${t}).`,
  CKR_FUNCTION_NOT_SUPPORTED: (t) => `${cap(t)} does not offer this function.`,
};

const FAMILY: [RegExp, string][] = [
  [/^CKR_(ATTRIBUTE|TEMPLATE|DOMAIN_PARAMS)/u, 'rejected the key settings we asked for'],
  [/^CKR_(KEY|WRAPP|UNWRAPP|PUBLIC_KEY)/u, 'rejected the key used'],
  [/^CKR_(MECHANISM|FUNCTION|OPERATION|BUFFER|DATA|ENCRYPTED_DATA|ARGUMENTS|SIGNATURE)/u, 'rejected the operation'],
  [/^CKR_(SESSION|USER|PIN|NEW_PIN|NEXT_OTP)/u, 'refused the login or session'],
  [/^CKR_(SLOT|TOKEN|DEVICE|RANDOM|FIPS|HOST|MUTEX|CANT_LOCK|CRYPTOKI|LIBRARY|NEED_TO|SAVED|STATE|INFORMATION|CANCEL|NO_EVENT|EXCEEDED)/u, 'failed'],
];

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function describeToken(token: TokenContext | undefined): string {
  if (token === undefined) return 'the HSM';
  // Serial shortened the way a custodian reads it off a screen (first 4 characters).
  const serial = token.serial.length > 6 ? `${token.serial.slice(0, 4)}…` : token.serial;
  return `token '${token.label}' (serial ${serial})`;
}

export class HsmError extends KeyriteError {
  /** The PKCS#11 return value name, when there was one. */
  readonly ckr: string | undefined;
  /** True when the session cannot be used again. */
  readonly sessionLost: boolean;
  constructor(code: string, message: string, options: { ckr?: string; sessionLost?: boolean; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HsmError';
    this.ckr = options.ckr;
    this.sessionLost = options.sessionLost ?? false;
  }
}

/** The CKR name carried by a pkcs11js error (`.code` number, or "CKR_X:123" message). */
export function ckrOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && CKR_NAMES.has(code)) return CKR_NAMES.get(code);
  const message = error instanceof Error ? error.message : '';
  return /CKR_[A-Z_]+/u.exec(message)?.[0];
}

/** Builds the custodian-facing error for a CKR name. */
export function hsmErrorForCkr(ckr: string, doing: string, token?: TokenContext, cause?: unknown): HsmError {
  const who = describeToken(token);
  const say = SAY[ckr];
  const family = FAMILY.find(([pattern]) => pattern.test(ckr))?.[1] ?? 'failed';
  const message = say !== undefined ? `${say(who)} (while ${doing}; ${ckr})` : `${cap(who)} ${family} while ${doing} (${ckr}).`;
  return new HsmError(`HSM_${ckr.slice(4)}`, message, { ckr, sessionLost: SESSION_FATAL.has(ckr), cause });
}

/**
 * Turns whatever pkcs11js threw into a KeyriteError a custodian can read.
 * A KeyriteError passes through unchanged.
 */
export function hsmErrorFrom(error: unknown, doing: string, token?: TokenContext): KeyriteError {
  if (error instanceof KeyriteError) return error;
  const ckr = ckrOf(error);
  if (ckr !== undefined) return hsmErrorForCkr(ckr, doing, token, error);
  const message = error instanceof Error ? error.message : String(error);
  if (/cannot open shared object|no such file|dlopen|image not found/iu.test(message)) {
    // The message names the library path, which is configuration, never a secret.
    return new HsmError('HSM_MODULE_NOT_LOADED', `Could not load the PKCS#11 module while ${doing}: ${message}`);
  }
  return new HsmError('HSM_FAILURE', `${cap(describeToken(token))} failed while ${doing}.`, { cause: error });
}

export function timeoutError(doing: string, ms: number, token?: TokenContext): HsmError {
  return new HsmError('HSM_TIMEOUT', `${cap(describeToken(token))} did not answer within ${Math.round(ms / 1000)} s while ${doing}. The connection was closed; start this step again.`, { sessionLost: true });
}
