import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine } from './event.ts';
import { hashJournalTree } from './journal-tree.ts';
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
      const bytes = new Uint8Array(lines.reduce((n, line) => n + line.length + 1, 0) - (cut && lines.length > 0 ? 1 : 0));
      let at = 0;
      for (const [i, line] of lines.entries()) {
        bytes.set(line, at);
        at += line.length;
        if (!(cut && i === lines.length - 1)) bytes[at++] = 0x0a;
      }
      // An unterminated empty last line is no line: the bytes end with the newline before it.
      const count = cut && lines.length > 0 && (lines[lines.length - 1] as Uint8Array).length === 0 ? lines.length - 1 : lines.length;
      const tree = hashJournalTree(bytes, defaultSha256, [count]);
      const leaves = lines.slice(0, count).map((line) => leafHash(line));
      expect(tree.lineCount).toBe(count);
      expect(tree.leafHashes).toEqual(new Uint8Array(leaves.flatMap((leaf) => [...leaf])));
      expect(tree.roots.get(count)).toEqual(treeRoot(leaves));
    }), { numRuns: 300 });
  });
});
