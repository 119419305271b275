import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from './bytes.ts';
import { isCanonicalJson, isCanonicalJsonLine } from './canonical-json.ts';

/** The definition: the text is the JCS serialisation of its parsed value (a value JCS cannot write has no canonical text). */
function isJcsOfItself(text: string): boolean {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

// Any code point in strings and names, and doubles of every kind.
const value = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });
// Small edits that often leave valid but non-canonical JSON: whitespace, escapes, other spellings of numbers.
const edit = fc.record({ at: fc.nat(), insert: fc.constantFrom(' ', '\n', '\t', '\\u0041', '\\/', '0', '.0', 'e1', 'E+0', '-', '1', ',"a":1', ',"~":1', ',"":1', '"', '\\u00e9', 'é', '\\ud800') });

describe('RFC 8785 canonical form, checked on the text', () => {
  it('accepts the JCS serialisation of any JSON value', () => {
    fc.assert(fc.property(value, (v) => {
      expect(isCanonicalJson(canonicalize(v) as string)).toBe(true);
    }), { numRuns: 3000 });
  });

  it('agrees with re-serialising (canonicalize) on any valid JSON text: JSON.stringify output, indented output and edited canonical text', () => {
    fc.assert(fc.property(value, fc.array(edit, { maxLength: 3 }), fc.nat(3), (v, edits, indent) => {
      const texts = [JSON.stringify(v), JSON.stringify(v, null, indent)];
      let edited = canonicalize(v) as string;
      for (const { at, insert } of edits) {
        const k = at % (edited.length + 1);
        edited = edited.slice(0, k) + insert + edited.slice(k);
      }
      texts.push(edited);
      for (const text of texts) if (parses(text)) expect(isCanonicalJson(text), text).toBe(isJcsOfItself(text));
    }), { numRuns: 5000 });
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3), whatever spelling the text used', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 }), (n, digits) => {
      const spellings = [String(n), n.toExponential(Math.min(digits, 20)), n.toPrecision(Math.max(1, digits)), n.toFixed(Math.min(digits, 20)), `${String(n)}0`, `${String(n)}e0`];
      for (const text of spellings) if (parses(text)) expect(isCanonicalJson(text), text).toBe(isJcsOfItself(text));
    }), { numRuns: 3000 });
  });

  it('known cases: order, repeats, escapes, spacing and numbers', () => {
    const cases: [string, boolean][] = [
      ['{"a":1,"b":[true,false,null]}', true],
      ['{"b":1,"a":2}', false],
      ['{"a":1,"a":1}', false], // a repeated name
      ['{"10":1,"9":2,"a":3}', true], // names sorted as text, not as numbers
      ['{"a":{"y":1,"x":2}}', false],
      ['{"\\u0041":1}', false],
      ['{"A":1,"\\u0000":2}', false], // U+0000 sorts first
      ['{"\\u0000":2,"A":1}', true],
      ['"\\u001f"', true],
      ['"\\u001F"', false],
      ['"\\/"', false],
      ['"\\ud800"', false], // a lone surrogate has no canonical form (I-JSON, RFC 7493 §2.1)
      ['"\\ud83d\\ude00"', false], // a pair is written as the character itself
      ['"\ud800"', false],
      ['"😀"', true],
      ['{"a": 1}', false],
      [' 1', false],
      ['-0', false],
      ['0', true],
      ['1.0', false],
      ['1e2', false],
      ['1e+21', true],
      ['1e21', false],
      ['0.000001', true],
      ['1e-7', true],
      ['123456789012345678', false],
      ['1e999', false], // too large for a double: no canonical form (canonicalize throws)
    ];
    for (const [text, canonical] of cases) expect(isCanonicalJson(text), text).toBe(canonical);
  });

  it('a journal line read in place from its bytes gets the same answer as its text, ASCII or not, and bytes that are not UTF-8 are not canonical', () => {
    fc.assert(fc.property(value, fc.array(edit, { maxLength: 2 }), fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 4 }), (v, edits, before, after) => {
      let text = canonicalize(v) as string;
      for (const { at, insert } of edits) {
        const k = at % (text.length + 1);
        text = text.slice(0, k) + insert + text.slice(k);
      }
      if (!parses(text)) return;
      // (An edit may split a surrogate pair: UTF-8 then carries U+FFFD, and the line is that text.)
      const line = utf8ToBytes(text);
      const bytes = new Uint8Array([...before, ...line, ...after]);
      expect(isCanonicalJsonLine(bytes, before.length, before.length + line.length), text).toBe(isCanonicalJson(new TextDecoder().decode(line)));
    }), { numRuns: 5000 });
    // A lone surrogate's UTF-8-like bytes (ED A0 80) and a stray continuation byte are not UTF-8.
    expect(isCanonicalJsonLine(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 0, 5)).toBe(false);
    expect(isCanonicalJsonLine(new Uint8Array([0x22, 0x80, 0x22]), 0, 3)).toBe(false);
    expect(isCanonicalJsonLine(utf8ToBytes('x{"a":"é"}x'), 1, 11)).toBe(true);
    expect(isCanonicalJsonLine(utf8ToBytes('{"b":1,"a":2}'), 0, 13)).toBe(false);
  });
});
