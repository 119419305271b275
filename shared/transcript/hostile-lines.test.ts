/**
 * Journal lines that once made the verifier throw instead of naming the
 * event, each kept as a fixed example (the property test that found them is
 * electron/core/transcript/verify-hostile.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine, type TranscriptEvent } from './event.ts';
import { leafHash } from './merkle.ts';
import { findSecretField } from './payloads.ts';
import { scanJournal } from './scan.ts';

const base = (seq: number, prev: string): TranscriptEvent => ({ v: 1, seq, ceremony: 'keyrite.test/hostile', at: '2026-11-28T09:00:01.000Z', mono: seq, type: 'step/completed', actors: ['ada'], step: null, payload: { n: seq }, prev });

/** Three linked lines, the middle one replaced by `middle(prev it must have)` as text. */
function journalWith(middle: (prev: string) => string): Uint8Array {
  const first = canonicalLine(base(0, GENESIS_PREV));
  const second = middle(bytesToHex(leafHash(utf8ToBytes(first))));
  const third = canonicalLine(base(2, bytesToHex(leafHash(utf8ToBytes(second)))));
  return utf8ToBytes(`${first}\n${second}\n${third}\n`);
}

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
