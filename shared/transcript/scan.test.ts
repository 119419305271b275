import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine, checkEventShape, type TranscriptEvent } from './event.ts';
import { leafHash } from './merkle.ts';
import { findSecretField } from './payloads.ts';
import { scanJournal } from './scan.ts';

const base = (seq: number, prev: string): TranscriptEvent => ({ v: 1, seq, ceremony: 'keyrite.test/scan', at: '2026-11-28T09:00:01.000Z', mono: seq, type: 'step/completed', actors: ['ada'], step: null, payload: { n: seq }, prev });

/** Three linked lines, the middle one replaced by `middle(prev it must have)` as text. */
function journalWith(middle: (prev: string) => string): Uint8Array {
  const first = canonicalLine(base(0, GENESIS_PREV));
  const second = middle(bytesToHex(leafHash(utf8ToBytes(first))));
  const third = canonicalLine(base(2, bytesToHex(leafHash(utf8ToBytes(second)))));
  return utf8ToBytes(`${first}\n${second}\n${third}\n`);
}

describe('scanJournal: the reasons for a bad line, in the envelope\'s order', () => {
  it('a prev that is not lower-case hex is named as such, before canonical form and payload, as the envelope check names it', () => {
    const upper = (prev: string) => canonicalLine(base(1, prev.toUpperCase()));
    expect(scanJournal(journalWith(upper)).firstBadEvent).toEqual({ index: 1, reason: 'prev is not a hex hash' });
    expect(checkEventShape(JSON.parse(upper(GENESIS_PREV.replace('0', 'a'))))).toBe('prev is not a hex hash');
    const spaced = (prev: string) => upper(prev).replace('"seq":1', '"seq": 1');
    expect(scanJournal(journalWith(spaced)).firstBadEvent).toEqual({ index: 1, reason: 'prev is not a hex hash' });
    const badPayload = (prev: string) => canonicalLine({ ...base(1, prev.toUpperCase()), type: 'key/created', payload: { label: 'k' } });
    expect(scanJournal(journalWith(badPayload)).firstBadEvent).toEqual({ index: 1, reason: 'prev is not a hex hash' });
    const short = (prev: string) => canonicalLine(base(1, prev.slice(2)));
    expect(scanJournal(journalWith(short)).firstBadEvent).toEqual({ index: 1, reason: 'prev is not a hex hash' });
  });

  it('a hex prev that is not the hash of the line before is a broken link (blamed on the line before, as the next line vouches for this one); a payload problem comes after canonical form', () => {
    const wrong = () => canonicalLine(base(1, 'ab'.repeat(32)));
    expect(scanJournal(journalWith(wrong)).firstBadEvent).toEqual({ index: 0, reason: 'its hash is not the one event 1 recorded' });
    const badPayload = (prev: string) => canonicalLine({ ...base(1, prev), type: 'key/created', payload: { label: 'k' } });
    expect(scanJournal(journalWith(badPayload)).firstBadEvent?.reason).toMatch(/^payload of key\/created: algorithm is missing/);
    const spacedBadPayload = (prev: string) => badPayload(prev).replace('"seq":1', '"seq": 1');
    expect(scanJournal(journalWith(spacedBadPayload)).firstBadEvent).toEqual({ index: 1, reason: 'not in canonical form (RFC 8785)' });
    expect(scanJournal(journalWith((prev) => canonicalLine(base(1, prev)))).firstBadEvent).toBeUndefined();
  });

  it('a line whose fields are objects with their own toString is named, not thrown on (CI found String(v) throwing on {"toString":1})', () => {
    const hostile = (prev: string) => canonicalLine(base(1, prev)).replace('"v":1', '"v":{"toString":1,"valueOf":1}');
    expect(scanJournal(journalWith(hostile)).firstBadEvent).toEqual({ index: 1, reason: 'schema version an object is not 1' });
    const listed = (prev: string) => canonicalLine(base(1, prev)).replace('"v":1', '"v":[1]');
    expect(scanJournal(journalWith(listed)).firstBadEvent).toEqual({ index: 1, reason: 'schema version a list is not 1' });
    const text = (prev: string) => canonicalLine(base(1, prev)).replace('"v":1', '"v":"1"');
    expect(scanJournal(journalWith(text)).firstBadEvent).toEqual({ index: 1, reason: 'schema version "1" is not 1' });
  });
});

// Journal lines that once made the verifier throw or misname the problem,
// each kept as a fixed example (the property test that found them is
// electron/core/transcript/verify-hostile.test.ts).

/** Event 1 with `"deep":<text>` as the last member of its payload (canonical: no other name sorts after it). */
const withDeepPayload = (text: string) => (prev: string) => canonicalLine({ ...base(1, prev), payload: { n: 1, '~deep': 0 } }).replace('"~deep":0', `"~deep":${text}`);

describe('a payload nested deeper than the call stack', () => {
  // The verify-hostile property test found {"~deep":[[[...]]]} 6,482 deep: findSecretField recursed once a level
  // and threw RangeError (Maximum call stack size exceeded) out of scanJournal, verifyBundle and keyrite verify.
  it('is checked like any other payload: valid when nothing in it names a secret', () => {
    const depth = 100_000;
    const scanned = scanJournal(journalWith(withDeepPayload('['.repeat(depth) + ']'.repeat(depth))));
    expect(scanned.firstBadEvent).toBeUndefined();
    expect(scanned.lineCount).toBe(3);
  });

  it('names a secret field at the bottom, with its whole path, in the order of a shallow payload', () => {
    const depth = 20_000;
    const scanned = scanJournal(journalWith(withDeepPayload('[{"a":'.repeat(depth) + '{"pin":1}' + '}]'.repeat(depth))));
    expect(scanned.firstBadEvent?.index).toBe(1);
    expect(scanned.firstBadEvent?.reason).toBe(`payload field "~deep${'[0].a'.repeat(depth)}.pin" names a secret`);
    // The first secret in document order, as the shallow walk names it: a nested one before a later sibling.
    const nested = JSON.parse(`{"a":${'['.repeat(depth)}{"pin":1}${']'.repeat(depth)},"password":2}`) as never;
    expect(findSecretField(nested)).toBe(`a${'[0]'.repeat(depth)}.pin`);
    expect(findSecretField(JSON.parse('{"a":[{"b":1},{"seed":2}],"pin":3}') as never)).toBe('a[1].seed');
  });
});

describe('a member named like an Object.prototype property', () => {
  // The verify-hostile property test found {...all ten fields, "toString":[]} reported as "missing field": the
  // envelope's field table was a plain object, so "toString" in it was true (inherited) and only the count caught it.
  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'])('an extra member "%s" is named as unknown', (name) => {
    const extra = (prev: string) => canonicalLine(base(1, prev)).replace('{"actors"', `{"${name}":[],"actors"`);
    expect(scanJournal(journalWith(extra)).firstBadEvent).toEqual({ index: 1, reason: `unknown field "${name}"` });
    // In place of a field the envelope has, too (before: "schema version undefined is not 1").
    const instead = (prev: string) => canonicalLine(base(1, prev)).replace('"v":1', `"${name}":1`);
    expect(scanJournal(journalWith(instead)).firstBadEvent).toEqual({ index: 1, reason: `unknown field "${name}"` });
  });
});

describe('a journal read a segment at a time', () => {
  /** Four linked lines (line 1's payload `n` changed afterwards when `edited`, so that link 2 breaks), each a line of text. */
  function chain(edited = false): string[] {
    const texts: string[] = [];
    let prev = GENESIS_PREV;
    for (let seq = 0; seq < 4; seq++) {
      texts.push(canonicalLine(base(seq, prev)));
      prev = bytesToHex(leafHash(utf8ToBytes(texts[seq] as string)));
    }
    if (edited) texts[1] = (texts[1] as string).replace('"n":1', '"n":9');
    return texts;
  }
  const journalOf = (texts: string[], terminated = true) => utf8ToBytes(texts.join('\n') + (terminated ? '\n' : ''));
  // One line a segment, a few lines, one segment, and the default.
  const sizes = [1, 200, Infinity, undefined];

  it('keeps a byte-order mark that opens any line, so the line is not JSON wherever segments begin, and counts every line after it', () => {
    for (let k = 0; k < 4; k++) {
      for (const terminated of [true, false]) {
        const texts = chain().map((text, i) => (i === k ? `\ufeff${text}` : text));
        for (const segmentBytes of sizes) {
          const scanned = scanJournal(journalOf(texts, terminated), undefined, segmentBytes === undefined ? {} : { segmentBytes });
          expect(scanned.firstBadEvent, `${k} ${segmentBytes}`).toEqual({ index: k, reason: 'not JSON' });
          expect(scanned.lineCount).toBe(4);
        }
      }
    }
  });

  it('blames a broken link on the line before only when the line after vouches for it, wherever that line is', () => {
    for (const segmentBytes of sizes) {
      const options = segmentBytes === undefined ? {} : { segmentBytes };
      expect(scanJournal(journalOf(chain(true)), undefined, options).firstBadEvent).toEqual({ index: 1, reason: 'its hash is not the one event 2 recorded' });
      // The line after is not JSON (a byte-order mark opens it): it vouches for nothing.
      const unvouched = chain(true).map((text, i) => (i === 3 ? `\ufeff${text}` : text));
      expect(scanJournal(journalOf(unvouched), undefined, options).firstBadEvent).toEqual({ index: 2, reason: 'prev does not match the hash of event 1' });
    }
  });
});
