import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TranscriptEvent } from './event-schema.ts';
import { isCanonicalJson } from './canonical-json.ts';
import { GENESIS_PREV, canonicalLine, checkEventShape, isUtcTimeBytes, utcFieldsInRange, utcPattern, type TranscriptEvent as EventType } from './event.ts';
import { checkPayload } from './payloads.ts';

const valid: EventType = { v: 1, seq: 3, ceremony: 'keyrite.example/c1', at: '2026-11-28T09:00:01.000Z', mono: 12, type: 'key/created', actors: ['ada'], step: 'generate', payload: { label: 'root', algorithm: 'ECDSA P-384', fingerprint: 'SHA256:0123456789' }, prev: GENESIS_PREV };

// Values near the edges of every rule, mixed into otherwise valid events.
const field = fc.constantFrom('v', 'seq', 'ceremony', 'at', 'mono', 'type', 'actors', 'step', 'payload', 'prev', 'extra');
const oddValue = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 53, '', 'a b', 'x+y', 'key/created', 'Key/created', '2026-11-28T09:00:01Z', '2026-13-28T09:00:01Z', '2026-11-28T09:00:01+01:00', null, [], [''], ['a'.repeat(129)], {}, { toString: 1 }, { pin: '1' }, { nested: [{ Pass_Phrase: 'x' }] }, 'ab'.repeat(32), 'AB'.repeat(32), 1, 2),
  fc.string(), fc.integer(), fc.jsonValue(),
);

describe('event envelope', () => {
  it('the hand-written check agrees with the zod schema on valid and broken events', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(field, fc.option(oddValue, { nil: undefined })), { maxLength: 3 }), (changes) => {
        const removed = new Set<string>(changes.filter(([, value]) => value === undefined).map(([key]) => key));
        const event: Record<string, unknown> = Object.fromEntries(Object.entries(structuredClone(valid)).filter(([key]) => !removed.has(key)));
        for (const [key, value] of changes) if (value !== undefined) event[key] = value;
        expect(checkEventShape(event) === undefined).toBe(TranscriptEvent.safeParse(event).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses secrets in payloads by field name, at any depth', () => {
    expect(checkEventShape({ ...valid, payload: { custodian: 'carl', envelope: { sharevalue: 'x' } } })).toMatch(/envelope.sharevalue/);
    expect(checkEventShape({ ...valid, payload: { list: [{ 'so-pin': '1' }] } })).toMatch(/so-pin/);
    expect(checkEventShape({ ...valid, payload: { shareSetId: 'ss-1', pinLocked: false } })).toBeUndefined();
  });

  it('checks the payloads of the event types the report reads', () => {
    expect(checkPayload('key/created', valid.payload)).toBeUndefined();
    expect(checkPayload('key/created', { label: 'root', algorithm: 'x' })).toMatch(/fingerprint is missing/);
    expect(checkPayload('share-set/issued', { shareSetId: 's', keyLabel: 'k', threshold: 0, total: 3, commitment: 'c0ffeec0ffee', custodians: [] })).toMatch(/threshold/);
    expect(checkPayload('step/completed', { anything: true })).toBeUndefined();
  });

  it('recognises canonical (RFC 8785) lines only', () => {
    const line = canonicalLine(valid);
    expect(isCanonicalJson(line)).toBe(true);
    const { seq, ...rest } = valid;
    const reordered = JSON.stringify({ ...rest, seq });
    expect(isCanonicalJson(reordered)).toBe(false);
    const spaced = line.replace('"seq":3', '"seq": 3');
    expect(isCanonicalJson(spaced)).toBe(false);
    const numeric = canonicalLine({ ...valid, payload: { '10': 1, '9': 2, a: 3 } });
    expect(numeric).toContain('{"10":1,"9":2,"a":3}');
    expect(isCanonicalJson(numeric)).toBe(true);
  });

  it('reads the time from its digits exactly as Date.parse does: every month and day of sample years, every pair of time fields', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const disagreements: string[] = [];
    const agree = (at: string) => {
      if (!utcPattern.test(at) || utcFieldsInRange(at) !== !Number.isNaN(Date.parse(at))) disagreements.push(at);
    };
    for (const year of ['0000', '0001', '1900', '1970', '2000', '2024', '2026', '2100', '9999']) {
      for (let month = 0; month < 100; month++) for (let day = 0; day < 100; day++) agree(`${year}-${two(month)}-${two(day)}T12:00:00Z`);
    }
    for (let a = 0; a < 100; a++) {
      for (let b = 0; b < 100; b++) {
        for (const second of [0, 30, 59, 60, 99]) agree(`2026-11-28T${two(a)}:${two(b)}:${two(second)}Z`);
        for (const hour of [0, 12, 23, 24, 25, 99]) agree(`2026-11-28T${two(hour)}:${two(a)}:${two(b)}Z`);
      }
    }
    for (const fraction of ['.0', '.000', '.000000000', '.1', '.001', '.000000001', '.999999999']) {
      for (const time of ['23:59:59', '24:00:00', '24:00:01', '00:00:00']) agree(`2024-02-29T${time}${fraction}Z`);
    }
    expect(disagreements).toEqual([]);
  }, 60_000);

  it('reads a time from its bytes exactly as utcPattern and utcFieldsInRange read its text, over times with any character changed, added or removed', () => {
    // The time in UTF-8, between other bytes, as in a journal line.
    const isUtcTime = (at: string) => {
      const bytes = new TextEncoder().encode(`"at":${at}"`);
      return isUtcTimeBytes(bytes, 5, bytes.length - 1);
    };
    const times = fc.constantFrom('2026-11-28T09:00:01Z', '2026-11-28T09:00:01.000Z', '2024-02-29T24:00:00.000000000Z', '0000-01-01T00:00:00.1Z', '9999-12-31T23:59:59.999999999Z');
    // Characters that sit near the pattern's edges: digits, its separators, and their neighbours in ASCII.
    const near = fc.constantFrom(...'0123456789/:;-.TZtzS ', '\n', '\u0660', '\uff10');
    const edit = fc.oneof(
      fc.tuple(fc.constant('set' as const), fc.nat(31), near),
      fc.tuple(fc.constant('insert' as const), fc.nat(31), near),
      fc.tuple(fc.constant('delete' as const), fc.nat(31), fc.constant('')),
    );
    fc.assert(
      fc.property(times, fc.array(edit, { maxLength: 3 }), (time, edits) => {
        let at: string = time;
        for (const [kind, where, c] of edits) {
          const i = where % (at.length + 1);
          at = kind === 'set' ? at.slice(0, i) + c + at.slice(i + 1) : kind === 'insert' ? at.slice(0, i) + c + at.slice(i) : at.slice(0, i) + at.slice(i + 1);
        }
        expect(isUtcTime(at)).toBe(utcPattern.test(at) && utcFieldsInRange(at));
      }),
      { numRuns: 20_000 },
    );
    expect(isUtcTime('2026-11-28T09:00:01.0000000000Z')).toBe(false);
    expect(isUtcTime('2026-11-28T09:00:01.Z')).toBe(false);
    expect(isUtcTime('2026-11-28T24:00:00Z')).toBe(true);
    expect(isUtcTime('2026-11-28T24:00:00.000Z')).toBe(true);
    expect(isUtcTime('2026-11-28T24:00:00.010Z')).toBe(false);
  });
});
