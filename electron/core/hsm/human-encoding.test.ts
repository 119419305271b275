import { describe, expect, it } from 'vitest';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { human, toHexGroups, toWords } from './human-encoding.ts';

describe('values read aloud', () => {
  it('groups hex by four', () => {
    expect(toHexGroups(Uint8Array.from([0x4c, 0xc9, 0xa1, 0xf0, 0x0b]))).toBe('4cc9 a1f0 0b');
  });
  it('takes 11 bits per BIP-39 word, padding the last with zero bits', () => {
    expect(toWords(Uint8Array.from([0xff, 0xe0]))).toEqual(['zoo', 'abandon']);
    expect(toWords(Uint8Array.from([0x00, 0x20]))).toEqual(['ability', 'abandon']);
    expect(toWords(new Uint8Array(32))).toHaveLength(24);
  });
  it('is one-to-one: the words give back the bytes (so a misread word is caught)', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
    const bits = toWords(bytes).map((w) => wordlist.indexOf(w).toString(2).padStart(11, '0')).join('');
    const back = Uint8Array.from(bits.slice(0, 256).match(/.{8}/gu) ?? [], (b) => parseInt(b, 2));
    expect(back).toEqual(bytes);
    expect(human(bytes).hex).toBe(Buffer.from(bytes).toString('hex'));
  });
});
