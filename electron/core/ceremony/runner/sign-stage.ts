/**
 * Collecting a stage's signatures. Each signer's credential signs the
 * step content the state machine says this stage is over, and the state
 * machine checks role, distinctness and the signature itself: the runner
 * never decides whether a sign-off counts.
 *
 * Who signs: the answers file's `signers["<step>/<stage>"]` exactly, in
 * order, when given (so a rehearsal can show a wrong role or a repeated
 * person refused); otherwise the first enrolled people who satisfy the
 * requirement, in enrolment order.
 */
import { contentHash, stageRequirements, stepContent, type CeremonyCommand, type CeremonyState, type SignOffStage, type Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { bytesToHex } from '../../../../shared/transcript/bytes.ts';
import type { RunContext } from './context.ts';

export type Apply = (command: CeremonyCommand) => CeremonyState;

function autoSigners(state: CeremonyState): string[] {
  const out: string[] = [];
  for (const requirement of stageRequirements(state)) {
    const roles = requirement.roles as readonly string[];
    const eligible = state.participants.filter((p) => roles.includes(p.role) && !out.includes(p.id));
    out.push(...eligible.slice(0, requirement.count).map((p) => p.id));
  }
  return out;
}

/** Signs the current stage until the state machine moves on; throws the state machine's refusal otherwise. */
export function signStage(ctx: RunContext, state: CeremonyState, apply: Apply): CeremonyState {
  const step = state.script.steps[state.stepIndex] as Step;
  const stage: SignOffStage = state.stage === 'approval' ? 'approval' : 'sign-off';
  const given = ctx.answers.signers[`${step.id}/${stage}`];
  const signers = given ?? autoSigners(state);
  let current = state;
  for (const id of signers) {
    const content = stepContent(current, stage);
    if (content === undefined) break;
    const credential = ctx.credentials.get(id);
    if (credential === undefined) throw new KeyriteError('CEREMONY_UNKNOWN_PARTICIPANT', `'${id}' is named to sign ${stage} of step '${step.id}' but is not enrolled.`);
    const claim = credential.signStep(content);
    current = apply({ kind: 'sign-off', stepId: step.id, claim });
    const role = state.participants.find((p) => p.id === id)?.role ?? 'observer';
    ctx.journal.append({
      type: 'sign-off/recorded', actors: [id], step: step.id,
      payload: { witness: id, statement: `${id} (${role}) signs the ${stage} of step ${step.id}`, stage, role, contentSha256: bytesToHex(contentHash(content)), publicKey: claim.publicKey, signature: claim.signature },
    });
    if (current.stepIndex !== state.stepIndex || current.stage !== state.stage) return current;
  }
  throw new KeyriteError('CEREMONY_SIGN_OFF_MISSING', `The ${stage} of step '${step.id}' is still missing signatures: the answers name too few signers.`);
}
