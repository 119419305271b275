/** Typed paper-form words are checked in main and the answer names a place, never a word of the share. */
import fc from 'fast-check';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { describe, expect, it } from 'vitest';
import { SecretBytes } from '../../../../shared/secret-bytes.ts';
import { toPaperForm } from '../../../../shared/shares/paper-form.ts';
import { checkShareWords } from './share-words.ts';

const typed = (lines: string[][]): SecretBytes => new SecretBytes(new TextEncoder().encode(lines.map((l) => l.join(' ')).join('\n')));

describe('checking typed share words', () => {
  it('accepts the paper form as printed', () => {
    const lines = toPaperForm(Uint8Array.from({ length: 120 }, (_, i) => i));
    expect(checkShareWords(typed(lines))).toEqual({ words: lines.flat().length, lines: lines.length, complete: true, problem: null });
  });

  it('locates one mistyped word by line and position and never says which word was meant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 300 }), fc.nat(), fc.nat(), fc.nat({ max: 2047 }), (envelope, lineSeed, wordSeed, replacement) => {
        const lines = toPaperForm(envelope);
        const line = lineSeed % lines.length;
        const word = wordSeed % (lines[line] as string[]).length;
        const meant = (lines[line] as string[])[word] as string;
        const wrong = wordlist[replacement] as string;
        fc.pre(wrong !== meant);
        const edited = lines.map((l, i) => (i === line ? l.map((w, j) => (j === word ? wrong : w)) : l));
        const check = checkShareWords(typed(edited));
        expect(check.complete).toBe(false);
        expect(check.problem).toMatchObject({ code: 'SHARE_WORD_MISTYPED', line: line + 1, word: word + 1 });
        // The message is the fixed wording for that place: no word of the line can be in it.
        expect(check.problem?.message).toBe(`Line ${line + 1}, word ${word + 1} does not match its line's check words; check it against the paper.`);
      }),
      { numRuns: 300 },
    );
  });

  it('names an unknown word by place, and a missing line by count', () => {
    const lines = toPaperForm(Uint8Array.from({ length: 80 }, (_, i) => 255 - i));
    const unknown = checkShareWords(typed(lines.map((l, i) => (i === 1 ? l.map((w, j) => (j === 3 ? 'keyritez' : w)) : l))));
    expect(unknown.problem).toMatchObject({ code: 'SHARE_WORD_UNKNOWN', line: 2, word: 4 });
    expect(unknown.problem?.message).not.toContain('keyritez');
    const short = checkShareWords(typed([...lines.slice(0, -1), (lines.at(-1) as string[]).slice(0, 2)]));
    expect(short.problem).toMatchObject({ code: 'SHARE_WORD_COUNT', line: null });
  });
});
