/**
 * The state machine's commands, read back from a transcript (resume.ts).
 * The transcript records every command the reducer accepted, as public
 * events, never a secret:
 *
 *   step/result           → record-preflight (pre-flight steps) or record-result
 *   participant/enrolled  → enrol (the signing key recorded at enrolment)
 *   sign-off/recorded     → sign-off (the signature verifies again on replay)
 *   exception/recorded    → raise-exception (a step's exception, with its signatures)
 *
 * The enrolment step's result has no event of its own: it is the list the
 * reducer kept, recorded once the first event after enrolment (its sign-off,
 * a signed pre-flight exception, its completion, a later step) shows it was.
 *
 * A `ceremony/resumed` that redid steps supersedes what those steps
 * recorded before it: their commands are dropped, and the redo's follow.
 *
 * Pre-flight exceptions are not commands: they are raised before anyone is
 * enrolled and signed right after enrolment (`exception/signed`); those
 * recorded but not yet signed are returned for the resumed run to sign.
 */
import { isPreflightAction, type CeremonyCommand, type CeremonyScript, type ExceptionContent, type PublicValue, type Role, type SignatureClaim } from '../../../../shared/ceremony/index.ts';
import type { TranscriptEvent } from '../../../../shared/transcript/event.ts';

export interface RecordedCommand {
  readonly command: CeremonyCommand;
  /** The event it was read from. */
  readonly seq: number;
  /** The script step it belongs to. */
  readonly stepIndex: number;
}

export interface RecordedRun {
  readonly commands: readonly RecordedCommand[];
  /** Pre-flight exceptions recorded but not signed yet, as the content the quorum signs. */
  readonly unsignedPreflightExceptions: readonly ExceptionContent[];
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const claimOf = (value: unknown): SignatureClaim => {
  const v = (value ?? {}) as Record<string, unknown>;
  return { participantId: str(v['participantId']), publicKey: str(v['publicKey']), signature: str(v['signature']) };
};

export function recordedCommands(script: CeremonyScript, scriptSha256: string, runNonce: string, events: readonly TranscriptEvent[]): RecordedRun {
  const indexOf = new Map(script.steps.map((s, i) => [s.id, i]));
  const enrolIndex = script.steps.findIndex((s) => s.action === 'participants.enrol');
  const enrolStep = script.steps[enrolIndex];
  const commands: RecordedCommand[] = [];
  const raised: { content: ExceptionContent; seq: number }[] = [];
  const signed = new Set<string>();
  let enrolmentRecorded = false;
  let enrolled = 0;

  for (const event of events) {
    const stepIndex = event.step === null ? -1 : (indexOf.get(event.step) ?? -1);
    const p = event.payload;
    // The enrolment's result was recorded once anything after the enrolments happened.
    const afterEnrolment = event.type === 'exception/signed' || (event.step === enrolStep?.id && (event.type === 'sign-off/recorded' || event.type === 'step/completed')) || stepIndex > enrolIndex;
    if (enrolStep !== undefined && enrolled > 0 && !enrolmentRecorded && afterEnrolment) {
      commands.push({ command: { kind: 'record-result', stepId: enrolStep.id }, seq: event.seq, stepIndex: enrolIndex });
      enrolmentRecorded = true;
    }
    const step = script.steps[stepIndex];
    switch (event.type) {
      case 'participant/enrolled':
        enrolled += 1;
        commands.push({
          command: { kind: 'enrol', participant: { id: str(p['participant']), name: str(p['displayName']), role: str(p['role']) as Role, publicKey: str(p['signingKey']) } },
          seq: event.seq, stepIndex: enrolIndex,
        });
        break;
      case 'enrolment/complete':
        if (enrolStep !== undefined && !enrolmentRecorded) {
          commands.push({ command: { kind: 'record-result', stepId: enrolStep.id }, seq: event.seq, stepIndex: enrolIndex });
          enrolmentRecorded = true;
        }
        break;
      case 'step/result': {
        if (step === undefined) break;
        const result = (p['result'] ?? null) as PublicValue;
        const deviation = p['deviation'] === true;
        const command: CeremonyCommand = isPreflightAction(step.action) ? { kind: 'record-preflight', stepId: step.id, result, deviation } : { kind: 'record-result', stepId: step.id, result, deviation };
        commands.push({ command, seq: event.seq, stepIndex });
        break;
      }
      case 'sign-off/recorded':
        if (step === undefined) break;
        commands.push({ command: { kind: 'sign-off', stepId: step.id, claim: { participantId: str(p['witness']), publicKey: str(p['publicKey']), signature: str(p['signature']) } }, seq: event.seq, stepIndex });
        break;
      case 'exception/recorded': {
        if (step === undefined) break;
        const signatures = Array.isArray(p['signatures']) ? p['signatures'].map(claimOf) : [];
        const decision = p['decision'] === 'continue' ? 'continue' : 'abort';
        const base = { expected: str(p['expected']), actual: str(p['actual']), resultSha256: str(p['resultSha256']), decision } as const;
        if (isPreflightAction(step.action)) {
          const content: ExceptionContent = { ceremony: script.metadata.id, runNonce, scriptSha256, step: { id: step.id, index: stepIndex, action: step.action }, ...base };
          if (decision === 'continue') raised.push({ content, seq: event.seq });
          break;
        }
        commands.push({ command: { kind: 'raise-exception', stepId: step.id, ...base, signatures }, seq: event.seq, stepIndex });
        break;
      }
      case 'ceremony/resumed': {
        // An earlier resume redid steps from redoFrom: what those steps recorded before it is superseded.
        const from = (p['redoFrom'] as { index?: unknown } | null)?.index;
        if (typeof from === 'number') commands.splice(0, commands.length, ...commands.filter((c) => c.stepIndex < from));
        break;
      }
      case 'exception/signed':
        signed.add(`${str(event.step)}/${str(p['resultSha256'])}`);
        break;
      default:
        break;
    }
  }
  const unsignedPreflightExceptions = raised.filter((r) => !signed.has(`${r.content.step.id}/${r.content.resultSha256}`)).map((r) => r.content);
  return { commands, unsignedPreflightExceptions };
}
