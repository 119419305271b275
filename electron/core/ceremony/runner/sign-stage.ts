/**
 * Collecting signatures: a stage's sign-offs and an exception's quorum.
 * Each signer's credential signs the content the state machine says the
 * stage is over, and the state machine checks role, distinctness and the
 * signature itself: the runner never decides whether a sign-off counts.
 *
 * Who signs comes from the ceremony's inputs (inputs.ts): the answers file
 * names them (or the first eligible people), or people at the screen sign
 * one at a time, each typing their passphrase, which derives their
 * credential again for this one signature. A refusal people can correct (a
 * wrong role, the same person twice, a passphrase that is not theirs) is
 * recorded as `input/refused` and the next signer asked for.
 */
import { contentHash, stepContent, type CeremonyCommand, type CeremonyState, type ExceptionContent, type SignatureClaim, type SignOffStage, type Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { bytesToHex } from '../../../../shared/transcript/bytes.ts';
import { deriveParticipantCredential, type ParticipantCredential } from '../credential.ts';
import type { RunContext } from './context.ts';
import { untilAccepted, type SignerInput } from './inputs.ts';

export type Apply = (command: CeremonyCommand) => CeremonyState;

/** Records an input people can correct and were asked again for. */
export function recordRefusedInput(ctx: RunContext, step: Step, code: string, message: string): void {
  ctx.journal.append({ type: 'input/refused', step: step.id, payload: { code, message: message.slice(0, 2048), note: 'Refused and asked again; the ceremony continues.' } });
}

/**
 * The signer's credential for one signature: derived again from the typed
 * passphrase (and checked against the key they enrolled with), or the one
 * held since enrolment (answers file). A derived credential is wiped after.
 */
export async function withCredential<T>(ctx: RunContext, state: CeremonyState, signer: SignerInput, use: (credential: ParticipantCredential) => T): Promise<T> {
  const enrolled = state.participants.find((p) => p.id === signer.participantId);
  if (enrolled === undefined) {
    signer.passphrase?.wipe();
    throw new KeyriteError('CEREMONY_UNKNOWN_PARTICIPANT', `'${signer.participantId}' is not enrolled in this ceremony, so cannot sign.`);
  }
  if (signer.passphrase === undefined) {
    const held = ctx.credentials.get(signer.participantId);
    if (held === undefined) throw new KeyriteError('CEREMONY_UNKNOWN_PARTICIPANT', `${signer.participantId} has no credential in this run.`);
    return use(held);
  }
  const credential = await deriveParticipantCredential(signer.passphrase, ctx.script.metadata.id, signer.participantId, ctx.kdfCost);
  try {
    if (credential.publicKeyHex !== enrolled.publicKey) {
      throw new KeyriteError('CEREMONY_CREDENTIAL_MISMATCH', `That passphrase is not the one ${enrolled.name} (${signer.participantId}) enrolled with; nothing was signed.`);
    }
    return use(credential);
  } finally {
    credential.wipe();
  }
}

/** Signs the current stage until the state machine moves on; throws the state machine's refusal (answers file) or asks again (people). */
export async function signStage(ctx: RunContext, state: CeremonyState, apply: Apply): Promise<CeremonyState> {
  const step = state.script.steps[state.stepIndex] as Step;
  const stage: SignOffStage = state.stage === 'approval' ? 'approval' : 'sign-off';
  let current = state;
  while (current.stepIndex === state.stepIndex && current.stage === state.stage) {
    current = await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
      const signer = await ctx.inputs.nextSigner({ step, stage, state: current });
      if (signer === undefined) throw new KeyriteError('CEREMONY_SIGN_OFF_MISSING', `The ${stage} of step '${step.id}' is still missing signatures: the answers name too few signers.`);
      const content = stepContent(current, stage);
      if (content === undefined) throw new KeyriteError('CEREMONY_WRONG_STAGE', `Step '${step.id}' takes no ${stage} now.`);
      const claim = await withCredential(ctx, current, signer, (credential) => credential.signStep(content));
      const next = apply({ kind: 'sign-off', stepId: step.id, claim });
      const role = current.participants.find((p) => p.id === signer.participantId)?.role ?? 'observer';
      ctx.journal.append({
        type: 'sign-off/recorded', actors: [signer.participantId], step: step.id,
        payload: { witness: signer.participantId, statement: `${signer.participantId} (${role}) signs the ${stage} of step ${step.id}`, stage, role, contentSha256: bytesToHex(contentHash(content)), publicKey: claim.publicKey, signature: claim.signature },
      });
      return next;
    });
  }
  return current;
}

/**
 * The administrator and the script's witness quorum sign an exception's
 * content. Signatures are checked as they come (role, distinct people, the
 * signature); the state machine checks the quorum again when the exception
 * is raised.
 */
export async function signException(ctx: RunContext, state: CeremonyState, content: ExceptionContent): Promise<SignatureClaim[]> {
  const step = state.script.steps[content.step.index] as Step;
  const needWitnesses = state.script.exceptionQuorum.witnesses;
  const claims: SignatureClaim[] = [];
  const roleOf = (id: string) => state.participants.find((p) => p.id === id)?.role;
  const complete = (): boolean => claims.some((c) => roleOf(c.participantId) === 'administrator') && claims.filter((c) => roleOf(c.participantId) === 'witness').length >= needWitnesses;
  while (!complete()) {
    const claim = await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
      const signer = await ctx.inputs.nextSigner({ step, stage: 'exception', state, signed: claims.map((c) => c.participantId) });
      if (signer === undefined) throw new KeyriteError('CEREMONY_EXCEPTION_QUORUM', `The exception on step '${step.id}' needs the administrator and ${needWitnesses} witness(es); too few signed.`);
      const role = roleOf(signer.participantId);
      const wanted = (role === 'administrator' && !claims.some((c) => roleOf(c.participantId) === 'administrator')) || (role === 'witness' && claims.filter((c) => roleOf(c.participantId) === 'witness').length < needWitnesses);
      if (claims.some((c) => c.participantId === signer.participantId)) {
        signer.passphrase?.wipe();
        throw new KeyriteError('CEREMONY_SIGN_OFF_DUPLICATE', `${signer.participantId} already signed this exception; dual control needs distinct people.`);
      }
      if (!wanted) {
        signer.passphrase?.wipe();
        throw new KeyriteError('CEREMONY_SIGN_OFF_WRONG_ROLE', `An exception is signed by the administrator and ${needWitnesses} witness(es); ${signer.participantId} (${role ?? 'not enrolled'}) is not needed.`);
      }
      return withCredential(ctx, state, signer, (credential) => credential.signException(content));
    });
    claims.push(claim);
  }
  return claims;
}
