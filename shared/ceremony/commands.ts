/**
 * The ceremony commands as zod schemas, for the IPC contract and the CLI's
 * answers file: what crosses the trust boundary is parsed here first, then
 * judged by the reducer (state-machine.ts). Bounds are generous for a
 * ceremony and small for an attacker.
 */
import { z } from 'zod';
import { Identifier } from './actions.ts';
import { ParticipantRecord } from './participants.ts';
import type { CeremonyCommand } from './state-machine.ts';

/** A public result: plain JSON, at most 64 KiB canonical and 16 levels deep. */
export const PublicResult = z.json().refine((value) => {
  const depth = (v: unknown, d: number): boolean => d <= 16 && (typeof v !== 'object' || v === null || Object.values(v).every((x) => depth(x, d + 1)));
  return depth(value, 0) && JSON.stringify(value).length <= 65536;
}, 'a result is JSON of at most 64 KiB and 16 levels');

export const SignatureClaimSchema = z.strictObject({
  participantId: Identifier,
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});

const stepId = Identifier;
const text = z.string().min(1).max(2048);

export const CeremonyCommandSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('record-preflight'), stepId, result: PublicResult, deviation: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('enrol'), participant: ParticipantRecord }),
  z.strictObject({ kind: z.literal('sign-off'), stepId, claim: SignatureClaimSchema }),
  z.strictObject({ kind: z.literal('record-result'), stepId, result: PublicResult.optional(), deviation: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('raise-exception'), stepId, expected: text, actual: text, resultSha256: z.string().regex(/^[0-9a-f]{64}$/), decision: z.enum(['continue', 'abort']), signatures: z.array(SignatureClaimSchema).max(64) }),
  z.strictObject({ kind: z.literal('abort'), reason: text }),
  z.strictObject({ kind: z.literal('close') }),
]);

/** Parses an untrusted command; throws a ZodError when it is malformed. */
export const parseCeremonyCommand = (value: unknown): CeremonyCommand => CeremonyCommandSchema.parse(value) as CeremonyCommand;
