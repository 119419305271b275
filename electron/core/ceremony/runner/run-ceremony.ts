/**
 * The ceremony runner: executes a parsed script's steps through the state
 * machine (shared/ceremony/state-machine.ts), calling one action handler per
 * step (../actions/), and records everything in the transcript:
 *
 *   opened (script hash, run nonce) → rehearsal token mapping → for each step:
 *   approvals → action → result → sign-offs → step/completed + checkpoint
 *   → close, cosigned by every participant → evidence bundle.
 *
 * Every refusal or failure is recorded (`ceremony/refused`), the ceremony is
 * aborted through the state machine, the transcript is closed with a signed
 * checkpoint and cosigned, and the bundle is still exported: an auditor sees
 * how far it got and why it stopped. Secrets (passphrases, PINs, master
 * secrets, credentials' seeds) live only in SecretBytes and are wiped in
 * `finally`; the transcript's own payload check refuses a secret-named field.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCommand, currentStep, exceptionContent, type ExceptionContent, phaseOf, resultSha256, RUN_NONCE_BYTES, startCeremony, type CeremonyCommand, type CeremonyState, type ParsedScript, type PublicValue, type Step } from '../../../../shared/ceremony/index.ts';
import { isPreflightAction } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import type { JsonValue, TranscriptEvent } from '../../../../shared/transcript/event.ts';
import { exportBundle, type ExportedBundle } from '../../transcript/bundle-export.ts';
import { Journal } from '../../transcript/journal.ts';
import { SoftwareEd25519Signer } from '../../transcript/signer.ts';
import { deriveParticipantCredential, PARTICIPANT_KDF, type CredentialKdfCost } from '../credential.ts';
import { ACTION_HANDLERS, RUNNER_ACTIONS } from '../actions/index.ts';
import type { Answers } from './answers.ts';
import { answersInputs } from './answers-inputs.ts';
import { untilAccepted, type CeremonyInputs } from './inputs.ts';
import type { ActionHandler, ActionOutcome, RunContext } from './context.ts';
import type { HsmModuleOptions } from '../../hsm/index.ts';
import { openRehearsalHsms, tokensMappedNote, type RehearsalHsms, type TokenMapping } from './rehearsal-hsm.ts';
import { journalledClock } from './ceremony-clock.ts';
import { preparePeopleException } from './people-exception.ts';
import { recordRefusedInput, signException, signStage } from './sign-stage.ts';
import { CeremonyWork } from './work-progress.ts';

export interface RehearsalOptions {
  parsed: ParsedScript;
  /** Where people's inputs come from: an answers file (CLI) or people at the screen (inputs.ts). */
  inputs: CeremonyInputs | { answers: Answers };
  /** Created by the runner; must not exist yet or be empty of the runner's folders. */
  outFolder: string;
  now?: () => Date;
  /** Test hook only: the participant KDF cost (PARTICIPANT_KDF otherwise). */
  kdfCost?: CredentialKdfCost;
  /** Test hook only: wraps the rehearsal tokens' PKCS#11 binding (a fault injector, ../../hsm/fault-binding.ts). */
  wrapBinding?: HsmModuleOptions['wrapBinding'];
  /** The rehearsal-hsm folder of an earlier rehearsal whose tokens (copied) this one acts on; else the answers file's previous.rehearsalHsm. */
  earlierTokens?: string;
  /** Progress lines for the operator (never secrets). */
  log?: (line: string) => void;
  /** Told as the ceremony moves (the UI's view, a model test): public state only. */
  observer?: RunObserver;
}

export interface RunObserver {
  /** Every state the state machine reaches. */
  state?(state: CeremonyState): void;
  /** Every transcript event, once on disk. */
  recorded?(event: TranscriptEvent): void;
  /** Every signed checkpoint: its tree size and root. */
  checkpoint?(size: number, root: Uint8Array): void;
  /** Where long work reports its progress, and where the host cancels it (work-progress.ts); a silent one otherwise. */
  work?: CeremonyWork;
}

export interface RehearsalOutcome {
  status: 'closed' | 'aborted';
  ceremonyId: string;
  transcriptFolder: string;
  bundle: ExportedBundle | undefined;
  /** Why the ceremony stopped (aborted only). */
  failure: { code: string; message: string; step: string | null } | undefined;
  mappings: readonly TokenMapping[];
  stepsCompleted: number;
}

/** `<script id>/rehearsal-<UTC stamp>`: a transcript ceremony id (and the ceremony key's name). */
export function rehearsalCeremonyId(scriptId: string, now: Date): string {
  return `${scriptId}/rehearsal-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** Actions of the script this runner has no handler for (the run is then refused, and the refusal recorded, before any step). */
export function unsupportedActions(parsed: ParsedScript): string[] {
  return [...new Set(parsed.script.steps.map((s) => s.action))].filter((a) => ACTION_HANDLERS[a] === undefined && !RUNNER_ACTIONS.includes(a));
}

export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalOutcome> {
  const { parsed, outFolder } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const script = parsed.script;
  const ceremonyId = rehearsalCeremonyId(script.metadata.id, now());
  const transcriptFolder = join(outFolder, 'transcript');
  mkdirSync(outFolder, { recursive: true });
  const ceremonyKey = SoftwareEd25519Signer.generate(ceremonyId, 'ceremony', now);
  writeFileSync(join(outFolder, 'ceremony-key.txt'), `${ceremonyKey.verifierKey.text}\n`, { flag: 'wx' });
  const { journal } = Journal.open(transcriptFolder, ceremonyId);
  const recorded = options.observer?.recorded;
  if (recorded !== undefined) journal.observe(recorded);
  // Fresh for every run and in every signed content: a sign-off from another (say aborted) run of this script never verifies in this one.
  const runNonce = randomBytes(RUN_NONCE_BYTES).toString('hex');
  journal.append({ type: 'ceremony/opened', payload: { title: script.metadata.title, scriptSha256: parsed.scriptSha256, signingKey: ceremonyKey.verifierKey.text, runNonce, scriptId: script.metadata.id, mode: script.metadata.mode, rehearsal: true } });
  log(`Ceremony ${ceremonyId}: script ${parsed.scriptSha256}`);

  const run: CeremonyRun = {
    parsed, inputs: inputsOf(options.inputs), outFolder, transcriptFolder, journal, ceremonyKey, now, log, observer: options.observer,
    kdfCost: options.kdfCost ?? PARTICIPANT_KDF, machine: new Machine(startCeremony(script, parsed.scriptSha256, runNonce), options.observer?.state),
    cosigners: new Map(), earlierCeremonyKeys: [],
  };
  return driveCeremony(run, async (adopt) => {
    // Refused before any step or token, but recorded: a script this runner cannot finish never half-runs.
    refuseUnsupportedActions(parsed);
    const earlierTokens = options.earlierTokens ?? ('answers' in options.inputs ? options.inputs.answers.previous?.rehearsalHsm : undefined);
    const hsms = await openRehearsalHsms(join(outFolder, 'rehearsal-hsm'), script.hsms, options.wrapBinding, earlierTokens);
    const ctx = newRunContext(run, hsms);
    adopt(ctx);
    // Never silent: each placeholder token of the script and the fresh token that stands in for it.
    journal.append({ type: 'rehearsal/tokens-mapped', payload: { note: tokensMappedNote(hsms.mappings), mappings: hsms.mappings.map((m) => ({ ...m })) } });
    for (const m of hsms.mappings) log(`HSM ${m.hsm}: script ${m.scriptToken} -> rehearsal token ${m.label} (serial ${m.serial})`);
    return ctx;
  });
}

export const inputsOf = (given: RehearsalOptions['inputs']): CeremonyInputs => ('answers' in given ? answersInputs(given.answers) : given);

export function refuseUnsupportedActions(parsed: ParsedScript): void {
  const missing = unsupportedActions(parsed);
  if (missing.length > 0) throw new KeyriteError('CEREMONY_ACTION_UNSUPPORTED', `This runner cannot perform ${missing.join(', ')} yet; no step was run.`);
}

/**
 * One run of the step loop, whether the ceremony was just opened
 * (runRehearsal) or is resumed after a crash (resume.ts): the journal is
 * open, the state machine is where the run starts from, and `begin` opens
 * the HSMs and makes the run context (a resume also re-establishes what the
 * crash lost there, recorded).
 */
export interface CeremonyRun {
  readonly parsed: ParsedScript;
  readonly inputs: CeremonyInputs;
  readonly outFolder: string;
  readonly transcriptFolder: string;
  readonly journal: Journal;
  /** Signs this run's checkpoints; destroyed when the run ends. */
  readonly ceremonyKey: SoftwareEd25519Signer;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  readonly observer: RunObserver | undefined;
  readonly kdfCost: CredentialKdfCost;
  readonly machine: Machine;
  /** Each enrolled participant's cosigning key for the final checkpoint (a resume makes new ones: the old ones died with the process). */
  readonly cosigners: Map<string, SoftwareEd25519Signer>;
  /** Ceremony keys that signed checkpoints before a resume, listed in the bundle with this run's key. */
  readonly earlierCeremonyKeys: readonly string[];
  /** A resumed rehearsal: the time its recorded clock jumps skipped. */
  readonly skippedMs?: number;
}

/** The empty run context over opened HSMs (a resume then refills what the transcript and the HSMs still hold). */
export function newRunContext(run: CeremonyRun, hsms: RehearsalHsms): RunContext {
  // Payload times come from the ceremony clock: a rehearsal's jumps over a waiting period are recorded (ceremony-clock.ts).
  const clock = journalledClock(run.parsed.script.metadata.mode, run.now, run.journal, run.skippedMs ?? 0);
  return {
    script: run.parsed.script, inputs: run.inputs, journal: run.journal, ceremonyKey: run.ceremonyKey, outFolder: run.outFolder, hsms, now: clock.now, clock, keyLifecycle: new Map(),
    completedSteps: run.machine.state.completed.length, devices: undefined, kdfCost: run.kdfCost,
    sessions: new Map(), credentials: new Map(), enrolled: new Map(), inventories: new Map(), generated: new Map(), secrets: new Map(),
    hostCheckValues: new Map(), shareSets: new Map(), loaded: new Map(), work: run.observer?.work ?? new CeremonyWork(),
  };
}

/**
 * Runs the steps from wherever `run.machine` stands to the close (or the
 * abort, recorded), then signs the final checkpoint, has every cosigner
 * cosign it and exports the bundle. `begin` runs inside the same guard as
 * the steps: whatever it refuses is recorded like a step's refusal. The
 * context is handed over through `adopt` as soon as it exists, so the HSMs
 * it opened are closed even if `begin` fails after opening them.
 */
export async function driveCeremony(run: CeremonyRun, begin: (adopt: (ctx: RunContext) => void) => Promise<RunContext>): Promise<RehearsalOutcome> {
  const { parsed, journal, ceremonyKey, machine, cosigners, log, now, outFolder, transcriptFolder } = run;
  const script = parsed.script;
  const checkpoint = async (): Promise<void> => {
    await journal.checkpoint(ceremonyKey);
    run.observer?.checkpoint?.(journal.size, journal.root());
  };
  let ctx: RunContext | undefined;
  let failure: RehearsalOutcome['failure'];
  let mappings: readonly TokenMapping[] = [];

  try {
    ctx = await begin((opened) => {
      ctx = opened;
      // Known as soon as the tokens are open: a run stopped while beginning (a resume's PIN asked again, then abort) still says which tokens it used.
      mappings = opened.hsms.mappings;
    });
    const opened = ctx;
    // People at the screen may raise an exception while the run waits for them (people-exception.ts).
    run.inputs.attach?.({ prepareException: (raised) => preparePeopleException(opened, machine, raised) });
    mappings = ctx.hsms.mappings;
    while (phaseOf(machine.state) !== 'ready-to-close') {
      const step = currentStep(machine.state) as Step;
      const index = machine.state.stepIndex;
      if (machine.state.stage === 'action') await runAction(ctx, step, machine, cosigners);
      else await signStage(ctx, machine.state, machine.apply);
      if (machine.state.stepIndex !== index) {
        const { completed } = machine.state;
        ctx.completedSteps = completed.length;
        const done = completed[completed.length - 1];
        journal.append({ type: 'step/completed', step: step.id, payload: { index, action: step.action, title: step.title, deviation: done?.deviation ?? false, result: asJson(done?.result ?? null) } });
        await checkpoint();
        log(`Step ${index + 1}/${script.steps.length} ${step.id}: done`);
      }
    }
    machine.apply({ kind: 'close' });
    journal.append({ type: 'ceremony/closed', payload: { outcome: 'completed', stepsCompleted: machine.state.completed.length } });
  } catch (error) {
    failure = describeFailure(error, currentStep(machine.state)?.id ?? null);
    log(`Refused: ${failure.code}: ${failure.message}`);
    journal.append({ type: 'ceremony/refused', step: failure.step, payload: { ...failure } });
    // Already aborted by a signed exception, or aborted now: either way the state machine ends it.
    if (machine.state.status === 'running') machine.apply({ kind: 'abort', reason: `${failure.code}: ${failure.message}`.slice(0, 2048) });
    journal.append({ type: 'ceremony/closed', payload: { outcome: 'aborted', reason: failure.message.slice(0, 2048), stepsCompleted: machine.state.completed.length } });
  } finally {
    for (const session of ctx?.sessions.values() ?? []) await session.close().catch(() => {});
    await ctx?.hsms.close().catch(() => {});
    for (const secret of ctx?.secrets.values() ?? []) secret.wipe();
    for (const credential of ctx?.credentials.values() ?? []) credential.wipe();
  }

  // The final checkpoint, cosigned by everyone enrolled, then the bundle.
  let bundle: ExportedBundle | undefined;
  try {
    await checkpoint();
    for (const cosigner of cosigners.values()) await journal.cosign(cosigner);
    journal.close();
    const keys = [...run.earlierCeremonyKeys, ceremonyKey.verifierKey.text, ...[...cosigners.values()].map((c) => c.verifierKey.text)];
    // Not cancellable: the transcript is closed and cosigned; the bundle is its only export. One item: the verifier (the lead's hot path) takes no callback.
    const verifying = { step: null, work: 'verifying-bundle', label: 'Exporting and verifying the evidence bundle', item: 1, items: 1, total: 1 } as const;
    run.observer?.work?.report({ ...verifying, done: 0, state: 'running' });
    bundle = await exportBundle(transcriptFolder, join(outFolder, 'bundle'), keys, now());
    run.observer?.work?.report({ ...verifying, done: 1, state: 'finished' });
  } finally {
    journal.close();
    ceremonyKey.destroy();
    for (const cosigner of cosigners.values()) cosigner.destroy();
  }
  return { status: failure === undefined ? 'closed' : 'aborted', ceremonyId: journal.ceremonyId, transcriptFolder, bundle, failure, mappings, stepsCompleted: machine.state.completed.length };
}

/** A result is plain JSON already (the state machine checks it); only its readonly typing differs. */
const asJson = (value: PublicValue): JsonValue => value as JsonValue;

/** The state machine's current state; `apply` throws its refusal (a CeremonyRefusal naming the rule). */
export class Machine {
  state: CeremonyState;
  readonly #observe: ((state: CeremonyState) => void) | undefined;
  constructor(state: CeremonyState, observe?: (state: CeremonyState) => void) {
    this.state = state;
    this.#observe = observe;
    observe?.(state);
  }

  readonly apply = (command: CeremonyCommand): CeremonyState => {
    const t = applyCommand(this.state, command);
    if (!t.ok) throw t.refusal;
    this.state = t.state;
    this.#observe?.(this.state);
    return this.state;
  };
}

/**
 * Enrols every participant of the answers file: derives their credential
 * (Argon2id, passphrase wiped), and a software cosigning key for the final
 * checkpoint; the state machine enforces role separation and counts.
 */
async function enrolAll(ctx: RunContext, step: Step, machine: Machine, cosigners: Map<string, SoftwareEd25519Signer>): Promise<void> {
  for (;;) {
    // Role separation and counts are the state machine's: a refused enrolment is explained, and the person (or another) enrols again.
    const person = await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
      const next = await ctx.inputs.nextParticipant({ step, enrolled: machine.state.participants.map((p) => ({ id: p.id, role: p.role })) });
      if (next === undefined) return undefined;
      const credential = await deriveParticipantCredential(next.passphrase, ctx.script.metadata.id, next.id, ctx.kdfCost);
      try {
        machine.apply({ kind: 'enrol', participant: { id: next.id, name: next.name, role: next.role, publicKey: credential.publicKeyHex } });
      } catch (error) {
        credential.wipe();
        throw error;
      }
      // From an answers file the credential signs later steps; people type their passphrase again for each signature.
      if (ctx.inputs.source === 'answers-file') ctx.credentials.set(next.id, credential);
      else credential.wipe();
      return { ...next, publicKeyHex: credential.publicKeyHex };
    });
    if (person === undefined) return;
    ctx.enrolled.set(person.id, { name: person.name, role: person.role });
    const cosigner = SoftwareEd25519Signer.generate(`${ctx.journal.ceremonyId}/${person.id}`, 'cosigner', ctx.now);
    cosigners.set(person.id, cosigner);
    ctx.journal.append({
      type: 'participant/enrolled', actors: [person.id],
      payload: { participant: person.id, displayName: person.name, role: person.role, cosignerKey: cosigner.verifierKey.text, signingKey: person.publicKeyHex },
    });
  }
}

function describeFailure(error: unknown, step: string | null): NonNullable<RehearsalOutcome['failure']> {
  if (error instanceof KeyriteError) return { code: error.code, message: error.message, step };
  return { code: 'CEREMONY_ACTION_FAILED', message: error instanceof Error ? error.message : String(error), step };
}

async function runAction(ctx: RunContext, step: Step, machine: Machine, cosigners: Map<string, SoftwareEd25519Signer>): Promise<void> {
  if (step.action === 'participants.enrol') {
    await enrolAll(ctx, step, machine, cosigners);
    machine.apply({ kind: 'record-result', stepId: step.id });
    // Said in the transcript: a crash before the enrolment's first sign-off then resumes at its sign-offs, not by enrolling everyone again.
    ctx.journal.append({ type: 'enrolment/complete', step: step.id, payload: { participants: machine.state.participants.length } });
    await signPreflightExceptions(ctx, machine);
    return;
  }
  const handler = ACTION_HANDLERS[step.action] as ActionHandler<Step['action']>;
  const outcome: ActionOutcome = await handler(ctx, step);
  const deviation = outcome.deviation === true;
  ctx.journal.append({ type: 'step/result', step: step.id, payload: { action: step.action, deviation, result: asJson(outcome.result) } });
  if (isPreflightAction(step.action)) {
    if (deviation && outcome.exception !== undefined) recordPreflightException(ctx, step, machine, outcome, outcome.exception);
    machine.apply({ kind: 'record-preflight', stepId: step.id, result: outcome.result, deviation });
    return;
  }
  if (deviation) await raiseException(ctx, step, machine, outcome);
  machine.apply({ kind: 'record-result', stepId: step.id, result: outcome.result, deviation });
}

/** A deviating action: the administrator and the witness quorum sign an exception carrying the script's decision, bound to this result by its hash. */
async function raiseException(ctx: RunContext, step: Step, machine: Machine, outcome: ActionOutcome): Promise<void> {
  const decision = step.onException;
  const draft = { kind: 'raise-exception' as const, stepId: step.id, expected: `step ${step.id} (${step.action}) without deviation`, actual: JSON.stringify(outcome.result).slice(0, 2000), resultSha256: resultSha256(outcome.result), decision, signatures: [] };
  const content = exceptionContent(machine.state, draft);
  if (content === undefined) throw new KeyriteError('CEREMONY_WRONG_STEP', 'No current step to raise an exception on.');
  const signatures = await signException(ctx, machine.state, content);
  machine.apply({ ...draft, signatures });
  ctx.journal.append({
    type: 'exception/recorded', step: step.id, actors: signatures.map((s) => s.participantId),
    payload: { description: `Step ${step.id} deviated: ${draft.actual}`.slice(0, 2048), decision, expected: draft.expected, actual: draft.actual, resultSha256: draft.resultSha256, signatures: signatures.map((s) => ({ ...s })) },
  });
  if (decision === 'abort') throw new KeyriteError('CEREMONY_EXCEPTION_ABORT', `Step '${step.id}' deviated and its script says abort: ${draft.actual}`.slice(0, 2048));
}

/** Pre-flight exceptions recorded before anyone could sign them, with the content the quorum signs once enrolled. */
const pendingExceptions = new WeakMap<RunContext, ExceptionContent[]>();

/** A resumed run: pre-flight exceptions the transcript records as raised but not yet signed (resume.ts rebuilds them). */
export function holdPreflightExceptions(ctx: RunContext, contents: readonly ExceptionContent[]): void {
  if (contents.length > 0) pendingExceptions.set(ctx, [...contents]);
}

/**
 * A pre-flight check that deviates in a way people must decide on (a custody
 * serial that differs from the earlier ceremony's) is recorded as an
 * exception at once, before the state machine takes it as a pre-flight
 * warning (or refuses it, when the script says abort). Nobody is enrolled
 * yet, so the administrator and the witness quorum sign it right after
 * enrolment (`exception/signed`), over the same exception content a step's
 * exception has: the pre-flight step, expected and actual, the result's hash
 * and the script's decision.
 */
function recordPreflightException(ctx: RunContext, step: Step, machine: Machine, outcome: ActionOutcome, exception: NonNullable<ActionOutcome['exception']>): void {
  const expected = exception.expected.slice(0, 2048);
  const actual = exception.actual.slice(0, 2048);
  const content = exceptionContent(machine.state, { kind: 'raise-exception', stepId: step.id, expected, actual, resultSha256: resultSha256(outcome.result), decision: step.onException, signatures: [] });
  if (content === undefined) throw new KeyriteError('CEREMONY_WRONG_STEP', 'No current step to raise an exception on.');
  ctx.journal.append({
    type: 'exception/recorded', step: step.id, actors: [],
    payload: {
      description: `Step ${step.id} deviated: expected ${expected}; found ${actual}`.slice(0, 2048),
      decision: step.onException, expected, actual, items: asJson(exception.items ?? null), resultSha256: content.resultSha256, signatures: [],
      note: 'Raised in pre-flight, before enrolment: the administrator and the witness quorum sign it once enrolled (exception/signed).',
    },
  });
  if (step.onException === 'continue') pendingExceptions.set(ctx, [...(pendingExceptions.get(ctx) ?? []), content]);
}

async function signPreflightExceptions(ctx: RunContext, machine: Machine): Promise<void> {
  for (const content of pendingExceptions.get(ctx) ?? []) {
    const signatures = await signException(ctx, machine.state, content);
    ctx.journal.append({
      type: 'exception/signed', step: content.step.id, actors: signatures.map((s) => s.participantId),
      payload: { decision: content.decision, stepIndex: content.step.index, action: content.step.action, expected: content.expected, actual: content.actual, resultSha256: content.resultSha256, signatures: signatures.map((s) => ({ ...s })) },
    });
  }
  pendingExceptions.delete(ctx);
}
