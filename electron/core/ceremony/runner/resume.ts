/**
 * Resuming a rehearsal after a crash (DESIGN.md: "If the app dies anywhere,
 * the transcript on disk is a valid prefix; on restart the engine replays
 * it, says what was lost and resumes from a safe step").
 *
 *  1. The crashed run's transcript is checked like a bundle (resume-
 *     transcript.ts); a damaged one, another script's, or a closed ceremony
 *     is refused, typed, and left untouched.
 *  2. The state machine is rebuilt by replaying the recorded commands
 *     (resume-replay.ts; every sign-off's signature verifies again), with
 *     the run nonce of `ceremony/opened`.
 *  3. What was lost and the last safe step are worked out (resume-plan.ts).
 *     From an answers file, each enrolled participant's credential is
 *     derived again from their passphrase and must give the enrolled key.
 *     Nothing has been written so far.
 *  4. The journal is reopened (a torn last line is cut and recorded), a new
 *     ceremony key and new cosigner keys are made, and `ceremony/resumed`
 *     records the plan and the keys. Then, each recorded: the HSM sessions
 *     are logged in again; keys kept from before the crash are found again
 *     and their check values or public keys compared with the record; what
 *     a superseded attempt of a redone step left (keys in an HSM, share
 *     files of a superseded set) is destroyed or removed.
 *  5. The ordinary step loop (run-ceremony.ts, driveCeremony) takes over.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayCommands, type CeremonyState, type ParsedScript, type Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import type { JsonValue, TranscriptEvent } from '../../../../shared/transcript/event.ts';
import { Journal } from '../../transcript/journal.ts';
import { SoftwareEd25519Signer } from '../../transcript/signer.ts';
import { fsyncFolder } from '../../transcript/durable-file.ts';
import { deriveParticipantCredential, PARTICIPANT_KDF, type CredentialKdfCost, type ParticipantCredential } from '../credential.ts';
import { keySpecOf } from '../actions/hsm-generate-key.ts';
import { restoreKeyLifecycle } from '../actions/key-lifecycle.ts';
import { skippedByJumps } from './ceremony-clock.ts';
import { takeSecret, type Answers } from './answers.ts';
import { sessionFor, type RunContext } from './context.ts';
import { untilAccepted, type CeremonyInputs } from './inputs.ts';
import { openRehearsalHsms, tokensMappedNote, type TokenMapping } from './rehearsal-hsm.ts';
import { destroyLabelled, findKeptKey, reopenRehearsalHsms } from './resume-hsm.ts';
import { planResume, type ResumePlan } from './resume-plan.ts';
import { recordedCommands } from './resume-replay.ts';
import { readCrashedTranscript } from './resume-transcript.ts';
import { driveCeremony, holdPreflightExceptions, inputsOf, Machine, newRunContext, refuseUnsupportedActions, type CeremonyRun, type RehearsalOptions, type RehearsalOutcome } from './run-ceremony.ts';
import { recordRefusedInput } from './sign-stage.ts';

export interface ResumeOptions {
  parsed: ParsedScript;
  /** The same inputs source as the crashed run: its answers file, or people at the screen. */
  inputs: RehearsalOptions['inputs'];
  /** The crashed run's output folder. */
  outFolder: string;
  now?: () => Date;
  /** Test hook only: the participant KDF cost (PARTICIPANT_KDF otherwise); must be the crashed run's. */
  kdfCost?: CredentialKdfCost;
  log?: (line: string) => void;
  observer?: RehearsalOptions['observer'];
}

export interface ResumeOutcome extends RehearsalOutcome {
  plan: ResumePlan;
}

export async function resumeRehearsal(options: ResumeOptions): Promise<ResumeOutcome> {
  const { parsed, outFolder } = options;
  const script = parsed.script;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const kdfCost = options.kdfCost ?? PARTICIPANT_KDF;
  const transcriptFolder = join(outFolder, 'transcript');

  // 1-3: read, replay and plan; nothing is written until all of it holds.
  const crashed = readCrashedTranscript(transcriptFolder, parsed.scriptSha256);
  refuseUnsupportedActions(parsed);
  const recorded = recordedCommands(script, parsed.scriptSha256, crashed.runNonce, crashed.events);
  const atCrash = replayCommands(script, parsed.scriptSha256, crashed.runNonce, recorded.commands.map((c) => c.command));
  if (atCrash.refusedAt !== undefined) {
    const at = recorded.commands[atCrash.refusedAt.index];
    throw new KeyriteError('CEREMONY_RESUME_REPLAY_REFUSED', `Event ${at?.seq ?? '?'} of the transcript is not a step the ceremony's rules allow here (${atCrash.refusedAt.refusal.message}): it cannot be resumed.`);
  }
  const inputs = inputsOf(options.inputs);
  const plan = planResume(script, atCrash.state, crashed.events, inputs.source);
  const redoFrom = plan.redone.length > 0 ? plan.resumeFrom?.index : undefined;
  const kept = redoFrom === undefined ? recorded.commands : recorded.commands.filter((c) => c.stepIndex < redoFrom);
  const { state } = replayCommands(script, parsed.scriptSha256, crashed.runNonce, kept.map((c) => c.command));
  const credentials = 'answers' in options.inputs ? await credentialsAgain(options.inputs.answers, state, kdfCost) : new Map<string, ParticipantCredential>();

  // 4: from here on the transcript is written, and every refusal is recorded.
  let handedOver = false;
  try {
    const { journal, recovery } = Journal.open(transcriptFolder, crashed.ceremonyId);
    const recordedObserver = options.observer?.recorded;
    if (recordedObserver !== undefined) journal.observe(recordedObserver);
    const ceremonyKey = SoftwareEd25519Signer.generate(crashed.ceremonyId, 'ceremony', now);
    writeFileSync(join(outFolder, `ceremony-key.resumed-${journal.size}.txt`), `${ceremonyKey.verifierKey.text}\n`, { flag: 'wx' });
    const cosigners = new Map(state.participants.map((p) => [p.id, SoftwareEd25519Signer.generate(`${crashed.ceremonyId}/${p.id}`, 'cosigner', now)]));
    const run: CeremonyRun = {
      parsed, inputs: inputs.source === 'answers-file' ? skipDone(inputs) : inputs, outFolder, transcriptFolder, journal, ceremonyKey, now, log,
      observer: options.observer, kdfCost, machine: new Machine(state, options.observer?.state), cosigners, earlierCeremonyKeys: crashed.ceremonyKeys,
      // A rehearsal's clock goes on from where its recorded jumps took it; it never falls back.
      skippedMs: script.metadata.mode === 'rehearsal' ? skippedByJumps(crashed.events) : 0,
    };
    handedOver = true;
    const outcome = await driveCeremony(run, async (adopt) => {
      const recordedMappings = crashed.events.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload['mappings'] as unknown as TokenMapping[] | undefined;
      // Crashed before its tokens were recorded: nothing was done on them, so fresh ones are made (and recorded) as a fresh run would.
      const hsms = await (recordedMappings === undefined ? openRehearsalHsms(join(outFolder, 'rehearsal-hsm'), script.hsms) : reopenRehearsalHsms(join(outFolder, 'rehearsal-hsm'), recordedMappings)).catch((error: unknown) => {
        for (const credential of credentials.values()) credential.wipe();
        throw error;
      });
      const mappings = hsms.mappings;
      // Held by the context from here, and wiped with it when the run ends.
      const ctx = newRunContext(run, hsms);
      for (const [id, credential] of credentials) ctx.credentials.set(id, credential);
      adopt(ctx);
      for (const p of state.participants) ctx.enrolled.set(p.id, { name: p.name, role: p.role });
      journal.append({ type: 'ceremony/resumed', payload: resumedPayload(plan, crashed, recovery?.discardedBytes ?? 0, ceremonyKey, cosigners, redoFrom) });
      if (recordedMappings === undefined) journal.append({ type: 'rehearsal/tokens-mapped', payload: { note: tokensMappedNote(mappings), mappings: mappings.map((m) => ({ ...m })) } });
      describePlan(plan, log);
      recordUnmarkedCompletions(ctx, state, crashed.events);
      await restoreSessions(ctx, plan, state);
      await restoreKept(ctx, state, crashed.events, mappings, redoFrom ?? state.stepIndex);
      await removeSuperseded(ctx, plan, redoFrom, state);
      holdPreflightExceptions(ctx, recorded.unsignedPreflightExceptions);
      return ctx;
    });
    return { ...outcome, plan };
  } finally {
    if (!handedOver) for (const credential of credentials.values()) credential.wipe();
  }
}

/** Answers file: each enrolled participant's credential derived again from their passphrase; it must give the key they enrolled with. */
async function credentialsAgain(answers: Answers, state: CeremonyState, cost: CredentialKdfCost): Promise<Map<string, ParticipantCredential>> {
  const out = new Map<string, ParticipantCredential>();
  try {
    const derived = await Promise.all(state.participants.map(async (p) => {
      const given = answers.participants.find((a) => a.id === p.id);
      if (given === undefined) throw new KeyriteError('CEREMONY_RESUME_ANSWERS_MISMATCH', `${p.name} (${p.id}) is enrolled in the transcript but not in the answers file.`);
      const credential = await deriveParticipantCredential(takeSecret(given.passphrase), state.script.metadata.id, p.id, cost);
      out.set(p.id, credential);
      return { p, credential };
    }));
    for (const { p, credential } of derived) {
      if (credential.publicKeyHex !== p.publicKey) throw new KeyriteError('CEREMONY_CREDENTIAL_MISMATCH', `The answers file's passphrase for ${p.name} (${p.id}) does not give the key they enrolled with: it is not the crashed run's answers file.`);
    }
    return out;
  } catch (error) {
    for (const credential of out.values()) credential.wipe();
    throw error;
  }
}

/** An answers file read from the start again: the people it lists who already enrolled or already signed the current stage are passed over. */
function skipDone(inputs: CeremonyInputs): CeremonyInputs {
  return {
    ...inputs,
    async nextParticipant(ask) {
      for (;;) {
        const next = await inputs.nextParticipant(ask);
        if (next === undefined || !ask.enrolled.some((e) => e.id === next.id)) return next;
        next.passphrase.wipe();
      }
    },
    async nextSigner(ask) {
      const signed = ask.stage === 'approval' ? ask.state.approvals : ask.stage === 'sign-off' ? ask.state.signOffs : [];
      for (let i = 0; i < 256; i++) {
        const next = await inputs.nextSigner(ask);
        if (next === undefined || !signed.some((s) => s.participantId === next.participantId)) return next;
      }
      return undefined;
    },
  };
}

function resumedPayload(plan: ResumePlan, crashed: ReturnType<typeof readCrashedTranscript>, tornBytes: number, ceremonyKey: SoftwareEd25519Signer, cosigners: Map<string, SoftwareEd25519Signer>, redoFrom: number | undefined): Record<string, JsonValue> {
  const interrupted = plan.interrupted;
  return {
    reason: `The run stopped after event ${crashed.events.length - 1} without closing (a crash); this run replayed its transcript and goes on from it.`.slice(0, 2048),
    lastEvent: crashed.events.length - 1,
    unsignedEvents: crashed.unsignedEvents,
    tornBytes,
    interrupted: interrupted === undefined ? null : { ...interrupted },
    redoFrom: redoFrom === undefined || plan.resumeFrom === undefined ? null : { ...plan.resumeFrom },
    continuesAt: interrupted === undefined ? 'the close' : redoFrom === undefined ? `step ${interrupted.step}, at its ${interrupted.stage} stage` : `step ${plan.resumeFrom?.step ?? ''}, from the start`,
    redone: [...plan.redone],
    whyRedone: [...plan.reasons],
    lost: [...plan.lost],
    relogins: plan.relogins.map((r) => ({ ...r })),
    supersededShareSets: [...plan.supersededShareSets],
    signingKey: ceremonyKey.verifierKey.text,
    previousSigningKey: crashed.ceremonyKeys.at(-1) ?? '',
    keyChange: 'The ceremony key is a software key held in memory only, so it died with the crashed process. From this event on, checkpoints are signed by signingKey; earlier ones by previousSigningKey (and any before it). The bundle lists every one of them.',
    cosignerKeys: [...cosigners].map(([participant, c]) => ({ participant, cosignerKey: c.verifierKey.text })),
  };
}

function describePlan(plan: ResumePlan, log: (line: string) => void): void {
  log(`Resumed: ${plan.interrupted === undefined ? 'every step was complete; only the close remains' : `interrupted at step ${plan.interrupted.step} (${plan.interrupted.stage})`}`);
  for (const item of plan.lost) log(`Lost: ${item}`);
  if (plan.redone.length === 0) log(plan.interrupted === undefined ? 'Redone: nothing' : `Redone: nothing; step ${plan.interrupted.step} continues at its ${plan.interrupted.stage} stage`);
  else log(`Redone from step ${plan.resumeFrom?.step ?? ''}: ${plan.redone.join(', ')}`);
  for (const why of plan.reasons) log(`  because ${why}`);
  for (const id of plan.supersededShareSets) log(`Superseded share set: ${id}`);
}

/**
 * A step the replay finds complete (its result and sign-offs are recorded)
 * whose step/completed the crash cut off: recorded now, saying so, so every
 * step of the transcript still has its completion.
 */
function recordUnmarkedCompletions(ctx: RunContext, state: CeremonyState, events: readonly TranscriptEvent[]): void {
  const marked = new Set(events.filter((e) => e.type === 'step/completed').map((e) => e.step));
  for (const done of state.completed) {
    if (marked.has(done.id)) continue;
    const step = ctx.script.steps[done.index] as Step;
    ctx.journal.append({
      type: 'step/completed', step: step.id,
      payload: { index: done.index, action: step.action, title: step.title, deviation: done.deviation, result: done.result as JsonValue, note: 'Completed before the crash (its result and sign-offs are recorded above); this completion is recorded at the resume.' },
    });
  }
}

/** Logs in again to each HSM whose login step completed before the crash (the PIN asked again); the token must be the one the step recorded. */
async function restoreSessions(ctx: RunContext, plan: ResumePlan, state: CeremonyState): Promise<void> {
  for (const { hsm, step: stepId } of plan.relogins) {
    const step = ctx.script.steps.find((s) => s.id === stepId) as Step;
    const session = await sessionFor(ctx, hsm);
    await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
      await session.login('user', await ctx.inputs.pin({ step, hsm }));
    });
    const recordedSerial = (state.completed.find((c) => c.id === stepId)?.result as { tokenSerial?: string } | null)?.tokenSerial;
    if (recordedSerial !== session.token.serial) throw new KeyriteError('CEREMONY_RESUME_HSM_MISSING', `HSM ${hsm}: token serial ${session.token.serial} is not the ${recordedSerial ?? '(unrecorded)'} step ${stepId} logged in to.`);
    ctx.journal.append({ type: 'hsm/session-restored', step: stepId, payload: { hsm, tokenSerial: session.token.serial, tokenLabel: session.token.label, note: 'Logged in again after the crash; the step itself is not redone.' } });
  }
}

type Result = Record<string, JsonValue>;

/** The last step/result of `stepId` (an earlier resume may have superseded older ones). */
const resultEvent = (events: readonly TranscriptEvent[], stepId: string): TranscriptEvent | undefined => events.filter((e) => e.type === 'step/result' && e.step === stepId).at(-1);

/**
 * What completed steps before `before` made that lives on: HSM snapshots
 * (from the transcript's record of them), the host's check values (public),
 * and keys in the HSMs, found again by id and compared with the record.
 * Loaded keys are kept rather than destroyed and reloaded: their check
 * values, read from the HSM now, must equal those recorded at load, and the
 * secret to reload them from is gone.
 */
async function restoreKept(ctx: RunContext, state: CeremonyState, events: readonly TranscriptEvent[], mappings: readonly TokenMapping[], before: number): Promise<void> {
  for (const done of state.completed) {
    if (done.index >= before) continue;
    const step = ctx.script.steps[done.index] as Step;
    const result = (done.result ?? {}) as Result;
    const at = resultEvent(events, step.id)?.at ?? ctx.now().toISOString();
    switch (step.action) {
      case 'preflight.inventory':
        for (const hsm of step.params.hsms) {
          const recorded = ((result['hsmObjects'] ?? {}) as Result)[hsm] as { token: { label: string; serial: string }; view: 'public' | 'user' | 'so'; objects: never[] } | undefined;
          if (recorded !== undefined) ctx.inventories.set(`${step.id}/${hsm}`, { token: recorded.token, takenAt: at, view: recorded.view, objects: recorded.objects });
        }
        break;
      case 'inventory.snapshot': {
        const m = mappings.find((x) => x.hsm === step.params.hsm);
        ctx.inventories.set(`${step.id}/${step.params.hsm}`, { token: { label: m?.label ?? '', serial: m?.serial ?? '' }, takenAt: at, view: result['view'] as 'user', objects: result['objects'] as never[] });
        break;
      }
      case 'secret.generate':
      case 'shares.collect': {
        const key = step.action === 'secret.generate' ? step.params.key : (ctx.script.sharePolicies.find((p) => p.id === step.params.sharePolicy)?.key ?? '');
        if (typeof result['checkValue'] === 'string') ctx.hostCheckValues.set(key, result['checkValue']);
        break;
      }
      case 'hsm.generateKey': {
        const spec = keySpecOf(ctx, step.params.key);
        const { found, publicKey } = await findKeptKey(await sessionFor(ctx, step.params.hsm), {
          hsm: step.params.hsm, id: String(result['keyId']), label: spec.label,
          ...(typeof result['checkValue'] === 'string' ? { checkValue: result['checkValue'] } : {}),
          ...(typeof result['fingerprint'] === 'string' ? { fingerprint: result['fingerprint'] } : {}),
        });
        ctx.generated.set(spec.name, { label: found.label, algorithm: spec.type, id: found.id, attributes: found.attributes, publicKey, checkValues: found.checkValues });
        recordKept(ctx, step, step.params.hsm, found.id, found.label, publicKey?.fingerprint.hex ?? found.checkValues[0]?.value.hex ?? '');
        break;
      }
      case 'key.load': {
        const spec = keySpecOf(ctx, step.params.key);
        for (const hsm of step.params.hsms) {
          const checkValue = ((result['checkValues'] ?? {}) as Result)[hsm];
          const { found } = await findKeptKey(await sessionFor(ctx, hsm), { hsm, id: String(((result['keyIds'] ?? {}) as Result)[hsm]), label: spec.label, ...(typeof checkValue === 'string' ? { checkValue } : {}) });
          ctx.loaded.set(`${spec.name}/${hsm}`, found);
          recordKept(ctx, step, hsm, found.id, found.label, found.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex ?? '');
        }
        break;
      }
      case 'key.deprecate':
      case 'key.scheduleDestruction':
        // What the deprecation and the schedule decided, so key.destroy can wait on it after the crash (or the weeks a real destruction waits).
        restoreKeyLifecycle(ctx, step, done.result);
        break;
      default:
        break;
    }
  }
}

function recordKept(ctx: RunContext, step: Step, hsm: string, id: string, label: string, checked: string): void {
  ctx.journal.append({ type: 'key/kept', step: step.id, payload: { hsm, id, label, checked, note: 'Made before the crash; found again on the token by its id, and its check value or public key read from the HSM matches the record. Kept, not made again.' } });
}

/**
 * What a superseded attempt of a step now done again left behind: keys it
 * generated or loaded (destroyed, with the HSM layer's proof that nothing
 * with their id is left: they hold a secret no share set will recover), the
 * public key it exported, and share files of a superseded set in the
 * rehearsal's media folders (removed: a new split supersedes them, and two
 * share files on one medium would be ambiguous). Each is recorded. Share
 * files a custodian took to a medium of their own choosing cannot be
 * reached from here: the superseded set is named in ceremony/resumed, and
 * a later recovery takes the last set the bundle issued.
 */
async function removeSuperseded(ctx: RunContext, plan: ResumePlan, redoFrom: number | undefined, state: CeremonyState): Promise<void> {
  const again = ctx.script.steps.filter((_, i) => (redoFrom !== undefined && i >= redoFrom && i <= state.stepIndex) || (i === state.stepIndex && state.stage === 'action'));
  for (const step of again) {
    const creates = step.action === 'hsm.generateKey' ? { key: step.params.key, hsms: [step.params.hsm] } : step.action === 'key.load' ? { key: step.params.key, hsms: step.params.hsms } : undefined;
    if (creates !== undefined) {
      const spec = keySpecOf(ctx, creates.key);
      for (const hsm of creates.hsms) {
        for (const evidence of await destroyLabelled(await sessionFor(ctx, hsm), spec.label, ctx.now)) {
          ctx.journal.append({
            type: 'key/superseded', step: step.id,
            payload: { hsm, label: evidence.label, id: evidence.id, token: `${evidence.token.label} (${evidence.token.serial})`, checkValues: evidence.checkValues.map((c) => ({ method: c.method, value: c.value.hex })), fingerprint: evidence.fingerprint, destroyedAt: evidence.destroyedAt, proof: { ...evidence.proof }, action: 'destroyed', why: `made by a superseded attempt of step ${step.id}, which is done again` },
          });
        }
      }
    }
    if (step.action === 'hsm.exportPublicKey') removeFile(ctx, step, join('public', `${step.params.key}.pem`), `written by a superseded attempt of step ${step.id}`);
  }
  const media = join(ctx.outFolder, 'media');
  if (!existsSync(media)) return;
  for (const setId of plan.supersededShareSets) {
    const prefix = `keyrite-share-${setId.slice(0, 8)}-`;
    for (const custodian of readdirSync(media)) {
      const folder = join(media, custodian);
      for (const name of readdirSync(folder).filter((n) => n.startsWith(prefix))) {
        removeFile(ctx, undefined, join('media', custodian, name), `a share of superseded set ${setId}`, { custodian, shareSetId: setId });
      }
    }
  }
}

function removeFile(ctx: RunContext, step: Step | undefined, relative: string, why: string, extra: Record<string, JsonValue> = {}): void {
  const path = join(ctx.outFolder, relative);
  if (!existsSync(path)) return;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  rmSync(path);
  fsyncFolder(join(path, '..'));
  ctx.journal.append({ type: 'file/superseded', step: step?.id ?? null, payload: { file: relative, sha256, action: 'removed', why, ...extra } });
}
