/**
 * What a crash lost, and the last safe step to resume from (resume.ts).
 *
 * Secrets are never persisted, so everything held only in the dead
 * process's memory is gone: a master secret, a share set not yet written,
 * logged-in HSM sessions, the participants' credentials held since
 * enrolment, the ceremony signing key and the cosigner keys. What lives on
 * disk (the transcript, share files) or in an HSM (generated and loaded
 * keys) survives, and is checked before it is relied on.
 *
 * The last safe step is the earliest step whose product a step still to be
 * run needs but which was lost, found to a fixed point (redoing a split
 * needs the secret again, so the generation is redone too):
 *
 *   key.load, shares.split  need the key's secret   ← secret.generate / shares.collect
 *   shares.write            needs the sealed set    ← shares.split
 *   shares.revoke           needs the new sets      ← shares.split
 *
 * Sessions are not a reason to redo a step: a completed hsm.login is
 * re-established at resume (the PIN asked again, recorded), since what the
 * step attested (which token, logged in with its PIN under a witness's
 * approval) still holds, and redoing it would drag every later step with it.
 */
import type { CeremonyScript, CeremonyState, Step, StepStage } from '../../../../shared/ceremony/index.ts';
import type { TranscriptEvent } from '../../../../shared/transcript/event.ts';

export interface ResumePlan {
  /** The step the crash interrupted and the stage it had reached (undefined: every step was complete, only the close remains). */
  readonly interrupted: { readonly step: string; readonly index: number; readonly stage: StepStage } | undefined;  /** The step the resumed run starts from; its earlier events stand, later ones are superseded. */
  readonly resumeFrom: { readonly step: string; readonly index: number } | undefined;
  /** Completed steps done again (their products were lost and a later step needs them). */
  readonly redone: readonly string[];
  /** Why each redone step is redone, for people. */
  readonly reasons: readonly string[];
  /** What the crash lost, for people. */
  readonly lost: readonly string[];
  /** Completed hsm.login steps whose sessions are re-established (PIN asked again), by HSM target. */
  readonly relogins: readonly { readonly hsm: string; readonly step: string }[];
  /** Share sets issued by steps now redone: superseded. */
  readonly supersededShareSets: readonly string[];
}

type Need = { kind: 'secret'; key: string } | { kind: 'share-set'; policy: string | undefined };

const keyOfPolicy = (script: CeremonyScript, id: string): string => script.sharePolicies.find((p) => p.id === id)?.key ?? '';

/** What a step's action reads that only an earlier step's action put in memory. */
function needsOf(script: CeremonyScript, step: Step): Need[] {
  switch (step.action) {
    case 'key.load':
      return [{ kind: 'secret', key: step.params.key }];
    case 'shares.split':
      return [{ kind: 'secret', key: keyOfPolicy(script, step.params.sharePolicy) }];
    case 'shares.write':
      return [{ kind: 'share-set', policy: step.params.sharePolicy }];
    case 'shares.revoke':
      return [{ kind: 'share-set', policy: undefined }];
    default:
      return [];
  }
}

/** What a step's action puts in memory only. */
function productsOf(script: CeremonyScript, step: Step): Need[] {
  if (step.action === 'secret.generate') return [{ kind: 'secret', key: step.params.key }];
  if (step.action === 'shares.collect') return [{ kind: 'secret', key: keyOfPolicy(script, step.params.sharePolicy) }];
  if (step.action === 'shares.split') return [{ kind: 'share-set', policy: step.params.sharePolicy }];
  return [];
}

const sameProduct = (need: Need, product: Need): boolean =>
  need.kind === 'secret' ? product.kind === 'secret' && product.key === need.key : product.kind === 'share-set' && (need.policy === undefined || need.policy === product.policy);

const produces = (script: CeremonyScript, step: Step, need: Need): boolean => productsOf(script, step).some((product) => sameProduct(need, product));

/** The step the resumed run starts from: the interrupted one, or earlier if a step still to run needs a product the crash lost. */
function resumeIndex(script: CeremonyScript, state: CeremonyState): { index: number; restart: boolean; reasons: string[] } {
  const steps = script.steps;
  const interrupted = state.stepIndex;
  let from = interrupted;
  // The interrupted step's action already ran when it was collecting sign-offs: what it put in memory died with the process.
  const ranAlready = state.stage === 'sign-off';
  let restart = false;
  const reasons: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (let i = from; i < steps.length; i++) {
      // The interrupted step's action already ran if it is collecting sign-offs; resumed as is, it needs nothing more.
      if (i === interrupted && from === interrupted && state.stage === 'sign-off') continue;
      const step = steps[i] as Step;
      for (const need of needsOf(script, step)) {
        let producer = -1;
        for (let p = i - 1; p >= 0; p--) if (produces(script, steps[p] as Step, need)) { producer = p; break; }
        if (producer < 0 || producer > from) continue;
        const what = need.kind === 'secret' ? `the secret of key '${need.key}'` : 'the sealed share set';
        if (producer === from) {
          // Only the interrupted step, whose action ran before the crash, is done again from its start (its approvals too).
          if (producer !== interrupted || !ranAlready || restart) continue;
          restart = true;
          reasons.push(`step ${step.id} needs ${what}, which step ${(steps[producer] as Step).id} made before the crash, in memory only`);
          continue;
        }
        reasons.push(`step ${step.id} needs ${what}, held only in memory since step ${(steps[producer] as Step).id}`);
        from = producer;
        changed = true;
      }
    }
  }
  return { index: from, restart: restart && from === interrupted, reasons };
}

export function planResume(script: CeremonyScript, state: CeremonyState, events: readonly TranscriptEvent[], inputsSource: 'answers-file' | 'people'): ResumePlan {
  const steps = script.steps;
  const current = steps[state.stepIndex];
  const interrupted = current === undefined ? undefined : { step: current.id, index: state.stepIndex, stage: state.stage };
  const { index: from, restart, reasons } = current === undefined ? { index: state.stepIndex, restart: false, reasons: [] } : resumeIndex(script, state);
  const completed = new Set(state.completed.map((c) => c.index));
  const lost: string[] = ['the ceremony signing key (software, in memory only): a new one signs from here, named in ceremony/resumed'];
  if (state.participants.length > 0) {
    lost.push(`the cosigning keys of ${state.participants.length} enrolled participant(s): new ones are made and named in ceremony/resumed`);
    lost.push(inputsSource === 'answers-file'
      ? 'the participants\' signing credentials held since enrolment: derived again from the answers file and checked against the enrolled keys'
      : 'nothing of the participants\' credentials: people type their passphrase for each signature');
  }
  const relogins: { hsm: string; step: string }[] = [];
  for (const [i, step] of steps.entries()) {
    if (!completed.has(i) || i >= from || step.action !== 'hsm.login') continue;
    relogins.push({ hsm: step.params.hsm, step: step.id });
    lost.push(`the logged-in session on HSM ${step.params.hsm} (step ${step.id}): the PIN is entered again`);
  }
  // Secrets and share sets made before the crash that a step not yet complete still needs.
  for (const [i, step] of steps.entries()) {
    const made = completed.has(i) || (i === state.stepIndex && state.stage === 'sign-off');
    for (const product of made ? productsOf(script, step) : []) {
      const stillNeeded = steps.some((later, j) => j > i && !completed.has(j) && needsOf(script, later).some((n) => sameProduct(n, product)));
      if (!stillNeeded) continue;
      lost.push(product.kind === 'secret' ? `the secret of key '${product.key}' made at step ${step.id} (engine memory only)` : `the share set sealed at step ${step.id} (engine memory only until every share is written)`);
    }
  }
  // From an earlier step, that step and every one after it up to the interrupted one are done again; otherwise the interrupted step continues from its stage.
  const redone = from < state.stepIndex || restart ? steps.slice(from, state.stepIndex + 1).map((s) => s.id) : [];
  const supersededShareSets = events
    .filter((e) => e.type === 'share-set/issued' && e.step !== null && steps.findIndex((s) => s.id === e.step) >= from)
    .map((e) => String(e.payload['shareSetId']));
  const resumeFrom = steps[from] === undefined ? undefined : { step: (steps[from] as Step).id, index: from };
  return { interrupted, resumeFrom, redone, reasons, lost, relogins, supersededShareSets };
}
