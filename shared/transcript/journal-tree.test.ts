import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine } from './event.ts';
import { TREE_CHUNK_HEIGHT, hashJournalTree, hashTreeTail, joinTree, treeChunkClaims } from './journal-tree.ts';
import { defaultSha256, leafHash, treeRoot } from './merkle.ts';
import { scanJournal } from './scan.ts';

const ceremony = 'keyrite.test/tree';

/** A linked journal of `count` lines (the last one without its newline when `cut`). */
function journal(count: number, cut = false): Uint8Array {
  const texts: string[] = [];
  let prev = GENESIS_PREV;
  for (let seq = 0; seq < count; seq++) {
    const text = canonicalLine({ v: 1, seq, ceremony, at: '2026-11-29T09:00:01.000Z', mono: seq, type: 'step/completed', actors: ['ada'], step: null, payload: { n: seq, note: seq % 5 === 0 ? 'élan ✓' : 'plain' }, prev });
    texts.push(text);
    prev = bytesToHex(leafHash(utf8ToBytes(text)));
  }
  return utf8ToBytes(texts.join('\n') + (count > 0 && !cut ? '\n' : ''));
}

/** Lines of bytes, each ended by a newline (but the last, when `cut`). */
function joinLines(lines: readonly Uint8Array[], cut: boolean): Uint8Array {
  const bytes = new Uint8Array(lines.reduce((n, line) => n + line.length + 1, 0) - (cut && lines.length > 0 ? 1 : 0));
  let at = 0;
  for (const [i, line] of lines.entries()) {
    bytes.set(line, at);
    at += line.length;
    if (!(cut && i === lines.length - 1)) bytes[at++] = 0x0a;
  }
  return bytes;
}

/** The tree of the lines joined (joinLines) has each line's leaf hash and their RFC 6962 root. */
function expectTreeOfLines(lines: readonly Uint8Array[], cut: boolean): void {
  // An unterminated empty last line is no line: the bytes end with the newline before it.
  const count = cut && lines.length > 0 && (lines[lines.length - 1] as Uint8Array).length === 0 ? lines.length - 1 : lines.length;
  const tree = hashJournalTree(joinLines(lines, cut), defaultSha256, [count]);
  const leaves = lines.slice(0, count).map((line) => leafHash(line));
  expect(tree.lineCount).toBe(count);
  expect(tree.leafHashes).toEqual(new Uint8Array(leaves.flatMap((leaf) => [...leaf])));
  expect(tree.roots.get(count)).toEqual(treeRoot(leaves));
}

describe('the journal\'s tree, hashed apart from the checks of its lines', () => {
  it('has the leaf hashes scanJournal computes, and the RFC 6962 root at every claimed size it reaches (0 to 45 lines, any sizes)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 45 }), fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 8 }), (count, claimed) => {
      const bytes = journal(count);
      const sizes = [...claimed].sort((a, b) => a - b);
      const tree = hashJournalTree(bytes, defaultSha256, sizes);
      const scanned = scanJournal(bytes);
      expect(scanned.firstBadEvent).toBeUndefined();
      expect(tree.lineCount).toBe(count);
      expect(tree.leafHashes).toEqual(scanned.leafHashes);
      // Sizes beyond the journal are left to the verifier, which finds events missing.
      expect([...tree.roots.keys()]).toEqual(sizes.filter((size) => size <= count));
      for (const [size, root] of tree.roots) expect(root, `${count}/${size}`).toEqual(treeRoot(scanned.leaves.slice(0, size)));
    }), { numRuns: 200 });
  });

  it('counts and hashes an unterminated last line as scanJournal counts it (which then refuses it)', () => {
    const bytes = journal(6, true);
    const tree = hashJournalTree(bytes, defaultSha256, [6]);
    const scanned = scanJournal(bytes);
    expect(tree.lineCount).toBe(scanned.lineCount);
    expect(tree.lineCount).toBe(6);
    expect(scanned.firstBadEvent?.index).toBe(5);
    const lastLine = bytes.subarray(bytes.lastIndexOf(0x0a) + 1);
    expect(tree.leafHashes.subarray(5 * 32)).toEqual(leafHash(lastLine));
    expect(hashJournalTree(new Uint8Array(0), defaultSha256, [0]).roots.get(0)).toEqual(treeRoot([]));
  });

  it('hashes any bytes line by line, however many lines (short lines grow its room for leaf hashes), empty lines and 0x00 bytes included', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 6 }).map((line) => line.map((b) => (b === 0x0a ? 0x00 : b))), { maxLength: 600 }), fc.boolean(), (lines, cut) => {
      expectTreeOfLines(lines, cut);
    }), { numRuns: 300 });
  });

  it('hashes lines across the edges of its 64 KiB window, and lines longer than the window, as whole lines', () => {
    const window = 1 << 16;
    // Lengths about the window's, so that lines start and end at and around its edges and some outgrow it (twice over).
    const length = fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: window - 3, max: window + 3 }), fc.integer({ min: 2 * window - 2, max: 2 * window + 2 }), fc.nat({ max: 3 * window }));
    fc.assert(fc.property(fc.array(length, { minLength: 1, maxLength: 7 }), fc.boolean(), fc.nat(), (lengths, cut, seed) => {
      const lines = lengths.map((n, i) => Uint8Array.from({ length: n }, (_, k) => ((k * 13 + i * 7 + seed) % 255) + (((k * 13 + i * 7 + seed) % 255) >= 0x0a ? 1 : 0)));
      expectTreeOfLines(lines, cut);
    }), { numRuns: 40 });
  });

  it('shares its work in chunks with a tail hashed from the end: whatever chunk they meet at, the joined tree is the one hashed alone', () => {
    const chunk = 2 ** TREE_CHUNK_HEIGHT;
    // Up to 5 chunks and a part of one, of short lines (fast-check's arrays
    // are mostly short, so the count is drawn, and the lines made from it);
    // claimed sizes anywhere, chunk edges and the last line included.
    const journalOf = fc.tuple(fc.integer({ min: 1, max: 5 * chunk + 40 }), fc.nat()).map(([count, seed]) => Array.from({ length: count }, (_, i) => Uint8Array.from({ length: (i * 7 + seed) % 6 }, (_, k) => (i * 31 + k * 17 + seed) % 256).map((b) => (b === 0x0a ? 0x20 : b))));
    fc.assert(fc.property(journalOf, fc.nat(), fc.uniqueArray(fc.oneof(fc.nat({ max: 6 * chunk }), fc.nat({ max: 6 }).map((k) => k * chunk), fc.integer({ min: 1, max: 4 }).map((k) => k * chunk + 1)), { maxLength: 8 }), (lines, meet, claimed) => {
      const bytes = joinLines(lines, false);
      const sizes = [...claimed].sort((a, b) => a - b);
      const alone = hashJournalTree(bytes, defaultSha256, sizes);
      // The tree's thread has claimed the first `head` chunks when the tail starts; the tail takes the rest.
      const chunks = Math.ceil(lines.length / chunk);
      const head = meet % (chunks + 1);
      const claims = treeChunkClaims(bytes.length);
      claims.fill(1, 0, head);
      const tail = hashTreeTail(bytes, lines.length, claims, defaultSha256);
      // None when the tree's thread has every chunk (the last one first of all).
      expect(tail?.from).toBe(head === chunks ? undefined : head * chunk);
      claims.fill(0, 0, head);
      const first = hashJournalTree(bytes, defaultSha256, sizes, claims);
      expect(first.lineCount).toBe(Math.min(lines.length, head * chunk));
      expect(first.handedOver === undefined).toBe(head === chunks);
      const joined = joinTree(first, tail, sizes, defaultSha256);
      expect(joined?.lineCount).toBe(alone.lineCount);
      expect(joined?.leafHashes).toEqual(alone.leafHashes);
      expect(joined?.roots).toEqual(alone.roots);
    }), { numRuns: 60 });
  });

  it('a tail takes nothing from a journal not ended by a newline, and a head and tail that do not meet are not joined', () => {
    const bytes = journal(3, true);
    const claims = treeChunkClaims(bytes.length);
    expect(hashTreeTail(bytes, 3, claims, defaultSha256)).toBeUndefined();
    expect([...claims].every((claim) => claim === 0)).toBe(true);
    const whole = journal(3);
    const all = hashJournalTree(whole, defaultSha256, [3]);
    const tail = hashTreeTail(whole, 3, treeChunkClaims(whole.length), defaultSha256);
    expect(tail?.from).toBe(0);
    // The tree's thread did not see the tail's claims, so it hashed every line too: the two do not meet.
    expect(joinTree(all, tail, [3], defaultSha256)).toBeUndefined();
    expect(joinTree(all, undefined, [3], defaultSha256)).toBe(all);
    // A count of more lines than the journal holds, or fewer: the tail finds it out.
    expect(hashTreeTail(whole, 4, treeChunkClaims(whole.length), defaultSha256)).toBeUndefined();
    const six = new TextEncoder().encode('a\n'.repeat(600));
    expect(hashTreeTail(six, 500, treeChunkClaims(six.length), defaultSha256)).toBeUndefined();
    expect(hashTreeTail(six, 600, treeChunkClaims(six.length), defaultSha256)?.from).toBe(0);
    // The tree's thread holding the last chunk already: the tail claims nothing more, and allocates nothing.
    const treeHasLast = treeChunkClaims(six.length);
    treeHasLast[2] = 1;
    expect(hashTreeTail(six, 600, treeHasLast, defaultSha256)).toBeUndefined();
    expect([...treeHasLast.subarray(0, 2)]).toEqual([0, 0]);
  });
});
