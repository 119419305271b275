import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange, leafHash, treeRoot } from '../../../shared/transcript/merkle.ts';
import { nodeSha256 } from './node-sha256.ts';

const reference = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
// RFC 6962 §2.1 MTH over leaf hashes, from the definition (no project code).
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return reference(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return reference(Uint8Array.from([1, ...mth(leaves.slice(0, k)), ...mth(leaves.slice(k))]));
}

describe('node:crypto SHA-256 for the verifier', () => {
  it('returns and writes the digest of any input, into any place, its own input included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(40), (data, at) => {
        expect(nodeSha256(data)).toEqual(reference(data));
        const out = new Uint8Array(at + 40).fill(0xee);
        nodeSha256.into?.(data, out, at);
        expect(out.subarray(at, at + 32)).toEqual(reference(data));
        // Nothing outside the 32 bytes is touched.
        expect([...out.subarray(0, at), ...out.subarray(at + 32)].every((b) => b === 0xee)).toBe(true);
        // Over its own input, as CompactRange uses it: the input is read before the digest is written.
        const overlap = Uint8Array.from([...data, ...new Uint8Array(32)]);
        nodeSha256.into?.(overlap.subarray(0, data.length), overlap, Math.min(at, data.length));
        expect(overlap.subarray(Math.min(at, data.length), Math.min(at, data.length) + 32)).toEqual(reference(data));
      }),
    );
  });

  it('gives the tree the roots RFC 6962 defines, as the pure hash does, for every size 0..130, appended one leaf at a time', () => {
    const leaves = Array.from({ length: 130 }, (_, i) => leafHash(Uint8Array.from({ length: i % 7 }, (_, k) => i + k)));
    const hashes = new Uint8Array(leaves.length * 32);
    leaves.forEach((leaf, i) => hashes.set(leaf, i * 32));
    const range = new CompactRange(nodeSha256);
    expect(range.root()).toEqual(mth([]));
    for (let n = 1; n <= leaves.length; n++) {
      range.append(hashes, (n - 1) * 32);
      const expected = mth(leaves.slice(0, n));
      expect(range.root()).toEqual(expected);
      expect(treeRoot(leaves.slice(0, n), nodeSha256)).toEqual(expected);
      expect(treeRoot(leaves.slice(0, n))).toEqual(expected);
    }
  });
});
