/**
 * The ceremony as the screen shows it: built from the state machine's public
 * state, the pending request and what the run recorded. Only public values:
 * step texts, participants' names and roles, results the script asks to be
 * read aloud (fingerprints, check values, commitments) as hex and words.
 */
import type { CeremonyView, PendingRequest } from '../../../../shared/contract/ceremony.ts';
import { currentStep, stageRequirements, type CeremonyState } from '../../../../shared/ceremony/index.ts';
import { preflightItems } from './preflight-view.ts';
import { asRecord, readAloudValue } from './read-aloud-value.ts';

type SessionView = NonNullable<CeremonyView['session']>;
type SignOffRequirement = NonNullable<SessionView['current']>['requirements'][number];

export interface ViewInputs {
  ceremonyId: string;
  state: CeremonyState;
  request: PendingRequest | undefined;
  /** Who has signed the exception being signed (a signer request at stage 'exception'). */
  exceptionSigned?: readonly string[];
  lastRefusal: SessionView['lastRefusal'];
  failure: SessionView['failure'];
  bundle: SessionView['bundle'];
  resumed: SessionView['resumed'];
  /** The step a run stopped at, when it failed there. */
  failedStep: string | null;
}

const ROLES = ['administrator', 'custodian', 'witness', 'observer'] as const;

/**
 * Who must sign now. While people sign an exception, the step's own stage
 * waits and the exception's quorum applies: the administrator and the
 * script's `exceptionQuorum.witnesses` (the state machine checks the same
 * quorum when the exception is raised), with who has signed it so far.
 */
function requirementsNow(inputs: ViewInputs): SignOffRequirement[] {
  const { state, request } = inputs;
  if (request?.kind === 'signer' && request.stage === 'exception') {
    const signers = inputs.exceptionSigned ?? [];
    const roleOf = (id: string): string | undefined => state.participants.find((p) => p.id === id)?.role;
    const quorum: { roles: SignOffRequirement['roles']; count: number }[] = [
      { roles: ['administrator'], count: 1 },
      { roles: ['witness'], count: state.script.exceptionQuorum.witnesses },
    ];
    return quorum.map((r) => ({ ...r, signed: signers.filter((id) => (r.roles as string[]).includes(roleOf(id) ?? '')) }));
  }
  const signed = state.stage === 'approval' ? state.approvals : state.signOffs;
  return stageRequirements(state).map((r) => ({
    roles: [...r.roles],
    count: r.count,
    signed: signed.filter((s) => (r.roles as readonly string[]).includes(s.role)).map((s) => s.participantId),
  }));
}

export function buildView(inputs: ViewInputs): CeremonyView {
  const { state } = inputs;
  const step = currentStep(state);
  const current: SessionView['current'] =
    step === undefined || state.status !== 'running'
      ? null
      : {
          step: step.id,
          index: state.stepIndex,
          title: step.title,
          instruction: step.instruction,
          stage: state.stage,
          requirements: requirementsNow(inputs),
          readAloud: state.result === undefined ? [] : (step.readAloud ?? []).map((name) => readAloudValue(asRecord(state.result?.value), name)),
        };
  return {
    session: {
      ceremonyId: inputs.ceremonyId,
      scriptId: state.script.metadata.id,
      title: state.script.metadata.title,
      mode: state.script.metadata.mode,
      status: state.status,
      steps: state.script.steps.map((s, index) => {
        const done = state.completed.find((c) => c.id === s.id);
        const status = done !== undefined ? 'done' : inputs.failedStep === s.id ? 'failed' : index === state.stepIndex && state.status === 'running' ? 'current' : 'pending';
        const results = done === undefined ? [] : (s.readAloud ?? []).slice(0, 16).map((name) => readAloudValue(asRecord(done.result), name));
        return { id: s.id, index, title: s.title, action: s.action, status, deviation: done?.deviation ?? false, results };
      }),
      preflight: preflightItems({ state, request: inputs.request, failure: inputs.failure, failedStep: inputs.failedStep }),
      current,
      participants: state.participants.map((p) => ({ id: p.id, name: p.name, role: p.role })),
      roles: ROLES.map((role) => ({ role, min: state.script.roles[role]?.min ?? 0, max: state.script.roles[role]?.max ?? 0, enrolled: state.participants.filter((p) => p.role === role).length })),
      request: inputs.request ?? null,
      lastRefusal: inputs.lastRefusal,
      failure: inputs.failure,
      resumed: inputs.resumed,
      bundle: inputs.bundle,
    },
  };
}
