import { KeyriteError } from '../../../shared/result.ts';

/**
 * Turns whatever pkcs11js threw into a KeyriteError a custodian can read.
 * pkcs11js errors carry the CKR_* name in their message ("CKR_PIN_INCORRECT:160")
 * and the numeric code in `.code`; neither ever contains a PIN, because
 * PKCS#11 return values are only numbers.
 */
export function hsmErrorFrom(error: unknown, doing: string): KeyriteError {
  if (error instanceof KeyriteError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const ckr = /CKR_[A-Z_]+/u.exec(message)?.[0];
  if (ckr !== undefined) {
    return new KeyriteError(`HSM_${ckr.slice(4)}`, `The HSM refused ${doing}: ${ckr}.`);
  }
  if (/cannot open shared object|no such file|dlopen/iu.test(message)) {
    return new KeyriteError('HSM_MODULE_NOT_LOADED', `Could not load the PKCS#11 module while ${doing}: ${message}`);
  }
  return new KeyriteError('HSM_FAILURE', `The HSM failed while ${doing}.`);
}
