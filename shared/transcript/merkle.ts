/**
 * RFC 6962 §2.1 Merkle hash tree over the transcript's event lines, with the
 * proof verification algorithms of RFC 9162 §2.1.3.2 (inclusion) and
 * §2.1.4.2 (consistency). Pure: the hash function is injected, so the same
 * code runs with @noble/hashes (default, anywhere) or node:crypto (faster,
 * in the CLI).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from './bytes.ts';

/**
 * SHA-256 of one byte string. A host may also give `into`, which writes the
 * digest to out[at, at + 32) instead of returning a new array: the verifier
 * hashes 2n - 1 short inputs for n events, and an array per digest was a
 * tenth of its time in garbage (bench:verify). `into` reads all of `data`
 * before it writes, so the two may overlap.
 */
export interface Sha256 {
  (data: Uint8Array): Uint8Array;
  readonly into?: (data: Uint8Array, out: Uint8Array, at: number) => void;
}

export const defaultSha256: Sha256 = (data) => nobleSha256(data);

/** SHA-256 of data written to out[at, at + 32), by `into` where the host gave it. */
export function sha256Into(sha256: Sha256, data: Uint8Array, out: Uint8Array, at: number): void {
  if (sha256.into !== undefined) sha256.into(data, out, at);
  else out.set(sha256(data), at);
}

/** RFC 6962 §2.1: leaf hash = SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array, sha256: Sha256 = defaultSha256): Uint8Array {
  const input = new Uint8Array(leaf.length + 1);
  input.set(leaf, 1);
  return sha256(input);
}

/**
 * RFC 6962 §2.1 leaf hashes of byte ranges of one array (the journal's
 * lines), written to `out`. The input 0x00 || line is made in one buffer
 * that every line reuses: an array per line costs more (bench:verify).
 * (journal-tree.ts, which hashes every line of a whole journal, instead
 * copies the journal into a window a run of lines at a time, LeafInputs,
 * and needs no copy per line.)
 */
export class LeafHasher {
  readonly #sha256: Sha256;
  #input = new Uint8Array(4096);

  constructor(sha256: Sha256) {
    this.#sha256 = sha256;
  }

  /** The leaf hash of bytes[start, end) written to out[at, at + 32). */
  hashInto(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
    if (end - start >= this.#input.length) this.#input = new Uint8Array(2 * (end - start + 1));
    this.#input.set(bytes.subarray(start, end), 1);
    sha256Into(this.#sha256, this.#input.subarray(0, end - start + 1), out, at);
  }
}

/** RFC 6962 §2.1: node hash = SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array, sha256: Sha256 = defaultSha256): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 1;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** A CompactRange as plain data. */
export interface CompactRangeState {
  readonly size: number;
  readonly roots: Uint8Array;
}

/**
 * The tree's right edge: one perfect subtree root per set bit of the size,
 * largest first. Appending is amortised O(1) hashes and the root at any size
 * is O(log n), so the verifier checks a checkpoint at every size it needs in
 * one pass over the events.
 */
export class CompactRange {
  readonly #sha256: Sha256;
  // The perfect subtree roots, 32 bytes each, largest first, in one array:
  // no allocation per leaf (bench:verify). A size below 2^64 has at most 64.
  readonly #roots = new Uint8Array(64 * 32);
  #count = 0;
  // 0x01 || left || right, reused for every node hash: an array of more than
  // 64 bytes is allocated off V8's heap, which costs more than the hash
  // itself (bench:verify).
  readonly #node = new Uint8Array(65);
  #size = 0;

  constructor(sha256: Sha256 = defaultSha256) {
    this.#sha256 = sha256;
    this.#node[0] = 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends the leaf hash (already prefixed and hashed, see leafHash) at hashes[at, at + 32). */
  append(hashes: Uint8Array, at = 0): void {
    this.#appendSubtree(hashes, at, 1);
  }

  /**
   * Appends the root, at hashes[at, at + 32), of a perfect subtree of
   * 2^height leaves: the next 2^height leaves, hashed elsewhere (another
   * thread hashed that part of the journal, journal-tree.ts). The size so
   * far must be a multiple of 2^height, so that the subtree is one of the
   * tree's own nodes (RFC 6962 §2.1 splits at powers of two).
   */
  appendSubtree(hashes: Uint8Array, at: number, height: number): void {
    const leaves = 2 ** height;
    if (!Number.isSafeInteger(leaves) || this.#size % leaves !== 0) throw new RangeError(`a subtree of 2^${height} leaves cannot follow ${this.#size} leaves`);
    this.#appendSubtree(hashes, at, leaves);
  }

  #appendSubtree(hashes: Uint8Array, at: number, leaves: number): void {
    // The size counted in subtrees of this one's size.
    let size = this.#size / leaves;
    this.#size += leaves;
    const roots = this.#roots;
    const node = this.#node;
    let right: Uint8Array = hashes;
    let from = at;
    // Each trailing 1 bit of the size is a subtree of the new one's size to
    // merge with. The merged hash is written where the next merge reads its
    // right half, node[33, 65).
    while (size % 2 === 1) {
      const top = --this.#count * 32;
      for (let k = 0; k < 32; k++) node[1 + k] = roots[top + k] as number;
      if (right !== node) for (let k = 0; k < 32; k++) node[33 + k] = right[from + k] as number;
      sha256Into(this.#sha256, node, node, 33);
      right = node;
      from = 33;
      size = (size - 1) / 2;
    }
    const top = this.#count++ * 32;
    for (let k = 0; k < 32; k++) roots[top + k] = right[from + k] as number;
  }

  /** Appends the leaves from its size up to `size`, leaf i's hash at leafHashes[32i, 32i + 32). */
  extendTo(leafHashes: Uint8Array, size: number): void {
    while (this.#size < size) this.append(leafHashes, this.#size * 32);
  }

  /** The same range, to append to apart from this one. */
  clone(): CompactRange {
    const copy = new CompactRange(this.#sha256);
    copy.#roots.set(this.#roots.subarray(0, this.#count * 32));
    copy.#count = this.#count;
    copy.#size = this.#size;
    return copy;
  }

  /** The range as plain data (a worker thread sends it): its size and its subtree roots, largest first. */
  state(): CompactRangeState {
    return { size: this.#size, roots: this.#roots.slice(0, this.#count * 32) };
  }

  /** A range from state(); undefined if the roots are not one per set bit of the size. */
  static fromState(state: CompactRangeState, sha256: Sha256 = defaultSha256): CompactRange | undefined {
    const { size, roots } = state;
    let count = 0;
    for (let bits = size; bits > 0; bits = Math.floor(bits / 2)) count += bits % 2;
    if (!Number.isSafeInteger(size) || size < 0 || roots.length !== count * 32) return undefined;
    const range = new CompactRange(sha256);
    range.#roots.set(roots);
    range.#count = count;
    range.#size = size;
    return range;
  }

  /** RFC 6962 §2.1 MTH of the leaves appended so far (SHA-256() when empty). */
  root(): Uint8Array {
    if (this.#count === 0) return this.#sha256(new Uint8Array(0));
    const roots = this.#roots;
    let root: Uint8Array = roots.slice((this.#count - 1) * 32, this.#count * 32);
    for (let i = this.#count - 2; i >= 0; i--) root = nodeHash(roots.subarray(i * 32, i * 32 + 32), root, this.#sha256);
    return root;
  }
}

/** MTH over leaf hashes (RFC 6962 §2.1). */
export function treeRoot(leafHashes: readonly Uint8Array[], sha256: Sha256 = defaultSha256): Uint8Array {
  const range = new CompactRange(sha256);
  for (const leaf of leafHashes) range.append(leaf);
  return range.root();
}

/** Largest power of two strictly less than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number, sha256: Sha256): Uint8Array {
  return treeRoot(leaves.slice(start, end), sha256);
}

/** RFC 6962 §2.1.1 PATH(m, D[0:size]): the audit path of leaf `index`. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size: number, sha256: Sha256 = defaultSha256): Uint8Array[] {
  if (!(size <= leafHashes.length && index >= 0 && index < size)) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (m: number, start: number, end: number): Uint8Array[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = split(n);
    if (m < k) return [...path(m, start, start + k), subtreeRoot(leafHashes, start + k, end, sha256)];
    return [...path(m - k, start + k, end), subtreeRoot(leafHashes, start, start + k, sha256)];
  };
  return path(index, 0, size);
}

/** RFC 6962 §2.1.2 PROOF(m, D[0:n]): proves the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(leafHashes: readonly Uint8Array[], m: number, n: number, sha256: Sha256 = defaultSha256): Uint8Array[] {
  if (!(n <= leafHashes.length && m >= 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const subproof = (m2: number, start: number, end: number, complete: boolean): Uint8Array[] => {
    const n2 = end - start;
    if (m2 === n2) return complete ? [] : [subtreeRoot(leafHashes, start, end, sha256)];
    const k = split(n2);
    if (m2 <= k) return [...subproof(m2, start, start + k, complete), subtreeRoot(leafHashes, start + k, end, sha256)];
    return [...subproof(m2 - k, start + k, end, false), subtreeRoot(leafHashes, start, start + k, sha256)];
  };
  return subproof(m, 0, n, true);
}

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` at `index` in the tree with `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array, sha256: Sha256 = defaultSha256): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r, sha256);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p, sha256);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2: is the tree (size1, root1) a prefix of the tree (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array, sha256: Sha256 = defaultSha256): boolean {
  if (size1 < 0 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr, sha256);
      sr = nodeHash(c, sr, sha256);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c, sha256);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
