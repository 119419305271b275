/**
 * Enrolment records and role separation.
 *
 * One enrolment is one person in one role, so "no one is custodian and
 * witness" and "dual control means distinct people" both come down to:
 * a participant id, a display name (compared without case, spacing or
 * accents) and a signing key are each enrolled once. The engine cannot see
 * faces: checking that the person in the room is who they say is the
 * witnesses' job, and this makes the record say exactly one thing per person.
 */
import { z } from 'zod';
import { Identifier } from './actions.ts';
import { CeremonyRefusal } from './refusal.ts';
import { sameNameKey } from './same-name.ts';
import { Role, type CeremonyScript } from './script-schema.ts';

export const ParticipantRecord = z.strictObject({
  id: Identifier,
  name: z.string().min(1).max(128).regex(/^[^\p{Cc}\p{Cf}]+$/u, 'a name has no control or invisible characters'),
  role: Role,
  /** Ed25519 public key, 32 bytes as lower-case hex. */
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ParticipantRecord = z.infer<typeof ParticipantRecord>;

export { sameNameKey } from './same-name.ts';

/** Throws CeremonyRefusal when `candidate` may not join `enrolled` under `script`. */
export function checkEnrolment(script: CeremonyScript, enrolled: readonly ParticipantRecord[], candidate: ParticipantRecord): void {
  const shape = ParticipantRecord.safeParse(candidate);
  if (!shape.success) throw new CeremonyRefusal('CEREMONY_INVALID_COMMAND', `The enrolment record is malformed: ${shape.error.issues[0]?.message ?? 'unknown problem'}.`);
  for (const other of enrolled) {
    const samePerson = other.id === candidate.id || sameNameKey(other.name) === sameNameKey(candidate.name) || other.publicKey === candidate.publicKey;
    if (!samePerson) continue;
    if (other.role !== candidate.role) {
      const roles = [other.role, candidate.role];
      const why = roles.includes('custodian') && roles.includes('witness') ? 'no one is custodian and witness in one ceremony' : 'one person holds one role';
      throw new CeremonyRefusal('CEREMONY_ROLE_SEPARATION', `${candidate.name} is already enrolled as ${other.role}; ${why}.`);
    }
    throw new CeremonyRefusal('CEREMONY_ALREADY_ENROLLED', `${candidate.name} (${candidate.id}) is already enrolled: each person, name and signing key is enrolled once.`);
  }
  const limit = script.roles[candidate.role]?.max ?? 0;
  const count = enrolled.filter((p) => p.role === candidate.role).length;
  if (count >= limit) throw new CeremonyRefusal('CEREMONY_ROLE_FULL', `The script allows at most ${limit} ${candidate.role}${limit === 1 ? '' : 's'}; ${count} already enrolled.`);
}

/** Why enrolment cannot close yet; empty when it can. */
export function enrolmentShortfalls(script: CeremonyScript, enrolled: readonly ParticipantRecord[]): string[] {
  const out: string[] = [];
  for (const role of Role.options) {
    const min = script.roles[role]?.min ?? 0;
    const count = enrolled.filter((p) => p.role === role).length;
    if (count < min) out.push(`${min - count} more ${role}${min - count === 1 ? '' : 's'} (at least ${min})`);
  }
  const custodians = new Set(enrolled.filter((p) => p.role === 'custodian').map((p) => p.id));
  for (const policy of script.sharePolicies) {
    for (const id of policy.custodians ?? []) if (!custodians.has(id)) out.push(`custodian '${id}' of share policy '${policy.id}'`);
  }
  return out;
}
