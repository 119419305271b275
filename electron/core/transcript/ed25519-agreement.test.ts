/**
 * Keyrite's two Ed25519 paths (pure, node:crypto) and OpenSSL's verify, as
 * an auditor's openssl runs it (node:crypto is OpenSSL), give one answer on
 * every signature: shared/transcript/ed25519.ts says why this needs care.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../shared/transcript/bytes.ts';
import { pureEd25519Verify } from '../../../shared/transcript/ed25519.ts';
import { nodeEd25519Verify } from './node-ed25519.ts';

const { Point } = ed25519;
const L = Point.Fn.ORDER;

/** OpenSSL's verify on the raw key, without Keyrite's key check. */
function opensslVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

const answers = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => ({
  pure: pureEd25519Verify(signature, message, publicKey),
  node: nodeEd25519Verify(signature, message, publicKey),
  openssl: opensslVerify(signature, message, publicKey),
});

/** RFC 8032 §5.1.6 signing with a chosen nonce point R = [r]B + torsion (a key holder's crafted signature). */
function signWithTorsion(secretKey: Uint8Array, message: Uint8Array, r: bigint, torsion: ReturnType<typeof Point.fromBytes>): Uint8Array {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(secretKey);
  const R = Point.BASE.multiply(r).add(torsion).toBytes();
  const k = bytesToNumberLE(sha512(concatBytes(R, pointBytes, message))) % L;
  return concatBytes(R, numberToBytesLE((r + k * scalar) % L, 32));
}

// The point (0, -1), of order 2 (RFC 8032 §5.1.3 encoding: y = p - 1, x = 0).
const orderTwo = Point.fromBytes(Uint8Array.from([0xec, ...new Array<number>(30).fill(0xff), 0x7f]));
const secretKeys = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messages = fc.uint8Array({ maxLength: 200 });

describe('Ed25519: one answer from the pure path, the node:crypto path and OpenSSL', () => {
  it('valid signatures verify on all three; any bit flipped in signature, message or key, all three agree', () => {
    fc.assert(
      fc.property(secretKeys, messages, fc.nat(), fc.constantFrom('signature', 'message', 'key', 'none'), (secretKey, message, bit, where) => {
        const publicKey = ed25519.getPublicKey(secretKey);
        const signature = ed25519.sign(message, secretKey);
        const flip = (bytes: Uint8Array) => {
          if (bytes.length === 0) return bytes;
          const copy = Uint8Array.from(bytes);
          const at = (bit >> 3) % copy.length;
          copy[at] = (copy[at] as number) ^ (1 << (bit & 7));
          return copy;
        };
        const got = answers(where === 'signature' ? flip(signature) : signature, where === 'message' ? flip(message) : message, where === 'key' ? flip(publicKey) : publicKey);
        expect(got.pure).toBe(got.openssl);
        expect(got.node).toBe(got.openssl);
        if (where === 'none') expect(got.openssl).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a signature whose R carries a small-order part (cofactored equation holds, cofactorless fails) is refused by all three, where @noble/curves alone accepts it', () => {
    fc.assert(
      fc.property(secretKeys, messages, fc.bigInt({ min: 1n, max: L - 1n }), (secretKey, message, r) => {
        const publicKey = ed25519.getPublicKey(secretKey);
        const crafted = signWithTorsion(secretKey, message, r, orderTwo);
        // The disagreement this file exists for: noble's strict mode checks the cofactored equation.
        expect(ed25519.verify(crafted, message, publicKey, { zip215: false })).toBe(true);
        expect(answers(crafted, message, publicKey)).toEqual({ pure: false, node: false, openssl: false });
        // The same nonce without the torsion is an ordinary valid signature.
        expect(answers(signWithTorsion(secretKey, message, r, Point.ZERO), message, publicKey)).toEqual({ pure: true, node: true, openssl: true });
      }),
      { numRuns: 40 },
    );
  });

  it('S not below the group order is refused by all three (RFC 8032 §5.1.7 step 1)', () => {
    const secretKey = new Uint8Array(32).fill(7);
    const message = new TextEncoder().encode('keyrite.example/c\n1\n');
    const signature = ed25519.sign(message, secretKey);
    const s = bytesToNumberLE(signature.subarray(32));
    const malleated = concatBytes(signature.subarray(0, 32), numberToBytesLE(s + L, 32));
    expect(answers(malleated, message, ed25519.getPublicKey(secretKey))).toEqual({ pure: false, node: false, openssl: false });
  });

  it('a key of small order is no key: a signature that satisfies the equation for any message, made without a secret, is refused by all three', () => {
    // A = (0, -1): [k]A is B's neutral or A itself, so R = [S]B - [k]A is known to anyone without a secret.
    const publicKey = orderTwo.toBytes();
    const message = new TextEncoder().encode('any message at all');
    const S = 5n;
    const forge = (R: Uint8Array) => concatBytes(R, numberToBytesLE(S, 32));
    const signatures = [Point.BASE.multiply(S), Point.BASE.multiply(S).subtract(orderTwo)].map((R) => forge(R.toBytes()));
    const k = (signature: Uint8Array) => bytesToNumberLE(sha512(concatBytes(signature.subarray(0, 32), publicKey, message))) % L;
    const forged = signatures.find((signature) => Point.BASE.multiply(S).subtract(orderTwo.multiplyUnsafe(k(signature))).toBytes().every((b, i) => b === signature[i]));
    expect(forged).toBeDefined();
    expect(answers(forged as Uint8Array, message, publicKey)).toEqual({ pure: false, node: false, openssl: false });
  });
});
