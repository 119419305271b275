/**
 * Every refusal of the ceremony engine names the rule it enforces, as a
 * stable code the UI, the CLI and the transcript can show and test.
 */
import { KeyriteError } from '../result.ts';

export const CEREMONY_RULES = {
  CEREMONY_WRONG_PHASE: 'the command does not belong to the current phase',
  CEREMONY_WRONG_STEP: 'the command names a step other than the current one',
  CEREMONY_WRONG_STAGE: 'the current step is not at the stage this command needs',
  CEREMONY_ALREADY_ENROLLED: 'a participant id, name or signing key is enrolled once',
  CEREMONY_ROLE_FULL: 'no more participants than the role allows',
  CEREMONY_ROLE_SEPARATION: 'one person holds one role: no one is custodian and witness in one ceremony',
  CEREMONY_ENROLMENT_INCOMPLETE: 'every role reaches its minimum, and every listed custodian is enrolled, before the steps start',
  CEREMONY_UNKNOWN_PARTICIPANT: 'only enrolled participants sign',
  CEREMONY_SIGN_OFF_WRONG_ROLE: 'a sign-off comes from a role the step asks for',
  CEREMONY_SIGN_OFF_DUPLICATE: 'dual control means distinct people: one sign-off per person per stage',
  CEREMONY_SIGN_OFF_INVALID: 'a sign-off is a valid signature by the participant over the step content hash',
  CEREMONY_RESULT_MISSING: 'an action\'s result is recorded before the next step',
  CEREMONY_RESULT_UNEXPECTED: 'the enrolment step\'s result is the enrolled participants, computed by the engine',
  CEREMONY_DEVIATION_UNAPPROVED: 'a result that deviates from the expected one is recorded only under an unused signed exception for that result that lets the step continue',
  CEREMONY_EXCEPTION_QUORUM: 'an exception is signed by the administrator and the witness quorum',
  CEREMONY_EXCEPTION_NOT_ALLOWED: 'a step whose script says abort cannot continue after an exception',
  CEREMONY_NOT_FINISHED: 'the ceremony closes only after its last step',
  CEREMONY_ENDED: 'a closed or aborted ceremony takes no more commands',
  CEREMONY_INVALID_COMMAND: 'a command has the documented shape',
} as const;

export type CeremonyRule = keyof typeof CEREMONY_RULES;

export class CeremonyRefusal extends KeyriteError {
  readonly rule: CeremonyRule;
  constructor(rule: CeremonyRule, message: string) {
    super(rule, message);
    this.name = 'CeremonyRefusal';
    this.rule = rule;
  }
}
