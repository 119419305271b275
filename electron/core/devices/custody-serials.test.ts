import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCustodySerials, confirmReadBack, normaliseSerial } from './custody-serials.ts';
import { CustodyComparison, type CustodySerial } from './schemas.ts';

const serialChars = fc.constantFrom(...'ABCDEFGHJKLMNOPQRSTUVWXYZ0123456789-./'.split(''));
const serial = fc.string({ unit: serialChars, minLength: 1, maxLength: 16 }).filter((s) => s.trim() !== '');
const space = fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\n');

describe('serial normalisation', () => {
  it('ignores case and surrounding white space (property)', () => {
    fc.assert(
      fc.property(serial, space, space, fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), (s, before, after, lower) => {
        const typed = before + [...s].map((c, i) => (lower[i] === true ? c.toLowerCase() : c)).join('') + after;
        expect(normaliseSerial(typed)).toBe(normaliseSerial(s));
      }),
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (s) => {
      let once: string;
      try {
        once = normaliseSerial(s);
      } catch {
        return; // refused inputs are covered below
      }
      expect(normaliseSerial(once)).toBe(once);
    }));
  });

  it('every significant character counts: changing, removing or adding one is a different serial (property)', () => {
    fc.assert(
      fc.property(serial, fc.nat(), serialChars, (s, at, other) => {
        const i = at % s.length;
        const changed = s.slice(0, i) + other + s.slice(i + 1);
        const removed = s.slice(0, i) + s.slice(i + 1);
        const added = s.slice(0, i) + other + s.slice(i);
        if (changed !== s) expect(normaliseSerial(changed)).not.toBe(normaliseSerial(s));
        if (removed !== '') expect(normaliseSerial(removed)).not.toBe(normaliseSerial(s));
        expect(normaliseSerial(added)).not.toBe(normaliseSerial(s));
      }),
    );
  });

  it('never folds dashes, leading zeros or look-alikes', () => {
    expect(normaliseSerial('KR-00123')).not.toBe(normaliseSerial('KR00123'));
    expect(normaliseSerial('KR-00123')).not.toBe(normaliseSerial('KR-123'));
    expect(normaliseSerial('B0X1')).not.toBe(normaliseSerial('BOXI'));
    expect(normaliseSerial('AB 123')).not.toBe(normaliseSerial('AB123'));
    expect(normaliseSerial('AB \t 123')).toBe('AB 123');
  });

  it('composed and decomposed accents are the same serial (NFC)', () => {
    expect(normaliseSerial('Sac-\u00e9t\u00e9')).toBe(normaliseSerial('sac-e\u0301te\u0301'));
  });

  it.each([
    ['zero-width space', 'AB\u200b123', 'U+200B', 3],
    ['byte-order mark', '\ufeffAB123', 'U+FEFF', 1],
    ['left-to-right mark', 'AB123\u200e', 'U+200E', 6],
    ['NUL', 'AB\u0000123', 'U+0000', 3],
  ])('refuses a %s instead of removing it', (_name, value, code, position) => {
    expect(() => normaliseSerial(value)).toThrow(expect.objectContaining({ code: 'DEVICES_SERIAL_INVALID', message: expect.stringContaining(`${code}) at position ${position}`) }));
  });

  it('refuses an empty serial', () => {
    expect(() => normaliseSerial(' \t ')).toThrow(expect.objectContaining({ code: 'DEVICES_SERIAL_INVALID' }));
  });

  it('witness read-back: agrees across case and spacing, not across a digit', () => {
    expect(confirmReadBack('tb-4471-0093', ' TB-4471-0093 ')).toEqual({ confirmed: true, value: 'TB-4471-0093' });
    expect(confirmReadBack('TB-4471-0093', 'TB-4471-0098').confirmed).toBe(false);
  });
});

describe('comparing with the previous ceremony', () => {
  const recorded: CustodySerial[] = [
    { kind: 'tamper-bag', label: 'Bag A (HSM 1)', value: 'TB-4471-0093' },
    { kind: 'tamper-bag', label: 'Bag B (laptop)', value: 'TB-4471-0094' },
    { kind: 'hsm', label: 'HSM 1', value: '0012345678' },
    { kind: 'laptop', label: 'Ceremony laptop', value: 'PF-2XK9QZ' },
  ];

  it('sorts every item into match, mismatch, missing or new, and flags the mismatch as an exception', () => {
    const entered: CustodySerial[] = [
      { kind: 'tamper-bag', label: 'bag a (hsm 1)', value: ' tb-4471-0093' }, // same bag, typed loosely
      { kind: 'tamper-bag', label: 'Bag B (laptop)', value: 'TB-4471-0049' }, // a different bag
      { kind: 'hsm', label: 'HSM 1', value: '0012345678' },
      { kind: 'hsm', label: 'HSM 2', value: '0012345679' }, // new this time
    ];
    const result = CustodyComparison.parse(compareCustodySerials(entered, recorded));
    expect(result).toEqual({
      matches: [
        { kind: 'tamper-bag', label: 'bag a (hsm 1)', value: 'TB-4471-0093' },
        { kind: 'hsm', label: 'HSM 1', value: '0012345678' },
      ],
      mismatches: [{ kind: 'tamper-bag', label: 'Bag B (laptop)', recorded: 'TB-4471-0094', entered: 'TB-4471-0049' }],
      missing: [{ kind: 'laptop', label: 'Ceremony laptop', value: 'PF-2XK9QZ' }],
      new: [{ kind: 'hsm', label: 'HSM 2', value: '0012345679' }],
      exception: true,
    });
  });

  it('all matching is no exception; the same label under another kind is another item', () => {
    expect(compareCustodySerials(recorded, recorded)).toMatchObject({ mismatches: [], missing: [], new: [], exception: false });
    const otherKind = compareCustodySerials([{ kind: 'medium', label: 'HSM 1', value: 'X' }], [{ kind: 'hsm', label: 'HSM 1', value: 'Y' }]);
    expect(otherKind).toMatchObject({ new: [{ kind: 'medium' }], missing: [{ kind: 'hsm' }], exception: false });
  });

  it('refuses a list that names one item twice', () => {
    const twice: CustodySerial[] = [
      { kind: 'hsm', label: 'HSM 1', value: 'A' },
      { kind: 'hsm', label: ' hsm 1 ', value: 'B' },
    ];
    expect(() => compareCustodySerials(twice, [])).toThrow(expect.objectContaining({ code: 'DEVICES_SERIAL_DUPLICATE' }));
  });
});
