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
 */
export function checkEventShape(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'not a JSON object';
  let keys = 0;
  for (const key in value) {
    keys++;
    if (!(key in shapeKeys)) return `unknown field "${key}"`;
  }
  if (keys !== 10) return 'missing field';
  const { v, seq, ceremony, at, mono, type, actors, step, payload, prev } = value;
  if (v !== EVENT_SCHEMA_VERSION) return `schema version ${String(v)} is not ${EVENT_SCHEMA_VERSION}`;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return 'seq is not a whole number';
  if (typeof ceremony !== 'string' || !ceremonyIdPattern.test(ceremony)) return 'ceremony id is malformed';
  if (typeof at !== 'string' || !utcPattern.test(at) || Number.isNaN(Date.parse(at))) return 'time is not UTC RFC 3339';
  if (!Number.isSafeInteger(mono) || (mono as number) < 0) return 'monotonic time is not a whole number';
  if (typeof type !== 'string' || type.length > 64 || !typePattern.test(type)) return 'type is malformed';
  if (!Array.isArray(actors) || actors.length > 64) return 'actors is not a list';
  for (const actor of actors) if (typeof actor !== 'string' || actor.length < 1 || actor.length > 128) return 'actor is malformed';
  if (step !== null && (typeof step !== 'string' || step.length < 1 || step.length > 128)) return 'step is malformed';
  if (!isPlainObject(payload)) return 'payload is not an object';
  const secret = findSecretField(payload as { [key: string]: JsonValue });
  if (secret !== undefined) return `payload field "${secret}" names a secret`;
  if (typeof prev !== 'string' || !hashPattern.test(prev)) return 'prev is not a hex hash';
  return undefined;
}
const shapeKeys: Record<string, true> = { v: true, seq: true, ceremony: true, at: true, mono: true, type: true, actors: true, step: true, payload: true, prev: true };

/**
 * Is `line` the canonical (RFC 8785) text of `parsed`? Fast path: with keys
 * already in JCS order, JSON.stringify produces JCS (RFC 8785 §3.2.2 and
 * §3.2.3 reuse ECMAScript's string and number serialisation). Integer-like
 * keys, which JS objects reorder, fall back to the library.
 */
export function isCanonical(line: string, parsed: unknown): boolean {
  if (JSON.stringify(parsed) === line && keysSorted(parsed)) return true;
  return canonicalize(parsed) === line;
}

function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (!isPlainObject(value)) return true;
  let previous: string | undefined;
  for (const key in value) {
    // RFC 8785 §3.2.3 sorts by UTF-16 code units, which is JS string `<`.
    if (previous !== undefined && !(previous < key)) return false;
    if (!keysSorted(value[key])) return false;
    previous = key;
  }
  return true;
}
