import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange, consistencyProof, inclusionProof, leafHash, treeRoot, verifyConsistency, verifyInclusion } from '../../../shared/transcript/merkle.ts';

// An independent RFC 6962 §2.1 implementation, straight from the definitions,
// on node:crypto: MTH, PATH and PROOF/SUBPROOF.
const h = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return h();
  if (d.length === 1) return h(Uint8Array.of(0), d[0] as Uint8Array);
  return h(Uint8Array.of(1), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const data = Array.from({ length: 64 }, (_, i) => new Uint8Array(Buffer.from(`leaf ${i} `.repeat(i % 5))));
const leaves = data.map((d) => leafHash(d));

describe('RFC 6962 Merkle tree', () => {
  it('matches the well-known roots of the 8-leaf test tree (RFC 6962 test vectors, as in certificate-transparency-go)', () => {
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((x) => new Uint8Array(Buffer.from(x, 'hex')));
    const roots = ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125', 'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4', '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef', 'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'];
    const hashed = inputs.map((x) => leafHash(x));
    roots.forEach((root, i) => expect(hex(treeRoot(hashed.slice(0, i + 1)))).toBe(root));
    expect(hex(treeRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('roots, inclusion proofs and consistency proofs match the independent computation for every size 0..64', () => {
    for (let n = 0; n <= 64; n++) {
      const d = data.slice(0, n);
      const root = mth(d);
      expect(hex(treeRoot(leaves.slice(0, n)))).toBe(hex(root));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(leaves, m, n);
        expect(proof.map(hex)).toEqual(path(m, d).map(hex));
        expect(verifyInclusion(leaves[m] as Uint8Array, m, n, proof, root)).toBe(true);
        // the same proof must not place the leaf anywhere else, nor a different leaf here
        if (n > 1) expect(verifyInclusion(leaves[m] as Uint8Array, (m + 1) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[(m + 1) % 64] as Uint8Array, m, n, proof, root)).toBe(false);
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(leaves, m, n);
        const expected = m === 0 || m === n ? [] : subproof(m, d, true);
        expect(proof.map(hex)).toEqual(expected.map(hex));
        expect(verifyConsistency(m, n, proof, mth(data.slice(0, m)), root)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, proof, mth(data.slice(0, m - 1)), root)).toBe(false);
          const bent = proof.map((p, i) => (i === 0 ? h(p) : p));
          expect(verifyConsistency(m, n, bent, mth(data.slice(0, m)), root)).toBe(false);
        }
      }
    }
  });

  it('CompactRange gives the root at every size while appending', () => {
    const range = new CompactRange();
    for (let n = 0; n <= 64; n++) {
      expect(hex(range.root())).toBe(hex(mth(data.slice(0, n))));
      if (n < 64) range.append(leaves[n] as Uint8Array);
    }
  });

  it('CompactRange takes a perfect subtree\'s root in place of its leaves where the size so far is a multiple of it, and goes on as if it had appended them', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 }), (height, before, after) => {
      const leavesIn = 2 ** height;
      const start = Math.min(64 - leavesIn, before - (before % leavesIn));
      const range = new CompactRange();
      for (const leaf of leaves.slice(0, start)) range.append(leaf);
      // The state and a copy, taken before the subtree, go on alone.
      const copy = CompactRange.fromState(range.state());
      const clone = range.clone();
      range.appendSubtree(mth(data.slice(start, start + leavesIn)), 0, height);
      const end = Math.min(64, start + leavesIn + after);
      for (const leaf of leaves.slice(start + leavesIn, end)) range.append(leaf);
      expect(range.size).toBe(end);
      expect(hex(range.root())).toBe(hex(mth(data.slice(0, end))));
      expect(copy?.size).toBe(start);
      expect(hex((copy as CompactRange).root())).toBe(hex(mth(data.slice(0, start))));
      expect(hex(clone.root())).toBe(hex(mth(data.slice(0, start))));
    }), { numRuns: 300 });
  });

  it('CompactRange refuses a subtree that is not one of the tree\'s nodes, and a state whose roots do not fit its size', () => {
    const range = new CompactRange();
    for (const leaf of leaves.slice(0, 6)) range.append(leaf);
    expect(() => range.appendSubtree(leaves[0] as Uint8Array, 0, 2)).toThrow(RangeError);
    expect(() => range.appendSubtree(leaves[0] as Uint8Array, 0, 64)).toThrow(RangeError);
    range.appendSubtree(mth(data.slice(6, 8)), 0, 1);
    expect(hex(range.root())).toBe(hex(mth(data.slice(0, 8))));
    const { roots } = range.state();
    expect(roots.length).toBe(32);
    expect(CompactRange.fromState({ size: 7, roots })).toBeUndefined();
    expect(CompactRange.fromState({ size: -1, roots: new Uint8Array(0) })).toBeUndefined();
    expect(CompactRange.fromState({ size: 0.5, roots: new Uint8Array(0) })).toBeUndefined();
  });
});
