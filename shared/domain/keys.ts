/**
 * The key types a ceremony can ask an HSM for, and the usages PKCS#11 lets
 * each carry (v2.40 §2.1 RSA, §2.3 EC, §2.8 AES; PKCS#11 3.0 §2.3.5 EdDSA).
 * One table: the ceremony script validator and the HSM layer both read it.
 */
export const KEY_ALGORITHMS = ['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const KEY_USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const USAGES_BY_ALGORITHM: Readonly<Record<KeyAlgorithm, readonly KeyUsage[]>> = {
  'aes-256': ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'],
  'ec-p256': ['sign', 'verify', 'derive'],
  'ec-p384': ['sign', 'verify', 'derive'],
  ed25519: ['sign', 'verify'],
  'rsa-3072': ['sign', 'verify', 'encrypt', 'decrypt', 'wrap', 'unwrap'],
  'rsa-4096': ['sign', 'verify', 'encrypt', 'decrypt', 'wrap', 'unwrap'],
};
