import { createHash } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { human, toElevenBitSymbols, toHexGroups, toWords, wordsToDigest } from '../../shared/human-value.ts';

describe('values read aloud', () => {
  it('groups hex by four', () => {
    expect(toHexGroups(Uint8Array.from([0x4c, 0xc9, 0xa1, 0xf0, 0x0b]))).toBe('4cc9 a1f0 0b');
  });

  it('reads a short value (a check value) as 11-bit groups, the last padded with zeros', () => {
    expect(toWords(Uint8Array.from([0xff, 0xe0]))).toEqual(['zoo', 'abandon']);
    expect(toWords(Uint8Array.from([0x00, 0x20]))).toEqual(['ability', 'abandon']);
    expect(toWords(Uint8Array.from([0x3a, 0x7f, 0x11]))).toHaveLength(3);
  });

  it('reads a 32-byte digest as its BIP-39 mnemonic (BIP-39 test vector: 32 zero bytes)', () => {
    // trezor/python-mnemonic vectors.json, first 256-bit entry.
    expect(toWords(new Uint8Array(32)).join(' ')).toBe(`${'abandon '.repeat(23)}art`);
  });

  it('is one-to-one for every length: the words give back the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const words = toWords(bytes);
        if ([16, 20, 24, 28, 32].includes(bytes.length)) {
          expect(wordsToDigest(words)).toEqual(bytes);
        } else {
          const symbols = words.map((w) => wordlist.indexOf(w));
          expect(symbols).toEqual(toElevenBitSymbols(bytes));
          const bits = symbols.map((s) => s.toString(2).padStart(11, '0')).join('');
          expect(Uint8Array.from(bits.slice(0, bytes.length * 8).match(/.{8}/gu) ?? [], (b) => parseInt(b, 2))).toEqual(bytes);
        }
      }),
    );
  });

  it('catches a misread word in a digest by its checksum', () => {
    const digest = createHash('sha256').update('root').digest();
    const words = toWords(digest);
    words[5] = words[5] === 'zoo' ? 'abandon' : 'zoo';
    expect(() => wordsToDigest(words)).toThrow();
  });

  it('gives hex, groups and words together', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(human(bytes)).toEqual({ hex: Buffer.from(bytes).toString('hex'), hexGroups: toHexGroups(bytes), words: toWords(bytes) });
  });
});
