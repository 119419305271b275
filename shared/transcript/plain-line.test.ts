import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from './bytes.ts';
import { isCanonicalJson } from './canonical-json.ts';
import { canonicalLine, checkEventShape, checkEventValues, utcFieldsInRange, utcPattern, type JsonValue, type TranscriptEvent } from './event.ts';
import { readPlainLine } from './plain-line.ts';

const isAscii = (text: string) => Array.from(text).every((c) => c.charCodeAt(0) < 0x80);
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * Read where the line sits inside a larger ASCII text, as in a journal,
 * its prev decoded (PrevOut) exactly when it is 64 lower-case hex digits,
 * and then to the bytes those name, where it was asked to.
 */
function readInPlace(line: string): TranscriptEvent | undefined {
  const text = `{"x":1}\n${line}\n{}`;
  const out = new Uint8Array(40);
  const read = readPlainLine(ascii(text), text, 8, 8 + line.length, { bytes: out, at: 5 });
  expect(read?.prevDecoded ?? false, line).toBe(read !== undefined && /^[0-9a-f]{64}$/.test(read.event.prev));
  if (read?.prevDecoded === true) expect(bytesToHex(out.subarray(5, 37))).toBe(read.event.prev);
  return read?.event;
}

/** The fast path's promise: when it answers, the line is canonical, the event is JSON.parse's, member for member, in order, and checkEventValues judges it as checkEventShape does. */
function expectSameAsParse(line: string): TranscriptEvent | undefined {
  const event = readInPlace(line);
  if (event !== undefined) {
    expect(isCanonicalJson(line), line).toBe(true);
    const parsed = JSON.parse(line) as unknown;
    expect(event, line).toStrictEqual(parsed);
    // toStrictEqual ignores member order; the text of each does not.
    expect(JSON.stringify(event), line).toBe(JSON.stringify(parsed));
    // Its JSON types and time hold, so the envelope's other value rules give the whole check's answer (scan.ts relies on it).
    expect(checkEventValues(event, false, true), line).toBe(checkEventShape(parsed, false));
  }
  return event;
}

// Printable ASCII but the quote and the backslash: what JSON.stringify writes as it is.
const plainText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)), maxLength: 20 });
const anyText = fc.oneof(plainText, fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('a"b', 'a\\b', 'tab\there', 'é', '\u007f', ''));
const wholeNumber = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 1, 999_999_999_999_999, 1_000_000_000_000_000));
const anyNumber = fc.oneof(wholeNumber, fc.integer({ min: -1000, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
const plainPayload = fc.dictionary(fc.oneof(plainText, fc.nat().map(String)).filter((k) => k !== '__proto__'), fc.oneof(plainText, wholeNumber.filter((n) => n < 1e15), fc.boolean(), fc.constant(null), fc.array(plainText, { maxLength: 3 })), { maxKeys: 5 });
const anyPayload = fc.oneof(plainPayload, fc.dictionary(anyText, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>, { maxKeys: 4 }), fc.constant({ ['__proto__']: 1 }), fc.constant({ '10': 1, '9': 2 }));

// Valid times (the plain reader answers only for one), and a few near misses.
const time = fc.oneof(
  fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-28T09:00:01Z', '2024-02-29T24:00:00.000000000Z', '2026-11-28T24:00:00.1Z', '2026-11-28T09:00:01.Z'),
);

// A prev as the recorder writes it (64 lower-case hex digits), and ones a digit off: upper case, not hex, one too few or too many.
const hexHash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);
const nearlyHexHash = fc.tuple(hexHash, fc.nat({ max: 63 }), fc.constantFrom('A', 'F', 'g', ' ', '', '00')).map(([hex, k, c]) => hex.slice(0, k) + c + hex.slice(k + 1));

/** Events of plain values only, or of mostly plain ones (so that some lines are plain and many are nearly so). */
function eventOf(plain: boolean) {
  const mostly = <T,>(a: fc.Arbitrary<T>, b: fc.Arbitrary<T>) => (plain ? a : fc.oneof({ arbitrary: a, weight: 5 }, { arbitrary: b, weight: 1 }));
  const text = mostly(plainText, anyText);
  const number = mostly(wholeNumber.filter((n) => n < 1e15), anyNumber);
  return fc.record({
    v: mostly(fc.constant(1), anyNumber),
    seq: number,
    ceremony: text,
    at: mostly(time, anyText),
    mono: number,
    type: text,
    actors: fc.array(text, { maxLength: 3 }),
    step: fc.option(text),
    payload: mostly(plainPayload, anyPayload),
    prev: mostly(fc.oneof(hexHash, nearlyHexHash, plainText), anyText),
  }) as fc.Arbitrary<TranscriptEvent>;
}

describe('the plain journal line, read without a full parse', () => {
  it('reads every line of plain values, as JSON.parse would', () => {
    fc.assert(fc.property(eventOf(true), (event) => {
      const line = canonicalLine(event);
      // Every one is read but those whose time is not one (the reader leaves those to the full check).
      expect(expectSameAsParse(line) !== undefined, line).toBe(utcPattern.test(event.at) && utcFieldsInRange(event.at));
    }), { numRuns: 3000 });
  });

  it('whatever the values, answers only with JSON.parse\'s event for a canonical line', () => {
    let answered = 0;
    fc.assert(fc.property(eventOf(false), (event) => {
      const line = canonicalLine(event);
      if (!isAscii(line)) return;
      if (expectSameAsParse(line) !== undefined) answered++;
    }), { numRuns: 3000 });
    expect(answered).toBeGreaterThan(100);
  });

  it('an edited line (any ASCII byte changed, added or removed) is read as JSON.parse reads it, or left to it', () => {
    // Any ASCII byte but the newline (which ends a journal line before it gets here).
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 0x7f }).filter((b) => b !== 0x0a) });
    fc.assert(fc.property(eventOf(true), fc.array(edit, { minLength: 1, maxLength: 3 }), (event, edits) => {
      let line = canonicalLine(event);
      for (const { at, kind, byte } of edits) {
        const k = at % (line.length + (kind === 'insert' ? 1 : 0));
        const c = String.fromCharCode(byte);
        line = kind === 'set' ? line.slice(0, k) + c + line.slice(k + 1) : kind === 'insert' ? line.slice(0, k) + c + line.slice(k) : line.slice(0, k) + line.slice(k + 1);
      }
      let parses = true;
      try {
        JSON.parse(line);
      } catch {
        parses = false;
      }
      const event2 = parses ? expectSameAsParse(line) : readInPlace(line);
      if (!parses) expect(event2, line).toBeUndefined();
    }), { numRuns: 5000 });
  });

  it('leaves to the full parse: escapes, bytes above ASCII, leading zeros, negative or long numbers, spaces, another member order, a payload that is not canonical, __proto__', () => {
    const base = canonicalLine({ v: 1, seq: 7, ceremony: 'c', at: '2026-11-28T09:00:01.000Z', mono: 70, type: 'a/b', actors: ['ada'], step: null, payload: { n: 1 }, prev: 'p' });
    expect(expectSameAsParse(base)).toBeDefined();
    const variants = [
      base.replace('"ada"', '"a\\u0064a"'),
      base.replace('"seq":7', '"seq":07'),
      base.replace('"seq":7', '"seq":-7'),
      base.replace('"seq":7', '"seq":1234567890123456'),
      base.replace('"seq":7', '"seq": 7'),
      base.replace('{"n":1}', '{"n":1,"a":2}'),
      base.replace('{"n":1}', '{"n":1.0}'),
      base.replace('"step":null', '"step":nul'),
      // The envelope's time rule is read here too: a time that is not one goes to the full check, which names it.
      base.replace('2026-11-28T09', '2026-13-28T09'),
      base.replace('09:00:01.000Z', '09:00:01.000'),
      base.slice(0, -1),
      `${base} `,
    ];
    for (const line of variants) expect(readInPlace(line), line).toBeUndefined();
    // A member that JSON.parse keeps as its own, where an assignment would set the prototype: the payload goes to JSON.parse.
    const proto = expectSameAsParse(base.replace('{"n":1}', '{"__proto__":1}'));
    expect(Object.getPrototypeOf(proto?.payload)).toBe(Object.prototype);
    expect(Object.keys(proto?.payload ?? {})).toEqual(['__proto__']);
  });
});
