/**
 * Signing and verifying with HSM keys, for transcripts and checkpoints:
 * - Ed25519: CKM_EDDSA over the message itself (RFC 8032 PureEdDSA);
 * - ECDSA P-256 / P-384: SHA-256 / SHA-384 on the host, then raw CKM_ECDSA
 *   (SoftHSM has no pre-hashed ECDSA, FACTS.md), output r||s (IEEE P1363),
 *   normalised to low-S so that verifiers that insist on it (noble's default)
 *   accept it: (r, n-s) is the same signature (SEC 1 §4.1.4 accepts both);
 * - RSA: RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt (RFC 8017 §8.1),
 *   hash on the host, CKM_RSA_PKCS_PSS.
 * Every signature can be cross-checked off the HSM (`verifyOnHost`, node:crypto).
 */
import { createHash, createPublicKey, verify as nodeVerify, constants } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { KeyriteError } from '../../../shared/result.ts';
import type { RsaPSS } from 'pkcs11js';
import type { Handle, Mechanism } from './binding.ts';
import type { HsmSession } from './hsm-session.ts';
import { exportPublicKey, type PublicKeyExport } from './key-material.ts';
import { findKey, type KeyRef } from './key-lookup.ts';
import { CK } from './pkcs11-constants.ts';

export type SignatureScheme = 'ed25519' | 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'rsa-pss-sha256';

export interface Signer {
  readonly scheme: SignatureScheme;
  readonly keyId: string;
  readonly publicKey: PublicKeyExport;
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** Verifies inside the HSM with the public half. */
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

interface SchemeDetails {
  mechanism: Mechanism;
  signatureLength: number;
  digest: (message: Uint8Array) => Uint8Array;
  order?: bigint;
}

function schemeFor(spki: Uint8Array): { scheme: SignatureScheme; details: SchemeDetails } {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const sha = (alg: string) => (m: Uint8Array): Uint8Array => createHash(alg).update(m).digest();
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return { scheme: 'ed25519', details: { mechanism: { mechanism: CK.CKM_EDDSA }, signatureLength: 64, digest: (m) => m } };
    case 'ec': {
      const p384curve = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
      return p384curve
        ? { scheme: 'ecdsa-p384-sha384', details: { mechanism: { mechanism: CK.CKM_ECDSA }, signatureLength: 96, digest: sha('sha384'), order: p384.Point.Fn.ORDER } }
        : { scheme: 'ecdsa-p256-sha256', details: { mechanism: { mechanism: CK.CKM_ECDSA }, signatureLength: 64, digest: sha('sha256'), order: p256.Point.Fn.ORDER } };
    }
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      const mechanism: Mechanism = { mechanism: CK.CKM_RSA_PKCS_PSS, parameter: pssParams };
      return { scheme: 'rsa-pss-sha256', details: { mechanism, signatureLength: bits / 8, digest: sha('sha256') } };
    }
    default:
      throw new KeyriteError('HSM_KEY_CANNOT_SIGN', 'That key type cannot sign transcripts.');
  }
}

const pssParams: RsaPSS = { type: CK.CK_PARAMS_RSA_PSS, hashAlg: CK.CKM_SHA256, mgf: CK.CKG_MGF1_SHA256, saltLen: 32 };

/** (r, s) → (r, n - s) when s > n/2: the low-S form of the same ECDSA signature. */
export function lowS(signature: Uint8Array, order: bigint): Uint8Array {
  const half = signature.length / 2;
  const { n, halfN } = orderBytes(order, half);
  // Big-endian compare, then n - s by bytes with a borrow: no big-integer or hex work on the hot path.
  let cmp = 0;
  for (let i = 0; i < half && cmp === 0; i += 1) cmp = (signature[half + i] ?? 0) - (halfN[i] ?? 0);
  if (cmp <= 0) return signature;
  const out = new Uint8Array(signature);
  let borrow = 0;
  for (let i = half - 1; i >= 0; i -= 1) {
    const d = (n[i] ?? 0) - (signature[half + i] ?? 0) - borrow;
    borrow = d < 0 ? 1 : 0;
    out[half + i] = d & 0xff;
  }
  return out;
}

const orders = new Map<bigint, { n: Uint8Array; halfN: Uint8Array }>();
function orderBytes(order: bigint, length: number): { n: Uint8Array; halfN: Uint8Array } {
  let bytes = orders.get(order);
  if (bytes === undefined) {
    const of = (x: bigint): Uint8Array => Uint8Array.from(Buffer.from(x.toString(16).padStart(length * 2, '0'), 'hex'));
    bytes = { n: of(order), halfN: of(order >> 1n) };
    orders.set(order, bytes);
  }
  return bytes;
}

/** Looks the key up once; each `sign` is then one HSM call (the hot path the bench measures). */
export async function openSigner(session: HsmSession, ref: KeyRef): Promise<Signer> {
  const found = await session.run('finding the signing key', async (op) => {
    const key = await findKey(op, ref, session.token.label);
    if (key.secret === undefined || key.public === undefined || !key.secret.description.usages.includes('sign')) {
      throw new KeyriteError('HSM_KEY_CANNOT_SIGN', `The key '${key.label}' on token '${session.token.label}' is not a signing key pair.`);
    }
    return { key, publicKey: await exportPublicKey(op, key.public.handle) };
  });
  const { scheme, details } = schemeFor(found.publicKey.spkiDer);
  const privateHandle: Handle = (found.key.secret as { handle: Handle }).handle;
  const publicHandle: Handle = (found.key.public as { handle: Handle }).handle;
  return {
    scheme,
    keyId: found.key.id,
    publicKey: found.publicKey,
    async sign(message) {
      const input = details.digest(message);
      const signature = await session.run('signing', (op) =>
        op.call('signing', (b, s) => b.C_Sign(s, details.mechanism, privateHandle, input, details.signatureLength)));
      return details.order === undefined ? new Uint8Array(signature) : lowS(signature, details.order);
    },
    verify(message, signature) {
      const input = details.digest(message);
      return session.run('verifying a signature', (op) =>
        op.call('verifying a signature', (b, s) => b.C_Verify(s, details.mechanism, publicHandle, input, signature)));
    },
  };
}

/** Verifies a signature off the HSM with node:crypto, from the exported SPKI alone. */
export function verifyOnHost(scheme: SignatureScheme, spkiDer: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  switch (scheme) {
    case 'ed25519':
      return nodeVerify(null, message, key, signature);
    case 'ecdsa-p256-sha256':
      return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'ecdsa-p384-sha384':
      return nodeVerify('sha384', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'rsa-pss-sha256':
      return nodeVerify('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  }
}
