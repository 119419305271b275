/**
 * The model of the ceremony engine running built-in ceremony 3 (recovery)
 * with people at the screen, and the fast-check commands that drive the
 * model and the real runner side by side (engine-model.test.ts).
 *
 * The model knows only the script (who must sign which stage, which steps
 * ask for a PIN or shares, which touch the HSM) and the rules in words:
 * a sign-off counts once per person of a role the stage names, with the
 * passphrase they enrolled with; a share counts when its own custodian,
 * enrolled, presents it intact, from the recorded set, with its passphrase,
 * once; M shares rebuild; a wrong PIN is asked again up to the HSM layer's
 * five attempts; an HSM fault ends the run at the next step that calls the
 * HSM; people may abort at any question. From that it predicts, after every
 * command, the question the runner asks next (or how it ended), the step
 * and stage, who signed, which shares were accepted and how many inputs
 * were refused; the test compares each prediction with the engine.
 *
 * Crash and resume: at a question, the run's folder is copied as a crash
 * would leave it, the run stopped, and the copy resumed (runner/resume.ts).
 * The model says where the resumed run goes on: the interrupted step at
 * its stage, with the sign-offs already recorded; but the shares of an
 * unfinished collection must be presented again (the rebuild lived in
 * memory), and a rebuilt secret not yet loaded is lost, so the collection
 * is done again from its approval; a completed login's PIN is asked again
 * first; the PIN attempts start again with the new HSM module.
 */
import type { AsyncCommand } from 'fast-check';
import { expect } from 'vitest';
import type { CeremonyScript, SignOffRequirement, Step } from '../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../shared/result.ts';
import type { InjectableCkr } from '../hsm/fault-binding.ts';
import { RecoveryRun, secret, shareFile, sharePassphrase, signingPassphrase, type Person, type RecoveryFixture } from './engine-model-real.ts';
import { START_OVER } from './runner/inputs.ts';
import type { QuestionKind } from './runner/people-inputs-scripted.ts';

/** The HSM layer's PIN attempts before it stops sending PINs (pin-guard.ts DEFAULT_PIN_ATTEMPTS). */
export const PIN_ATTEMPTS = 5;

export interface Model {
  readonly script: CeremonyScript;
  readonly cast: readonly Person[];
  readonly recorded: readonly string[];
  /** Runs started in this sequence (a crash starts another). */
  runs: number;
  status: 'running' | 'closed' | 'aborted';
  /** How an aborted run ends: its failure code, or 'HSM_' for any HSM fault. */
  failure: string | undefined;
  stepIndex: number;
  stage: 'approval' | 'action' | 'sign-off';
  /** The question the runner should be waiting on. */
  expecting: QuestionKind | undefined;
  /** Who signed the current stage, in order. */
  signed: string[];
  /** Custodians whose share was accepted, in order, since the collection (last) started. */
  accepted: string[];
  /** Times people started the collection over, in this run. */
  startedOver: number;
  wrongPins: number;
  faultArmed: boolean;
  /** input/refused events expected (signers and PINs people can correct). */
  refusedInputs: number;
  /** share/refused events expected. */
  refusedShares: number;
  keyLoaded: boolean;
  /** Steps complete before this run (attempt) began: its own step/completed events start after them. */
  firstStep: number;
  /** The PIN asked is the re-login of a resumed run, not the login step's. */
  relogin: boolean;
  /** Only a fresh run has the fault-injecting binding (resume opens the tokens itself). */
  faultInjectable: boolean;
}

/** What the commands drive: the current run, and every run this sequence finished. */
export interface Real {
  fixture: RecoveryFixture;
  current: RecoveryRun;
  finished: RecoveryRun[];
}

const ASKS: Partial<Record<Step['action'], QuestionKind>> = { 'hsm.login': 'pin', 'shares.collect': 'share' };
/** Actions that call the HSM without first asking anyone (hsm.login calls it after the PIN). */
const TOUCHES_HSM: readonly Step['action'][] = ['key.load', 'inventory.diff', 'preflight.inventory', 'hsm.generateKey', 'hsm.exportPublicKey'];

export function initialModel(fixture: RecoveryFixture, cast: readonly Person[], runs = 1): Model {
  const model: Model = {
    script: fixture.parsed.script, cast, recorded: fixture.recorded, runs, status: 'running', failure: undefined, stepIndex: 0, stage: 'action', expecting: undefined,
    signed: [], accepted: [], startedOver: 0, wrongPins: 0, faultArmed: false, refusedInputs: 0, refusedShares: 0, keyLoaded: false, firstStep: 0, relogin: false, faultInjectable: true,
  };
  enterStep(model, 0);
  advance(model);
  return model;
}

const stepOf = (m: Model): Step | undefined => m.script.steps[m.stepIndex];
const loginIndex = (m: Model): number => m.script.steps.findIndex((s) => s.action === 'hsm.login');
const requirementsOf = (m: Model): readonly SignOffRequirement[] => (m.stage === 'approval' ? stepOf(m)?.approval : m.stage === 'sign-off' ? stepOf(m)?.signOff : undefined) ?? [];
const stageRoles = (m: Model): readonly string[] => requirementsOf(m).flatMap((r) => r.roles);
const roleOf = (m: Model, id: string): string | undefined => m.cast.find((p) => p.id === id)?.role;

/** Every requirement of the stage met by the distinct people who signed it (ceremony 3 names one role per requirement). */
function stageMet(m: Model): boolean {
  return requirementsOf(m).every((r) => m.signed.filter((id) => (r.roles as readonly string[]).includes(roleOf(m, id) ?? '')).length >= r.count);
}

function enterStep(m: Model, index: number): void {
  m.stepIndex = index;
  m.signed = [];
  m.stage = (m.script.steps[index]?.approval ?? []).length > 0 ? 'approval' : 'action';
}

function abort(m: Model, failure: string): void {
  m.status = 'aborted';
  m.failure = failure;
  m.expecting = undefined;
}

function finishAction(m: Model): void {
  if ((stepOf(m)?.signOff ?? []).length > 0) {
    m.stage = 'sign-off';
    m.signed = [];
  } else enterStep(m, m.stepIndex + 1);
}

/** Runs what needs nobody (actions without questions) until the next question, or the end. */
function advance(m: Model): void {
  for (;;) {
    const step = stepOf(m);
    if (step === undefined) {
      m.status = 'closed';
      m.expecting = undefined;
      return;
    }
    if (m.stage !== 'action') {
      m.expecting = 'signer';
      return;
    }
    const asks = ASKS[step.action];
    if (asks !== undefined) {
      m.expecting = asks;
      return;
    }
    if (TOUCHES_HSM.includes(step.action) && m.faultArmed) {
      m.faultArmed = false;
      abort(m, 'HSM_');
      return;
    }
    if (step.action === 'key.load') m.keyLoaded = true;
    finishAction(m);
  }
}

/** Where a resumed run goes on, from where the crash interrupted this one (see the top of this file). */
function resumeAfterCrash(m: Model): void {
  const index = (action: Step['action']): number => m.script.steps.findIndex((s) => s.action === action);
  const collect = index('shares.collect');
  const secretLost = (m.stepIndex === collect && m.stage === 'sign-off') || m.stepIndex === index('key.load');
  if (secretLost) enterStep(m, collect);
  // The resumed run records only its own shares: none if it resumes after the collection (its result stands), from
  // the first again if it resumes in it (found by CI's seed -148687836: a crash at the close step kept the old ones).
  m.accepted = [];
  Object.assign(m, { runs: m.runs + 1, firstStep: m.stepIndex, refusedInputs: 0, refusedShares: 0, startedOver: 0, keyLoaded: false, wrongPins: 0, faultArmed: false, faultInjectable: false });
  m.relogin = index('hsm.login') < m.stepIndex;
  if (m.relogin) m.expecting = 'pin';
  else advance(m);
}

/** Compares the model's prediction with the engine, after the runner has settled. */
export function expectAgreement(m: Model, r: Real): void {
  const run = r.current;
  const where = `run ${m.runs}, step ${stepOf(m)?.id ?? '(end)'} ${m.stage}`;
  expect(run.outcome?.status ?? 'running', where).toBe(m.status);
  if (m.status === 'running') {
    const asked = run.people.waiting;
    expect(asked?.kind, where).toBe(m.expecting);
    expect(run.state?.stepIndex, where).toBe(m.stepIndex);
    expect(run.state?.stage, where).toBe(m.stage);
    if (asked?.kind === 'signer') {
      expect(asked.ask.step.id, where).toBe(stepOf(m)?.id);
      expect(asked.ask.stage, where).toBe(m.stage);
      const signed = m.stage === 'approval' ? run.state?.approvals : run.state?.signOffs;
      expect(signed?.map((s) => s.participantId), where).toEqual(m.signed);
    }
    if (asked?.kind === 'share') {
      expect(asked.ask.accepted, where).toEqual(m.accepted);
      expect([...asked.ask.expected].sort(), where).toEqual(m.cast.filter((p) => p.role === 'custodian' && m.recorded.includes(p.id)).map((p) => p.id).sort());
    }
  } else if (m.status === 'aborted') {
    const code = run.outcome?.failure?.code ?? '';
    if (m.failure === 'HSM_') expect(code, where).toMatch(/^HSM_/);
    else expect(code, where).toBe(m.failure);
  }
  expect(run.eventsOf('step/completed').map((e) => e.step), where).toEqual(m.script.steps.slice(m.firstStep, m.status === 'closed' ? undefined : m.stepIndex).map((s) => s.id));
  expect(run.eventsOf('hsm/session-restored').length, where).toBe(m.relogin || m.runs === 1 || m.firstStep <= loginIndex(m) ? 0 : 1);
  // The shares of the collection now: those accepted since it last started over.
  const startedOver = run.eventsOf('shares/started-over').at(-1)?.seq ?? -1;
  expect(run.eventsOf('share/accepted').filter((e) => e.seq > startedOver).map((e) => e.payload['custodian']), where).toEqual(m.accepted);
  expect(run.eventsOf('shares/started-over').length, where).toBe(m.startedOver);
  expect(run.eventsOf('share/refused').length, where).toBe(m.refusedShares);
  expect(run.eventsOf('input/refused').length, where).toBe(m.refusedInputs);
  expect(run.eventsOf('key/created').length > 0, where).toBe(m.keyLoaded);
}

type Cmd = AsyncCommand<Model, Real>;
const running = (m: Readonly<Model>, kind: QuestionKind): boolean => m.status === 'running' && m.expecting === kind;
const pick = <T>(items: readonly T[], seed: number): T => items[seed % items.length] as T;

/** How many times each kind of command ran (printed by the test, to show what a run of it covered). */
export const executed = new Map<string, number>();
const count = (command: string): void => {
  executed.set(command, (executed.get(command) ?? 0) + 1);
};

/** A command of one kind with a seed that picks who, among those the model allows. */
abstract class SeededCommand<K extends string> {
  readonly kind: K;
  readonly seed: number;
  constructor(kind: K, seed: number) {
    this.kind = kind;
    this.seed = seed;
  }
}

async function settleAndCompare(m: Model, r: Real): Promise<void> {
  await r.current.settle();
  expectAgreement(m, r);
}

// --- Sign-offs -------------------------------------------------------------

export type SignerKind = 'right' | 'wrong-role' | 'twice' | 'wrong-passphrase' | 'not-enrolled';

/** Someone signs the stage the runner asks for: the right person, or one of the mistakes people make. */
export class SignCommand extends SeededCommand<SignerKind> implements Cmd {

  #who(m: Readonly<Model>): Person | undefined {
    const roles = stageRoles(m as Model);
    const candidates =
      this.kind === 'right' || this.kind === 'wrong-passphrase' ? m.cast.filter((p) => roles.includes(p.role) && !m.signed.includes(p.id))
      : this.kind === 'wrong-role' ? m.cast.filter((p) => !roles.includes(p.role))
      : this.kind === 'twice' ? m.cast.filter((p) => m.signed.includes(p.id))
      : [{ id: 'zed', name: 'Zed Stranger', role: 'witness' as const }];
    return candidates.length === 0 ? undefined : pick(candidates, this.seed);
  }

  check(m: Readonly<Model>): boolean {
    return running(m, 'signer') && this.#who(m) !== undefined;
  }

  async run(m: Model, r: Real): Promise<void> {
    const who = this.#who(m) as Person;
    count(`sign ${this.kind}`);
    const passphrase = this.kind === 'wrong-passphrase' ? `not ${who.id}'s passphrase` : signingPassphrase(who.id);
    r.current.people.answer('signer', () => ({ participantId: who.id, passphrase: secret(passphrase) }));
    if (this.kind === 'right') {
      m.signed.push(who.id);
      if (stageMet(m)) {
        if (m.stage === 'approval') {
          m.stage = 'action';
          m.signed = [];
        } else enterStep(m, m.stepIndex + 1);
        advance(m);
      }
    } else m.refusedInputs += 1;
    await settleAndCompare(m, r);
  }

  override toString(): string {
    return `sign(${this.kind}, ${this.seed})`;
  }
}

// --- Shares ----------------------------------------------------------------

export type ShareKind = 'own' | 'again' | 'corrupt' | 'other-set' | 'wrong-passphrase' | 'someone-elses' | 'not-enrolled';

/** A custodian presents a share: their own, or one of the ways a share goes wrong. */
export class ShareCommand extends SeededCommand<ShareKind> implements Cmd {

  /** [who presents, whose share it is]. */
  #pair(m: Readonly<Model>): [string, string] | undefined {
    const enrolled = m.cast.filter((p) => p.role === 'custodian' && m.recorded.includes(p.id)).map((p) => p.id);
    const waiting = enrolled.filter((id) => !m.accepted.includes(id));
    const pairs: [string, string][] =
      this.kind === 'own' || this.kind === 'corrupt' || this.kind === 'other-set' || this.kind === 'wrong-passphrase' ? waiting.map((id) => [id, id])
      : this.kind === 'again' ? m.accepted.map((id) => [id, id])
      : this.kind === 'someone-elses' ? waiting.flatMap((p) => m.recorded.filter((o) => o !== p && !m.accepted.includes(o)).map((o): [string, string] => [p, o]))
      : m.recorded.filter((id) => !enrolled.includes(id)).map((id) => [id, id]);
    return pairs.length === 0 ? undefined : pick(pairs, this.seed);
  }

  check(m: Readonly<Model>): boolean {
    return running(m, 'share') && this.#pair(m) !== undefined;
  }

  async run(m: Model, r: Real): Promise<void> {
    const [presenter, owner] = this.#pair(m) as [string, string];
    count(`share ${this.kind}`);
    const file = shareFile(this.kind === 'other-set' ? r.fixture.otherMedia : r.fixture.media, owner);
    if (this.kind === 'corrupt') corrupt(file.bytes, this.seed);
    const passphrase = this.kind === 'wrong-passphrase' ? `not ${owner}'s share passphrase` : sharePassphrase(owner);
    r.current.people.answer('share', () => ({ custodian: presenter, file, passphrase: secret(passphrase) }));
    if (this.kind === 'own') {
      m.accepted.push(presenter);
      if (m.accepted.length >= (m.script.sharePolicies[0]?.threshold ?? 0)) {
        finishAction(m);
        advance(m);
      }
    } else m.refusedShares += 1;
    await settleAndCompare(m, r);
  }

  override toString(): string {
    return `share(${this.kind}, ${this.seed})`;
  }
}

/** People start the collection over: every share accepted so far is discarded (recorded), and the collection asks again. */
export class StartOverCommand implements Cmd {
  check(m: Readonly<Model>): boolean {
    return running(m, 'share') && m.accepted.length > 0;
  }

  async run(m: Model, r: Real): Promise<void> {
    count('start over');
    r.current.people.answer('share', () => START_OVER);
    m.accepted = [];
    m.startedOver += 1;
    await settleAndCompare(m, r);
  }

  toString(): string {
    return 'start-over';
  }
}

/** Changes one character of the share's armoured body (after the blank line) to another base64 character. */
function corrupt(bytes: Uint8Array, seed: number): void {
  const text = new TextDecoder().decode(bytes);
  const start = text.indexOf('\n\n') + 2;
  const end = text.indexOf('-----END');
  const positions: number[] = [];
  for (let i = start; i < end; i++) if (/[A-Za-z0-9+/]/.test(text[i] as string)) positions.push(i);
  const at = pick(positions, seed);
  bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
}

/**
 * What the ceremony needs next, done right: the next eligible person signs,
 * the next custodian presents their own share, the PIN is typed right.
 */
export class GoodAnswerCommand implements Cmd {
  readonly seed: number;
  constructor(seed: number) {
    this.seed = seed;
  }

  #inner(m: Readonly<Model>): Cmd | undefined {
    if (m.status !== 'running') return undefined;
    if (m.expecting === 'signer') return new SignCommand('right', this.seed);
    if (m.expecting === 'share') return new ShareCommand('own', this.seed);
    if (m.expecting === 'pin') return new PinCommand(true);
    return undefined;
  }

  check(m: Readonly<Model>): boolean {
    return this.#inner(m)?.check(m) === true;
  }

  run(m: Model, r: Real): Promise<void> {
    return (this.#inner(m) as Cmd).run(m, r);
  }

  toString(): string {
    return `good(${this.seed})`;
  }
}

/** After the random commands: people do what the ceremony needs until it ends (closed, or stopped by an armed fault). */
export async function finishWell(m: Model, r: Real): Promise<void> {
  for (let i = 0; i < 200 && m.status === 'running'; i++) {
    const good = new GoodAnswerCommand(i);
    if (!good.check(m)) throw new Error(`the model expects ${String(m.expecting)} and has no good answer for it`);
    await good.run(m, r);
  }
}

// --- PIN, HSM faults, ending -----------------------------------------------

export class PinCommand implements Cmd {
  readonly right: boolean;
  constructor(right: boolean) {
    this.right = right;
  }

  check(m: Readonly<Model>): boolean {
    return running(m, 'pin');
  }

  async run(m: Model, r: Real): Promise<void> {
    count(`pin ${this.right ? 'right' : 'wrong'}`);
    r.current.people.answer('pin', () => secret(this.right ? '12345678' : '87654321'));
    if (m.wrongPins >= PIN_ATTEMPTS) abort(m, 'HSM_PIN_ATTEMPTS_EXHAUSTED');
    else if (m.faultArmed) {
      m.faultArmed = false;
      abort(m, 'HSM_');
    } else if (this.right && m.relogin) {
      m.relogin = false;
      advance(m);
    } else if (this.right) {
      finishAction(m);
      advance(m);
    } else {
      m.wrongPins += 1;
      m.refusedInputs += 1;
    }
    await settleAndCompare(m, r);
  }

  toString(): string {
    return `pin(${this.right ? 'right' : 'wrong'})`;
  }
}

/** The HSM fails the next PKCS#11 call (the token is pulled, the device errs): the next step calling it ends the run. */
export class HsmFaultCommand implements Cmd {
  readonly ckr: InjectableCkr;
  constructor(ckr: InjectableCkr) {
    this.ckr = ckr;
  }

  check(m: Readonly<Model>): boolean {
    return m.status === 'running' && m.faultInjectable;
  }

  async run(m: Model, r: Real): Promise<void> {
    count('hsm fault');
    r.current.faulty?.arm({ fault: { kind: 'error', ckr: this.ckr }, atCall: 1 });
    m.faultArmed = true;
    await settleAndCompare(m, r);
  }

  toString(): string {
    return `hsmFault(${this.ckr})`;
  }
}

/** People end the ceremony at the question on screen: the abort button, or nobody else to sign or present. */
export class AbortCommand implements Cmd {
  readonly how: 'abort' | 'nobody-else';
  constructor(how: 'abort' | 'nobody-else') {
    this.how = how;
  }

  check(m: Readonly<Model>): boolean {
    return m.status === 'running';
  }

  async run(m: Model, r: Real): Promise<void> {
    const people = r.current.people;
    count(`abort ${this.how}`);
    if (this.how === 'nobody-else' && m.expecting === 'signer') {
      people.answer('signer', () => undefined);
      abort(m, 'CEREMONY_SIGN_OFF_MISSING');
    } else if (this.how === 'nobody-else' && m.expecting === 'share') {
      people.answer('share', () => undefined);
      abort(m, 'CEREMONY_SHARES_SHORT');
    } else {
      people.refuse(new KeyriteError('CEREMONY_ABORTED', 'The administrator aborted the ceremony.'));
      abort(m, 'CEREMONY_ABORTED');
    }
    await settleAndCompare(m, r);
  }

  toString(): string {
    return `abort(${this.how})`;
  }
}

/** The machine dies while people are at a question; the ceremony is resumed from what it left on disk. */
export class CrashCommand implements Cmd {
  check(m: Readonly<Model>): boolean {
    return m.status === 'running' && m.runs < 3;
  }

  async run(m: Model, r: Real): Promise<void> {
    count('crash and resume');
    const image = r.current.crashImage();
    await r.current.stop('Crashed (simulated): this copy of the run stops here; the crash image is resumed.');
    r.finished.push(r.current);
    r.current = new RecoveryRun(r.fixture, m.cast, image);
    resumeAfterCrash(m);
    await settleAndCompare(m, r);
  }

  toString(): string {
    return 'crashAndResume';
  }
}
