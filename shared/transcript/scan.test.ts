import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from './bytes.ts';
import { GENESIS_PREV, canonicalLine, checkEventShape, type TranscriptEvent } from './event.ts';
import { leafHash } from './merkle.ts';
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
