/**
 * Public values of HSM keys, the ones a ceremony prints and compares:
 * - public keys exported as SPKI (DER and PEM) and their SHA-256 fingerprint;
 * - key check values for AES keys: AES-ECB over a zero block (the 3 bytes
 *   HSMs print, e.g. Thales/Entrust; ANSI X9.24-1 style) and AES-CMAC over a
 *   zero block (NIST SP 800-38B; the KCV method GP and PCI recommend now),
 *   each labelled, and compared with CKA_CHECK_VALUE when the token has one.
 * Every value also comes as hex groups and words for reading aloud.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { cmac, ecb } from '@noble/ciphers/aes.js';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import type { Handle } from './binding.ts';
import { HsmError } from './hsm-error.ts';
import type { Operation } from './hsm-session.ts';
import { human, type HumanValue } from '../../../shared/human-value.ts';
import { CK } from './pkcs11-constants.ts';

/** DER of the named-curve OIDs PKCS#11 puts in CKA_EC_PARAMS (RFC 5480 §2.1.1.1, RFC 8410 §3). */
const CURVES: Record<string, { jwk: 'P-256' | 'P-384' | 'Ed25519'; size: number }> = {
  '06082a8648ce3d030107': { jwk: 'P-256', size: 32 },
  '06052b81040022': { jwk: 'P-384', size: 48 },
  '06032b6570': { jwk: 'Ed25519', size: 32 },
};
export const EC_PARAMS = { 'P-256': '06082a8648ce3d030107', 'P-384': '06052b81040022', Ed25519: '06032b6570' } as const;

export interface PublicKeyExport {
  spkiDer: Uint8Array;
  pem: string;
  /** SHA-256 over the SPKI DER (the same as `openssl pkey -pubin -outform DER | sha256sum`). */
  fingerprint: HumanValue;
}

export interface CheckValue {
  method: 'aes-ecb-zero-block' | 'aes-cmac-zero-block' | 'token-cka-check-value';
  /** First 3 bytes, the way HSMs print a KCV. */
  value: HumanValue;
}

/** CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 v2.40 §2.3.3). */
function unwrapOctetString(der: Buffer): Buffer {
  if (der[0] !== 0x04) return der;
  const first = der[1] ?? 0;
  if (first < 0x80) return der.subarray(2, 2 + first);
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i += 1) len = (len << 8) | (der[2 + i] ?? 0);
  return der.subarray(2 + n, 2 + n + len);
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export async function exportPublicKey(op: Operation, publicKey: Handle): Promise<PublicKeyExport> {
  const type = await op.call('reading a public key', (b, s) => b.C_GetAttributeValue(s, publicKey, [CK.CKA_KEY_TYPE]));
  const keyType = (type.get(CK.CKA_KEY_TYPE) ?? Buffer.alloc(8)).readUInt32LE(0);
  let jwk: Record<string, string>;
  if (keyType === CK.CKK_RSA) {
    const a = await op.call('reading a public key', (b, s) => b.C_GetAttributeValue(s, publicKey, [CK.CKA_MODULUS, CK.CKA_PUBLIC_EXPONENT]));
    jwk = { kty: 'RSA', n: b64u(a.get(CK.CKA_MODULUS) ?? Buffer.alloc(0)), e: b64u(a.get(CK.CKA_PUBLIC_EXPONENT) ?? Buffer.alloc(0)) };
  } else {
    const a = await op.call('reading a public key', (b, s) => b.C_GetAttributeValue(s, publicKey, [CK.CKA_EC_PARAMS, CK.CKA_EC_POINT]));
    const curve = CURVES[(a.get(CK.CKA_EC_PARAMS) ?? Buffer.alloc(0)).toString('hex')];
    if (curve === undefined) throw new HsmError('HSM_UNSUPPORTED_CURVE', 'That key is on a curve Keyrite does not export.');
    const point = unwrapOctetString(a.get(CK.CKA_EC_POINT) ?? Buffer.alloc(0));
    if (curve.jwk === 'Ed25519') jwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(point) };
    else jwk = { kty: 'EC', crv: curve.jwk, x: b64u(point.subarray(1, 1 + curve.size)), y: b64u(point.subarray(1 + curve.size)) };
  }
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const spkiDer = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  return {
    spkiDer,
    pem: key.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: human(createHash('sha256').update(spkiDer).digest()),
  };
}

const ZERO_BLOCK = new Uint8Array(16);

/**
 * Check values of an AES key inside the HSM. ECB needs CKA_ENCRYPT and CMAC
 * needs CKA_SIGN; a key allowed neither only has the token's own value.
 * Throws HSM_CHECK_VALUE_MISMATCH if our ECB value and CKA_CHECK_VALUE differ.
 */
export async function aesCheckValues(op: Operation, key: Handle): Promise<CheckValue[]> {
  const a = await op.call('reading a key', (b, s) => b.C_GetAttributeValue(s, key, [CK.CKA_ENCRYPT, CK.CKA_SIGN]));
  const can = (t: number): boolean => (a.get(t)?.[0] ?? 0) !== 0;
  let token: Buffer | undefined;
  try {
    token = (await op.call('reading a key', (b, s) => b.C_GetAttributeValue(s, key, [CK.CKA_CHECK_VALUE]))).get(CK.CKA_CHECK_VALUE);
  } catch (error) {
    // CKA_CHECK_VALUE is optional (PKCS#11 v2.40 §4.10); only a lost session is fatal here.
    if (error instanceof HsmError && error.sessionLost) throw error;
  }
  const values: CheckValue[] = [];
  if (token !== undefined && token.length > 0) values.push({ method: 'token-cka-check-value', value: human(token.subarray(0, 3)) });
  if (can(CK.CKA_ENCRYPT)) {
    const block = await op.call('computing a key check value', (b, s) => b.C_Encrypt(s, { mechanism: CK.CKM_AES_ECB }, key, ZERO_BLOCK, 16));
    values.push({ method: 'aes-ecb-zero-block', value: human(block.subarray(0, 3)) });
    if (token !== undefined && token.length > 0 && !block.subarray(0, 3).equals(token.subarray(0, 3))) {
      throw new HsmError('HSM_CHECK_VALUE_MISMATCH', 'The key check value the HSM stores does not match the one it computes; do not use this key.');
    }
  }
  if (can(CK.CKA_SIGN)) {
    const mac = await op.call('computing a key check value', (b, s) => b.C_Sign(s, { mechanism: CK.CKM_AES_CMAC }, key, ZERO_BLOCK, 16));
    values.push({ method: 'aes-cmac-zero-block', value: human(mac.subarray(0, 3)) });
  }
  return values;
}

/** The same check values computed on the host, for a secret the host holds (import, split). */
export function hostAesCheckValues(secret: SecretBytes): { ecb: Uint8Array; cmac: Uint8Array } {
  return secret.expose((key) => ({
    ecb: ecb(key, { disablePadding: true }).encrypt(ZERO_BLOCK).slice(0, 3),
    cmac: cmac(ZERO_BLOCK, key).slice(0, 3),
  }));
}
