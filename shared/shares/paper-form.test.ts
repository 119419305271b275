import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { CHECK_WORDS_PER_LINE, DATA_WORDS_PER_LINE, findWordProblem, fromPaperForm, toPaperForm } from './paper-form.ts';
import { ShareRejection } from './share-rejection.ts';

const text = (lines: string[][]): string => lines.map((l, i) => `${String(i + 1).padStart(2, '0')}: ${l.join(' ')}`).join('\n');

describe('paper form (BIP-39 words, RS checks over GF(2^11))', () => {
  it('round-trips any byte string, whatever its length (padding and length words)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (bytes) => {
      const lines = toPaperForm(bytes);
      expect(lines.slice(0, -1).every((l) => l.length === DATA_WORDS_PER_LINE + CHECK_WORDS_PER_LINE)).toBe(true);
      expect(fromPaperForm(text(lines), 'typed')).toEqual(bytes);
    }), { numRuns: 300 });
  });

  it('accepts the first four letters of a word, any case, and ignores printed line numbers', () => {
    const bytes = Uint8Array.from({ length: 50 }, (_, i) => i * 5);
    const typed = toPaperForm(bytes).map((l, i) => `${i + 1}. ${l.map((w) => w.slice(0, 4).toUpperCase()).join('  ')}`).join('\r\n');
    expect(fromPaperForm(typed, 'typed')).toEqual(bytes);
  });

  it('locates any single mistyped word and suggests the printed one', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 2047 }), (bytes, at, delta) => {
      const lines = toPaperForm(bytes);
      const flat = lines.flat();
      const i = at % flat.length;
      const printed = flat[i] ?? '';
      const typo = wordlist[(wordlist.indexOf(printed) ^ delta) & 2047] ?? '';
      const edited = lines.map((l, li) => l.map((w, wi) => (li * 22 + wi === i ? typo : w)));
      const problem = findWordProblem(text(edited));
      expect(problem).toMatchObject({ code: 'SHARE_WORD_MISTYPED', line: Math.floor(i / 22) + 1, word: (i % 22) + 1, typed: typo, suggestion: printed });
    }), { numRuns: 1000 });
  });

  it('names a word that is not in the list, and a missing line', () => {
    const lines = toPaperForm(new Uint8Array(100).fill(7));
    const typo = lines.map((l) => [...l]);
    (typo[1] as string[])[3] = 'zebrra';
    expect(findWordProblem(text(typo))).toMatchObject({ code: 'SHARE_WORD_UNKNOWN', line: 2, word: 4, typed: 'zebrra' });
    expect(() => fromPaperForm(text(typo), 'Alice, typed')).toThrow(/word 4 of line 2 \("zebrra"\) is not in the word list/u);
    const missing = [...lines.slice(0, 1), ...lines.slice(2)];
    let code = '';
    try {
      fromPaperForm(text(missing), 'typed');
    } catch (e) {
      code = e instanceof ShareRejection ? e.code : 'other';
    }
    expect(code).toBe('SHARE_WORD_COUNT');
    expect(findWordProblem('')).toMatchObject({ code: 'SHARE_WORD_COUNT' });
  });

  it('detects two mistyped words in one line (distance 3) even if it cannot place them', () => {
    fc.assert(fc.property(fc.nat(19), fc.nat(19), fc.integer({ min: 1, max: 2047 }), fc.integer({ min: 1, max: 2047 }), (a, b, d1, d2) => {
      fc.pre(a !== b);
      const lines = toPaperForm(new Uint8Array(40).fill(0x5c));
      const first = (lines[0] as string[]).map((w, i) => (i === a ? wordlist[wordlist.indexOf(w) ^ d1] : i === b ? wordlist[wordlist.indexOf(w) ^ d2] : w) ?? '');
      return findWordProblem(text([first, ...lines.slice(1)])) !== undefined;
    }), { numRuns: 500 });
  });
});
