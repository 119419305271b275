/**
 * An exception people raise themselves (the exception button on every
 * screen): what they expected, what they see, and their decision, signed by
 * the administrator and the witness quorum like any exception, bound to the
 * current step and its result so far (shared/ceremony/sign-off.ts). Abort
 * ends the ceremony through the state machine; continue is recorded and the
 * step goes on where it was.
 */
import { currentStep, exceptionContent, phaseOf, resultSha256, type CeremonyCommand, type CeremonyState } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import type { RunContext } from './context.ts';
import type { RaisedException } from './inputs.ts';
import { signException } from './sign-stage.ts';

export interface MachineLike {
  readonly state: CeremonyState;
  apply(command: CeremonyCommand): CeremonyState;
}

export function preparePeopleException(ctx: RunContext, machine: MachineLike, raised: RaisedException): () => Promise<void> {
  const state = machine.state;
  const step = currentStep(state);
  if (phaseOf(state) !== 'steps' || step === undefined) {
    throw new KeyriteError('CEREMONY_EXCEPTION_TOO_EARLY', 'An exception is signed by the administrator and the witnesses, so it can be raised once everyone is enrolled and before the close; until then, abort the ceremony with your reason.');
  }
  const expected = raised.expected.trim().slice(0, 2048);
  const actual = raised.actual.trim().slice(0, 2048);
  if (expected === '' || actual === '') throw new KeyriteError('CEREMONY_INPUT_MISSING', 'Say what you expected and what you see.');
  if (raised.decision === 'continue' && step.onException !== 'continue') {
    throw new KeyriteError('CEREMONY_EXCEPTION_NOT_ALLOWED', `The script says an exception on step '${step.id}' aborts the ceremony; choose abort, or raise nothing.`);
  }
  const draft = { kind: 'raise-exception' as const, stepId: step.id, expected, actual, resultSha256: resultSha256(state.result?.value ?? null), decision: raised.decision, signatures: [] };
  const content = exceptionContent(state, draft);
  if (content === undefined) throw new KeyriteError('CEREMONY_WRONG_STEP', 'No current step to raise an exception on.');
  return async () => {
    const signatures = await signException(ctx, machine.state, content);
    machine.apply({ ...draft, signatures });
    ctx.journal.append({
      type: 'exception/recorded', step: step.id, actors: signatures.map((s) => s.participantId),
      payload: {
        description: `Raised at step ${step.id}: expected ${expected}; found ${actual}`.slice(0, 2048), decision: raised.decision, expected, actual,
        resultSha256: draft.resultSha256, raisedBy: 'people', signatures: signatures.map((s) => ({ ...s })),
      },
    });
    if (raised.decision === 'abort') throw new KeyriteError('CEREMONY_EXCEPTION_ABORT', `Exception raised at step '${step.id}' and signed: abort. Expected ${expected}; found ${actual}.`.slice(0, 2048));
  };
}
