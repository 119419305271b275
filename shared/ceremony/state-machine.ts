/**
 * The ceremony as a pure reducer: (state, command) → new state or a refusal
 * naming the rule (refusal.ts). No clock, no randomness, no I/O: the engine
 * performs actions and feeds their public results in; replaying the same
 * commands from the transcript rebuilds the same state (resume).
 *
 * Phases follow the script's steps: pre-flight steps, then the enrolment
 * step, then the other steps, then closed (or aborted from anywhere).
 * Each step goes through up to three stages:
 *
 *   approval  — the step's `approval` sign-offs, over its content without a
 *               result; the action may not start before they are all in;
 *   action    — the engine runs the action and records its public result
 *               (for the enrolment step: participants enrol, then the
 *               result is the list the reducer kept);
 *   sign-off  — the step's `signOff` sign-offs, over its content with the
 *               result; the next step does not start before they are all in.
 *
 * A stage with no requirement is skipped. Requirements count distinct
 * people of the named roles (sign-off-rules.ts).
 *
 * Every signed content carries the run nonce the state was started with,
 * so a signature from another run of the same script never verifies here.
 * A deviating result needs a signed "continue" exception bound to that
 * result's hash, and each exception lets exactly one result through.
 */
import { enrolmentShortfalls, checkEnrolment, type ParticipantRecord } from './participants.ts';
import { CeremonyRefusal, type CeremonyRule } from './refusal.ts';
import { canonicalJson } from './script-hash.ts';
import type { CeremonyScript, SignOffRequirement, SigningRole, Step } from './script-schema.ts';
import { contentHash, EXCEPTION_DOMAIN, isRunNonce, resultSha256, SIGN_OFF_DOMAIN, verifySignature, type ExceptionContent, type PublicValue, type SignatureClaim, type SignOffStage, type StepContent } from './sign-off.ts';
import { describeRequirements, requirementsMet } from './sign-off-rules.ts';
import { isPreflightAction } from './actions.ts';
import { findSecretField } from '../transcript/payloads.ts';
import type { JsonValue } from '../transcript/event.ts';

export type StepStage = 'approval' | 'action' | 'sign-off';
export type CeremonyPhase = 'preflight' | 'enrolment' | 'steps' | 'ready-to-close' | 'closed' | 'aborted';

export interface SignOffRecord extends SignatureClaim {
  role: SigningRole;
}

export interface CompletedStep {
  id: string;
  index: number;
  result: PublicValue;
  deviation: boolean;
  approvals: readonly SignOffRecord[];
  signOffs: readonly SignOffRecord[];
}

export interface ExceptionRecord extends Omit<ExceptionContent, 'ceremony' | 'runNonce' | 'scriptSha256'> {
  signatures: readonly SignOffRecord[];
  /** True once a deviating result was recorded under it: one exception approves one result. */
  used: boolean;
}

export interface CeremonyState {
  readonly script: CeremonyScript;
  readonly scriptSha256: string;
  /** This run's nonce (16 random bytes, hex), in every signed content. */
  readonly runNonce: string;
  readonly status: 'running' | 'closed' | 'aborted';
  /** Index of the current step; steps.length once the last one is complete. */
  readonly stepIndex: number;
  readonly stage: StepStage;
  readonly participants: readonly ParticipantRecord[];
  /** Sign-offs collected for the current step's current stage. */
  readonly approvals: readonly SignOffRecord[];
  readonly signOffs: readonly SignOffRecord[];
  /** The current step's result once recorded. */
  readonly result: { value: PublicValue; deviation: boolean } | undefined;
  readonly completed: readonly CompletedStep[];
  readonly exceptions: readonly ExceptionRecord[];
  /** Pre-flight deviations the script lets continue (e.g. online in a rehearsal). */
  readonly warnings: readonly { stepId: string; result: PublicValue }[];
  readonly abortReason: string | undefined;
}

export type CeremonyCommand =
  | { kind: 'record-preflight'; stepId: string; result: PublicValue; deviation?: boolean }
  | { kind: 'enrol'; participant: ParticipantRecord }
  | { kind: 'sign-off'; stepId: string; claim: SignatureClaim }
  | { kind: 'record-result'; stepId: string; result?: PublicValue; deviation?: boolean }
  | { kind: 'raise-exception'; stepId: string; expected: string; actual: string; resultSha256: string; decision: 'continue' | 'abort'; signatures: readonly SignatureClaim[] }
  | { kind: 'abort'; reason: string }
  | { kind: 'close' };

export type Transition = { ok: true; state: CeremonyState } | { ok: false; refusal: CeremonyRefusal };

/**
 * The state before the first step. The script must already be validated
 * (parse-script.ts); `runNonce` is chosen at random by the engine for this
 * run and recorded in the transcript's `ceremony/opened` event (the reducer
 * itself has no randomness, so resume passes the recorded one back).
 */
export function startCeremony(script: CeremonyScript, scriptSha256: string, runNonce: string): CeremonyState {
  // A caller's bug, not a refused command: no state exists yet to stay unchanged.
  if (!isRunNonce(runNonce)) throw new CeremonyRefusal('CEREMONY_INVALID_COMMAND', 'A run nonce is 16 bytes of lower-case hex.');
  const base: CeremonyState = {
    script, scriptSha256, runNonce, status: 'running', stepIndex: 0, stage: 'action', participants: [], approvals: [], signOffs: [],
    result: undefined, completed: [], exceptions: [], warnings: [], abortReason: undefined,
  };
  return enterStep(base, 0);
}

export const currentStep = (state: CeremonyState): Step | undefined => state.script.steps[state.stepIndex];

export function phaseOf(state: CeremonyState): CeremonyPhase {
  if (state.status !== 'running') return state.status;
  const step = currentStep(state);
  if (step === undefined) return 'ready-to-close';
  if (isPreflightAction(step.action)) return 'preflight';
  return step.action === 'participants.enrol' ? 'enrolment' : 'steps';
}

/** What the current stage's signers sign (undefined at the action stage). */
export function stepContent(state: CeremonyState, stage: SignOffStage): StepContent | undefined {
  const step = currentStep(state);
  if (step === undefined) return undefined;
  if (stage === 'sign-off' && state.result === undefined) return undefined;
  return {
    ceremony: state.script.metadata.id,
    runNonce: state.runNonce,
    scriptSha256: state.scriptSha256,
    step: { id: step.id, index: state.stepIndex, action: step.action },
    stage,
    result: stage === 'approval' ? null : (state.result?.value ?? null),
  };
}

export function exceptionContent(state: CeremonyState, command: Extract<CeremonyCommand, { kind: 'raise-exception' }>): ExceptionContent | undefined {
  const step = currentStep(state);
  if (step === undefined) return undefined;
  return {
    ceremony: state.script.metadata.id, runNonce: state.runNonce, scriptSha256: state.scriptSha256, step: { id: step.id, index: state.stepIndex, action: step.action },
    expected: command.expected, actual: command.actual, resultSha256: command.resultSha256, decision: command.decision,
  };
}

/** Requirements of the current stage ([] at the action stage). */
export function stageRequirements(state: CeremonyState): readonly SignOffRequirement[] {
  const step = currentStep(state);
  if (step === undefined || state.stage === 'action') return [];
  return (state.stage === 'approval' ? step.approval : step.signOff) ?? [];
}

/** Applies a command; never throws for a refused command. */
export function applyCommand(state: CeremonyState, command: CeremonyCommand): Transition {
  try {
    return { ok: true, state: reduce(state, command) };
  } catch (error) {
    if (error instanceof CeremonyRefusal) return { ok: false, refusal: error };
    throw error;
  }
}

const refuse = (rule: CeremonyRule, message: string): never => {
  throw new CeremonyRefusal(rule, message);
};

/** Applies a command; throws CeremonyRefusal naming the rule when it is refused. */
export function reduce(state: CeremonyState, command: CeremonyCommand): CeremonyState {
  if (state.status !== 'running') refuse('CEREMONY_ENDED', `The ceremony is ${state.status}; it takes no more commands.`);
  switch (command.kind) {
    case 'abort': {
      if (typeof command.reason !== 'string' || command.reason.trim() === '' || command.reason.length > 2048) refuse('CEREMONY_INVALID_COMMAND', 'Say why the ceremony is aborted (1 to 2048 characters).');
      return { ...state, status: 'aborted', abortReason: command.reason };
    }
    case 'close': {
      if (state.stepIndex < state.script.steps.length) refuse('CEREMONY_NOT_FINISHED', `Step ${state.stepIndex + 1} of ${state.script.steps.length} is not complete; the ceremony cannot close yet.`);
      return { ...state, status: 'closed' };
    }
    case 'record-preflight':
      return recordPreflight(state, command);
    case 'enrol':
      return enrol(state, command.participant);
    case 'record-result':
      return recordResult(state, command);
    case 'sign-off':
      return signOff(state, command);
    case 'raise-exception':
      return raiseException(state, command);
    default:
      return refuse('CEREMONY_INVALID_COMMAND', 'Unknown ceremony command.');
  }
}

function requireStep(state: CeremonyState, stepId: string): Step {
  const step = currentStep(state);
  if (step === undefined) return refuse('CEREMONY_WRONG_STEP', 'Every step is complete; only close remains.');
  if (step.id !== stepId) return refuse('CEREMONY_WRONG_STEP', `The current step is '${step.id}', not '${stepId}'.`);
  return step;
}

function requireStage(state: CeremonyState, stage: StepStage, doing: string): void {
  if (state.stage === stage) return;
  const why = state.stage === 'approval' ? `it still needs approval by ${describeRequirements(stageRequirements(state))}` : state.stage === 'sign-off' ? `it still needs sign-off by ${describeRequirements(stageRequirements(state))}` : 'its result is not recorded yet';
  refuse(state.stage === 'action' ? 'CEREMONY_RESULT_MISSING' : 'CEREMONY_WRONG_STAGE', `Step '${currentStep(state)?.id ?? ''}' cannot ${doing}: ${why}.`);
}

/** A result is public JSON: canonicalisable, and no field named like a secret (the transcript's own rule). */
const checkPublic = (value: PublicValue): void => {
  try {
    canonicalJson(value);
  } catch {
    refuse('CEREMONY_INVALID_COMMAND', 'A result is plain JSON (no undefined, no non-finite numbers).');
  }
  const secret = findSecretField(value as JsonValue);
  if (secret !== undefined) refuse('CEREMONY_INVALID_COMMAND', `A result never holds a secret; '${secret}' names one.`);
};

function recordPreflight(state: CeremonyState, command: Extract<CeremonyCommand, { kind: 'record-preflight' }>): CeremonyState {
  const step = requireStep(state, command.stepId);
  if (!isPreflightAction(step.action)) refuse('CEREMONY_WRONG_PHASE', `Step '${step.id}' is not a pre-flight check.`);
  checkPublic(command.result);
  const deviation = command.deviation === true;
  if (deviation && step.onException !== 'continue') refuse('CEREMONY_DEVIATION_UNAPPROVED', `Pre-flight check '${step.id}' failed and its script says abort.`);
  const warnings = deviation ? [...state.warnings, { stepId: step.id, result: command.result }] : state.warnings;
  return finishAction({ ...state, warnings }, command.result, deviation);
}

function enrol(state: CeremonyState, participant: ParticipantRecord): CeremonyState {
  const step = currentStep(state);
  if (step?.action !== 'participants.enrol' || state.stage !== 'action') refuse('CEREMONY_WRONG_PHASE', 'Participants enrol only during the enrolment step.');
  checkEnrolment(state.script, state.participants, participant);
  const record: ParticipantRecord = { id: participant.id, name: participant.name, role: participant.role, publicKey: participant.publicKey };
  return { ...state, participants: [...state.participants, record] };
}

function recordResult(state: CeremonyState, command: Extract<CeremonyCommand, { kind: 'record-result' }>): CeremonyState {
  const step = requireStep(state, command.stepId);
  if (isPreflightAction(step.action)) refuse('CEREMONY_WRONG_PHASE', `Step '${step.id}' is a pre-flight check: record it with record-preflight.`);
  requireStage(state, 'action', 'record a result');
  if (step.action === 'participants.enrol') {
    if (command.result !== undefined) refuse('CEREMONY_RESULT_UNEXPECTED', 'The enrolment step\'s result is the list of enrolled participants; the engine does not supply one.');
    const missing = enrolmentShortfalls(state.script, state.participants);
    if (missing.length > 0) refuse('CEREMONY_ENROLMENT_INCOMPLETE', `Enrolment cannot close: still needed ${missing.join(', ')}.`);
    return finishAction(state, { participants: state.participants.map((p) => ({ ...p })) }, false);
  }
  if (command.result === undefined) return refuse('CEREMONY_RESULT_MISSING', `Step '${step.id}' needs its action's result.`);
  checkPublic(command.result);
  const deviation = command.deviation === true;
  if (!deviation) return finishAction(state, command.result, false);
  // The exception must approve this very result (its hash is signed), and not have let another one through already.
  const hash = resultSha256(command.result);
  const found = state.exceptions.findIndex((e) => e.step.index === state.stepIndex && e.decision === 'continue' && !e.used && e.resultSha256 === hash);
  if (found < 0) {
    refuse('CEREMONY_DEVIATION_UNAPPROVED', `Step '${step.id}' did not give the expected result: record a signed exception for this result (SHA-256 ${hash}) that lets it continue, or abort.`);
  }
  const exceptions = state.exceptions.map((e, i) => (i === found ? { ...e, used: true } : e));
  return finishAction({ ...state, exceptions }, command.result, true);
}

function signOff(state: CeremonyState, command: Extract<CeremonyCommand, { kind: 'sign-off' }>): CeremonyState {
  requireStep(state, command.stepId);
  if (state.stage === 'action') refuse('CEREMONY_WRONG_STAGE', state.result === undefined ? 'This step takes no sign-off until its result is recorded.' : 'This step takes no sign-off now.');
  const stage: SignOffStage = state.stage === 'approval' ? 'approval' : 'sign-off';
  const content = stepContent(state, stage);
  if (content === undefined) return refuse('CEREMONY_WRONG_STAGE', 'This step takes no sign-off now.');
  const requirements = stageRequirements(state);
  const signer = requireSigner(state, command.claim, SIGN_OFF_DOMAIN, contentHash(content));
  if (!requirements.some((r) => (r.roles as readonly string[]).includes(signer.role))) {
    refuse('CEREMONY_SIGN_OFF_WRONG_ROLE', `${signer.name} is ${signer.role}; this ${stage} needs ${describeRequirements(requirements)}.`);
  }
  const collected = stage === 'approval' ? state.approvals : state.signOffs;
  if (collected.some((s) => s.participantId === signer.id)) refuse('CEREMONY_SIGN_OFF_DUPLICATE', `${signer.name} has already signed this ${stage}; dual control needs distinct people.`);
  const record: SignOffRecord = { ...command.claim, role: signer.role as SigningRole };
  const now = [...collected, record];
  const next = stage === 'approval' ? { ...state, approvals: now } : { ...state, signOffs: now };
  if (!requirementsMet(requirements, countRoles(now))) return next;
  return stage === 'approval' ? { ...next, stage: 'action' } : completeStep(next);
}

function raiseException(state: CeremonyState, command: Extract<CeremonyCommand, { kind: 'raise-exception' }>): CeremonyState {
  const step = requireStep(state, command.stepId);
  const texts = [command.expected, command.actual];
  if (texts.some((t) => typeof t !== 'string' || t.trim() === '' || t.length > 2048) || (command.decision !== 'continue' && command.decision !== 'abort')) {
    refuse('CEREMONY_INVALID_COMMAND', 'An exception says what was expected, what happened (1 to 2048 characters each) and whether to continue or abort.');
  }
  if (typeof command.resultSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(command.resultSha256)) refuse('CEREMONY_INVALID_COMMAND', 'An exception names the deviating result by its SHA-256 (64 lower-case hex digits).');
  if (command.decision === 'continue' && step.onException !== 'continue') refuse('CEREMONY_EXCEPTION_NOT_ALLOWED', `The script says an exception on step '${step.id}' aborts the ceremony.`);
  const content = exceptionContent(state, command) as ExceptionContent;
  const hash = contentHash(content);
  const signatures: SignOffRecord[] = [];
  for (const claim of command.signatures) {
    const signer = requireSigner(state, claim, EXCEPTION_DOMAIN, hash);
    if (signatures.some((s) => s.participantId === signer.id)) refuse('CEREMONY_SIGN_OFF_DUPLICATE', `${signer.name} signed the exception twice; each person counts once.`);
    if (signer.role !== 'observer') signatures.push({ ...claim, role: signer.role });
  }
  const quorum: SignOffRequirement[] = [{ roles: ['administrator'], count: 1 }, { roles: ['witness'], count: state.script.exceptionQuorum.witnesses }];
  if (!requirementsMet(quorum, countRoles(signatures))) refuse('CEREMONY_EXCEPTION_QUORUM', `An exception is signed by ${describeRequirements(quorum)}.`);
  const { ceremony: _c, runNonce: _n, scriptSha256: _h, ...rest } = content;
  const exceptions = [...state.exceptions, { ...rest, signatures, used: false }];
  if (command.decision === 'abort') return { ...state, exceptions, status: 'aborted', abortReason: `Exception on step '${step.id}': expected ${command.expected}; got ${command.actual}.` };
  return { ...state, exceptions };
}

/** The enrolled participant behind a claim, after checking the key and the signature. */
function requireSigner(state: CeremonyState, claim: SignatureClaim, domain: typeof SIGN_OFF_DOMAIN | typeof EXCEPTION_DOMAIN, hash: Uint8Array): ParticipantRecord {
  const signer = state.participants.find((p) => p.id === claim.participantId);
  if (signer === undefined) return refuse('CEREMONY_UNKNOWN_PARTICIPANT', `'${String(claim.participantId)}' is not enrolled in this ceremony.`);
  if (claim.publicKey !== signer.publicKey || !verifySignature(domain, hash, claim)) {
    return refuse('CEREMONY_SIGN_OFF_INVALID', `The signature from ${signer.name} does not verify over this step's content: nothing is recorded.`);
  }
  return signer;
}

function countRoles(records: readonly SignOffRecord[]): Partial<Record<SigningRole, number>> {
  const out: Partial<Record<SigningRole, number>> = {};
  for (const r of records) out[r.role] = (out[r.role] ?? 0) + 1;
  return out;
}

function finishAction(state: CeremonyState, value: PublicValue, deviation: boolean): CeremonyState {
  const next: CeremonyState = { ...state, result: { value, deviation } };
  const step = currentStep(state);
  if ((step?.signOff ?? []).length > 0) return { ...next, stage: 'sign-off' };
  return completeStep(next);
}

function completeStep(state: CeremonyState): CeremonyState {
  const step = currentStep(state) as Step;
  const done: CompletedStep = { id: step.id, index: state.stepIndex, result: state.result?.value ?? null, deviation: state.result?.deviation ?? false, approvals: state.approvals, signOffs: state.signOffs };
  return enterStep({ ...state, completed: [...state.completed, done] }, state.stepIndex + 1);
}

function enterStep(state: CeremonyState, index: number): CeremonyState {
  const step = state.script.steps[index];
  const stage: StepStage = step !== undefined && (step.approval ?? []).length > 0 ? 'approval' : 'action';
  return { ...state, stepIndex: index, stage, approvals: [], signOffs: [], result: undefined };
}

/**
 * Rebuilds the state from a command log (resume after a crash: the
 * transcript holds the accepted commands, never secrets, and the run nonce
 * in its first event). Stops at the
 * first command the rules refuse, which a log of accepted commands never
 * contains: `refusedAt` then says where the log and the rules disagree.
 */
export function replayCommands(script: CeremonyScript, scriptSha256: string, runNonce: string, commands: readonly CeremonyCommand[]): { state: CeremonyState; refusedAt?: { index: number; refusal: CeremonyRefusal } } {
  let state = startCeremony(script, scriptSha256, runNonce);
  for (const [index, command] of commands.entries()) {
    const t = applyCommand(state, command);
    if (!t.ok) return { state, refusedAt: { index, refusal: t.refusal } };
    state = t.state;
  }
  return { state };
}
