/**
 * One transcript event: the envelope every line of the journal carries.
 * docs/formats/transcript.md §2 is the normative description; this file and
 * that section change together (and EVENT_SCHEMA_VERSION with them).
 *
 * A journal line is exactly the RFC 8785 (JCS) encoding of one event, so the
 * bytes that are hashed are the bytes on disk: an auditor hashes lines with
 * standard tools and never needs to re-serialise JSON.
 */
import canonicalize from 'canonicalize';
import { findSecretField } from './payloads.ts';

export const EVENT_SCHEMA_VERSION = 1 as const;

export const PREV_NOT_HEX = 'prev is not a hex hash';

/** `prev` of the first event: there is no previous line. */
export const GENESIS_PREV = '0'.repeat(64);

/** Ceremony id = checkpoint origin = signing key name: C2SP signed-note forbids spaces and '+'. */
export const ceremonyIdPattern = /^[\x21-\x2a\x2c-\x7e]{1,128}$/;
export const utcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const typePattern = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;
export const hashPattern = /^[0-9a-f]{64}$/;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One event (zod schema in event-schema.ts; field meanings there and in the format document). */
export interface TranscriptEvent {
  v: typeof EVENT_SCHEMA_VERSION;
  seq: number;
  ceremony: string;
  at: string;
  mono: number;
  type: string;
  actors: string[];
  step: string | null;
  payload: { [key: string]: JsonValue };
  prev: string;
}

/** RFC 8785 canonical JSON of an event: the exact text of its journal line (without the newline). */
export function canonicalLine(event: TranscriptEvent): string {
  const text = canonicalize(event);
  if (text === undefined) throw new TypeError('event is not JSON');
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The schema check on the verifier's hot path: the same rules as the zod
 * schema above, hand-written because zod costs about 4 µs an event and a
 * bundle may hold 100,000 (a property test keeps the two in agreement).
 * Returns the reason an event is not well formed, or undefined.
 * `checkPrevHex` false leaves the last rule, that prev is a hex hash, to a
 * caller that compares prev with the hash it must be anyway (scan.ts).
 *
 * The members' JSON types are checked first, then their values
 * (checkEventValues), so a line that plain-line.ts has read, whose types
 * hold by construction, needs the second half alone and gets the same
 * reason the whole check would give.
 */
export function checkEventShape(value: unknown, checkPrevHex = true): string | undefined {
  if (!isPlainObject(value)) return 'not a JSON object';
  let keys = 0;
  for (const key in value) {
    keys++;
    if (!(key in shapeKeys)) return `unknown field "${key}"`;
  }
  if (keys !== 10) return 'missing field';
  const { v, seq, ceremony, at, mono, type, actors, step, payload, prev } = value;
  if (v !== EVENT_SCHEMA_VERSION) return `schema version ${describeVersion(v)} is not ${EVENT_SCHEMA_VERSION}`;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return 'seq is not a whole number';
  if (typeof ceremony !== 'string') return 'ceremony id is malformed';
  if (typeof at !== 'string') return 'time is not UTC RFC 3339';
  if (!Number.isSafeInteger(mono) || (mono as number) < 0) return 'monotonic time is not a whole number';
  if (typeof type !== 'string') return 'type is malformed';
  if (!Array.isArray(actors)) return 'actors is not a list';
  for (const actor of actors) if (typeof actor !== 'string') return 'actor is malformed';
  if (step !== null && typeof step !== 'string') return 'step is malformed';
  if (!isPlainObject(payload)) return 'payload is not an object';
  if (typeof prev !== 'string') return PREV_NOT_HEX;
  return checkEventValues(value as unknown as TranscriptEvent, checkPrevHex);
}

/**
 * checkEventShape's rules on values, for an event whose members have the
 * right JSON types: exactly the ten members, v a number, seq and mono whole
 * numbers of at least 0, ceremony, at, type and prev strings, actors a list
 * of strings, step a string or null, payload an object. `timeChecked`: the
 * caller has found the time valid already (plain-line.ts, in its bytes).
 */
export function checkEventValues(event: TranscriptEvent, checkPrevHex: boolean, timeChecked = false): string | undefined {
  const { ceremony, at, type, actors, step, payload, prev } = event;
  if (event.v !== EVENT_SCHEMA_VERSION) return `schema version ${describeVersion(event.v)} is not ${EVENT_SCHEMA_VERSION}`;
  if (ceremony !== lastValidCeremony && !ceremonyIdPattern.test(ceremony)) return 'ceremony id is malformed';
  lastValidCeremony = ceremony;
  if (!timeChecked && !(utcPattern.test(at) && utcFieldsInRange(at))) return 'time is not UTC RFC 3339';
  if (type !== lastValidType && (type.length > 64 || !typePattern.test(type))) return 'type is malformed';
  lastValidType = type;
  if (actors.length > 64) return 'actors is not a list';
  for (const actor of actors) if (actor.length < 1 || actor.length > 128) return 'actor is malformed';
  if (step !== null && (step.length < 1 || step.length > 128)) return 'step is malformed';
  const secret = findSecretField(payload);
  if (secret !== undefined) return `payload field "${secret}" names a secret`;
  if (checkPrevHex && !hashPattern.test(prev)) return PREV_NOT_HEX;
  return undefined;
}

// Never String(v) on an object: a line may carry {"toString":1}, and then
// String throws where the verifier must name the event instead (CI found it).
function describeVersion(v: unknown): string {
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'a list' : 'an object';
  return JSON.stringify(v) ?? String(v);
}

// Every line of a journal names the same ceremony, and runs of lines the
// same type: the last id and type that passed are not tested again
// (bench:verify).
let lastValidCeremony: string | undefined;
let lastValidType: string | undefined;

const DIGIT = 1;
// utcPattern position by position for its fixed part, "YYYY-MM-DDTHH:MM:SS":
// DIGIT where a digit goes, else the character code that must be there.
const utcShape = Array.from('dddd-dd-ddTdd:dd:dd', (c) => (c === 'd' ? DIGIT : c.charCodeAt(0)));

/**
 * utcPattern.test(at) && utcFieldsInRange(at) for a time written in
 * bytes[from, to) (plain-line.ts reads it there): a character of a string
 * sliced from a journal costs ten times a byte, and the time was a twentieth
 * of the verifier's time (bench:verify). event.test.ts holds the two to
 * agree over times with characters changed, added and removed.
 */
export function isUtcTimeBytes(bytes: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  // "YYYY-MM-DDTHH:MM:SS" then "Z", or "." with 1 to 9 digits then "Z".
  if (length !== 20 && (length < 22 || length > 30)) return false;
  for (let i = 0; i < 19; i++) {
    const c = bytes[from + i] as number;
    const want = utcShape[i] as number;
    if (want === DIGIT ? c < 48 || c > 57 : c !== want) return false;
  }
  if (bytes[to - 1] !== 90 /* Z */) return false;
  let zeroFraction = true;
  if (length > 20) {
    if (bytes[from + 19] !== 46 /* . */) return false;
    for (let i = from + 20; i < to - 1; i++) {
      const c = bytes[i] as number;
      if (c < 48 || c > 57) return false;
      if (c !== 48) zeroFraction = false;
    }
  }
  const twoDigits = (i: number) => ((bytes[from + i] as number) - 48) * 10 + (bytes[from + i + 1] as number) - 48;
  return timeFieldsInRange(twoDigits, zeroFraction);
}

/**
 * For `at` matching utcPattern: is Date.parse(at) a number? ECMA-262
 * §21.4.1.32 (Date Time String Format): month 01-12, day 01-31 (in any
 * month), hour 00-24 where 24 is only 24:00:00 with a zero fraction, minute
 * and second 00-59. Read from the digits because Date.parse was a quarter
 * of this check's time; event.test.ts compares the two on every month, day,
 * hour, minute and second.
 */
export function utcFieldsInRange(at: string): boolean {
  let zeroFraction = true;
  for (let i = 20; i < at.length - 1; i++) if (at.charCodeAt(i) !== 48) zeroFraction = false;
  return timeFieldsInRange((i) => (at.charCodeAt(i) - 48) * 10 + at.charCodeAt(i + 1) - 48, zeroFraction);
}

/** The ranges above, given the two-digit field at each offset of "YYYY-MM-DDTHH:MM:SS" and whether a fraction is all zeros (or absent). */
function timeFieldsInRange(twoDigits: (offset: number) => number, zeroFraction: boolean): boolean {
  const month = twoDigits(5);
  const day = twoDigits(8);
  const hour = twoDigits(11);
  const minute = twoDigits(14);
  const second = twoDigits(17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) return false;
  return hour < 24 || (hour === 24 && minute === 0 && second === 0 && zeroFraction);
}

// No prototype: `key in shapeKeys` must not find toString, constructor or
// __proto__ (a line with all ten fields and "toString" was "missing field").
const shapeKeys: Record<string, true> = Object.assign(Object.create(null) as Record<string, true>, { v: true, seq: true, ceremony: true, at: true, mono: true, type: true, actors: true, step: true, payload: true, prev: true });
