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
  if (typeof ceremony !== 'string' || (ceremony !== lastValidCeremony && !ceremonyIdPattern.test(ceremony))) return 'ceremony id is malformed';
  lastValidCeremony = ceremony;
  if (typeof at !== 'string' || !utcPattern.test(at) || !utcFieldsInRange(at)) return 'time is not UTC RFC 3339';
  if (!Number.isSafeInteger(mono) || (mono as number) < 0) return 'monotonic time is not a whole number';
  if (typeof type !== 'string' || type.length > 64 || !typePattern.test(type)) return 'type is malformed';
  if (!Array.isArray(actors) || actors.length > 64) return 'actors is not a list';
  for (const actor of actors) if (typeof actor !== 'string' || actor.length < 1 || actor.length > 128) return 'actor is malformed';
  if (step !== null && (typeof step !== 'string' || step.length < 1 || step.length > 128)) return 'step is malformed';
  if (!isPlainObject(payload)) return 'payload is not an object';
  const secret = findSecretField(payload as { [key: string]: JsonValue });
  if (secret !== undefined) return `payload field "${secret}" names a secret`;
  if (typeof prev !== 'string' || (checkPrevHex && !hashPattern.test(prev))) return PREV_NOT_HEX;
  return undefined;
}
// Never String(v) on an object: a line may carry {"toString":1}, and then
// String throws where the verifier must name the event instead (CI found it).
function describeVersion(v: unknown): string {
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'a list' : 'an object';
  return JSON.stringify(v) ?? String(v);
}

// Every line of a journal names the same ceremony: the last id that passed
// is not tested again (bench:verify).
let lastValidCeremony: string | undefined;

/**
 * For `at` matching utcPattern: is Date.parse(at) a number? ECMA-262
 * §21.4.1.32 (Date Time String Format): month 01-12, day 01-31 (in any
 * month), hour 00-24 where 24 is only 24:00:00 with a zero fraction, minute
 * and second 00-59. Read from the digits because Date.parse was a quarter
 * of this check's time; event.test.ts compares the two on every month, day,
 * hour, minute and second.
 */
export function utcFieldsInRange(at: string): boolean {
  const twoDigits = (i: number) => (at.charCodeAt(i) - 48) * 10 + at.charCodeAt(i + 1) - 48;
  const month = twoDigits(5);
  const day = twoDigits(8);
  const hour = twoDigits(11);
  const minute = twoDigits(14);
  const second = twoDigits(17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) return false;
  if (hour < 24) return true;
  if (hour > 24 || minute !== 0 || second !== 0) return false;
  for (let i = 20; i < at.length - 1; i++) if (at.charCodeAt(i) !== 48) return false;
  return true;
}

// No prototype: `key in shapeKeys` must not find toString, constructor or
// __proto__ (a line with all ten fields and "toString" was "missing field").
const shapeKeys: Record<string, true> = Object.assign(Object.create(null) as Record<string, true>, { v: true, seq: true, ceremony: true, at: true, mono: true, type: true, actors: true, step: true, payload: true, prev: true });
