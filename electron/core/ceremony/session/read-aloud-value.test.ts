import { describe, expect, it } from 'vitest';
import { inWords, readAloudValue } from './read-aloud-value.ts';

describe('values read aloud', () => {
  it('says what shares.write wrote in words, not JSON', () => {
    const written = [
      { custodian: 'carl', index: 1, file: 'shares/carl.share', sha256: 'ab12', paperForm: { file: 'shares/carl.pdf', sha256: 'cd34' } },
      { custodian: 'dora', index: 2, file: 'shares/dora.share', sha256: 'ef56', paperForm: { file: 'shares/dora.pdf', sha256: '7890' } },
    ];
    expect(readAloudValue({ written, readBack: true }, 'written')).toEqual({
      name: 'written',
      text: 'custodian carl, index 1, file shares/carl.share, sha256 ab12, paperForm (file shares/carl.pdf, sha256 cd34); custodian dora, index 2, file shares/dora.share, sha256 ef56, paperForm (file shares/dora.pdf, sha256 7890)',
      hex: null,
      words: null,
    });
    expect(readAloudValue({ written, readBack: true }, 'readBack').text).toBe('yes');
  });

  it('keeps plain values as they are and names what is absent', () => {
    expect(inWords('2026-11-29T10:20:00.000Z')).toBe('2026-11-29T10:20:00.000Z');
    expect(inWords(1203)).toBe('1203');
    expect(inWords(false)).toBe('no');
    expect(inWords(null)).toBe('none');
    expect(inWords([])).toBe('none');
    expect(inWords({})).toBe('none');
    expect(inWords(['a', ['b', 'c']])).toBe('a; b; c');
    expect(readAloudValue({}, 'missing').text).toBe('(not recorded)');
    // Hex stays hex, for the words-and-hex display.
    expect(readAloudValue({ h: 'a1b2c3' }, 'h')).toMatchObject({ hex: 'a1b2c3', text: null });
  });

  it('stops at a depth no recorded value reaches', () => {
    let deep: unknown = 'bottom';
    for (let k = 0; k < 20; k++) deep = { k: deep };
    expect(inWords(deep as never)).toMatch(/…/u);
    expect(inWords(deep as never)).not.toMatch(/bottom/u);
  });
});
