import { describe, expect, it } from 'vitest';
import { CKR_NAMES, hsmErrorForCkr, hsmErrorFrom, HsmError } from './hsm-error.ts';
import { InjectedPkcs11Error } from './fault-binding.ts';

const token = { label: 'root-hsm-1', serial: '4cc9a1f00b7e' };

describe('every CKR_* code becomes a typed error a custodian can read', () => {
  it('knows all the return values pkcs11js defines', () => {
    expect(CKR_NAMES.size).toBeGreaterThanOrEqual(90);
  });
  it.each([...CKR_NAMES.values()].filter((n) => n !== 'CKR_OK'))('%s', (ckr) => {
    const error = hsmErrorForCkr(ckr, 'signing the checkpoint', token);
    expect(error).toBeInstanceOf(HsmError);
    expect(error.code).toBe(`HSM_${ckr.slice(4)}`);
    expect(error.message).toMatch(/token 'root-hsm-1' \(serial 4cc9…\)/iu);
    expect(error.message).not.toMatch(/undefined|\[object/u);
    expect(error.message).toMatch(/^[A-Z]/u);
  });
  it('reads the code from a pkcs11js-shaped error and marks session-fatal faults', () => {
    const removed = hsmErrorFrom(new InjectedPkcs11Error('CKR_DEVICE_REMOVED', 'C_Sign'), 'signing', token) as HsmError;
    expect(removed.code).toBe('HSM_DEVICE_REMOVED');
    expect(removed.sessionLost).toBe(true);
    expect(removed.message).toBe("Token 'root-hsm-1' (serial 4cc9…) was removed or disconnected. Reconnect it and start this step again. (while signing; CKR_DEVICE_REMOVED)");
    expect((hsmErrorFrom(new InjectedPkcs11Error('CKR_PIN_LOCKED', 'C_Login'), 'logging in', token) as HsmError).sessionLost).toBe(false);
    expect(hsmErrorFrom(new Error('boom /secret/path'), 'signing', token).message).not.toContain('/secret/path');
  });
});
