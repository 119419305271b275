/**
 * The event envelope as a zod schema: the readable statement of the rules
 * that checkEventShape (event.ts) applies on the hot path; a property test
 * keeps the two in agreement. Kept apart so that recording an event never
 * loads zod.
 */
import { z } from 'zod';
import { EVENT_SCHEMA_VERSION, ceremonyIdPattern, hashPattern, typePattern, utcPattern, type JsonValue, type TranscriptEvent as EventType } from './event.ts';
import { findSecretField } from './payloads.ts';

const JsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]));

export const TranscriptEvent = z
  .object({
    v: z.literal(EVENT_SCHEMA_VERSION),
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    ceremony: z.string().regex(ceremonyIdPattern),
    /** UTC wall time, RFC 3339 with a `Z`. */
    at: z.string().regex(utcPattern).refine((at) => !Number.isNaN(Date.parse(at)), 'not a real date'),
    /** Monotonic clock, whole microseconds since this process opened the journal (resets on restart). */
    mono: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    /** `domain/verb`, lower case. */
    type: z.string().max(64).regex(typePattern),
    /** Participant ids responsible for the event; empty for the system itself. */
    actors: z.array(z.string().min(1).max(128)).max(64),
    /** Ceremony script step id, or null outside any step. */
    step: z.string().min(1).max(128).nullable(),
    /** Public values only: findSecretField refuses field names that name a secret. */
    payload: z.record(z.string(), JsonValue).superRefine((payload, ctx) => {
      const field = findSecretField(payload);
      if (field !== undefined) ctx.addIssue({ code: 'custom', message: `payload field "${field}" names a secret` });
    }),
    /** Hex leaf hash (RFC 6962, 0x00 prefix) of the previous line; GENESIS_PREV for seq 0. */
    prev: z.string().regex(hashPattern),
  })
  .strict();
export type TranscriptEvent = EventType;

// The schema and the interface must describe the same object.
export const schemaMatchesInterface: z.infer<typeof TranscriptEvent> extends EventType ? (EventType extends z.infer<typeof TranscriptEvent> ? true : false) : false = true;

