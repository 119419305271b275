import { createPublicKey, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParticipantRecord } from '../../../shared/ceremony/participants.ts';
import { CeremonyRefusal } from '../../../shared/ceremony/refusal.ts';
import { scriptSha256 } from '../../../shared/ceremony/script-hash.ts';
import { fixtureScript } from '../../../shared/ceremony/script-fixture.ts';
import type { Role, SignOffRequirement, SigningRole } from '../../../shared/ceremony/script-schema.ts';
import { contentHash, EXCEPTION_DOMAIN, resultSha256, SIGN_OFF_DOMAIN, signedMessage, type ExceptionContent, type PublicValue, type SignatureClaim, type StepContent } from '../../../shared/ceremony/sign-off.ts';
import { applyCommand, exceptionContent, phaseOf, reduce, replayCommands, startCeremony, stepContent, type CeremonyCommand, type CeremonyState } from '../../../shared/ceremony/state-machine.ts';

// Fixture steps: 0 air-gap (pre-flight), 1 enrol (sign-off: 1 administrator + 2 witnesses),
// 2 login (approval: 1 witness), 3 generate (approval: 1 administrator + 1 witness; may continue after an exception),
// 4 split (sign-off: 2 custodians + 2 witness-or-administrator), 5 close (sign-off: 1 administrator).
const script = fixtureScript();
const hash = scriptSha256(script);
/** This run's nonce; the engine draws it at random, a test fixes it. */
const nonce = 'a1'.repeat(16);

interface Person { record: ParticipantRecord; seed: Uint8Array }
const person = (n: number, role: Role, name = `Person ${n}`): Person => {
  const seed = new Uint8Array(32).fill(n);
  return { seed, record: { id: `p${n}`, name, role, publicKey: bytesToHex(ed25519.getPublicKey(seed)) } };
};
const admin = person(1, 'administrator');
const custodians = [person(2, 'custodian'), person(3, 'custodian'), person(4, 'custodian')];
const witnesses = [person(5, 'witness'), person(6, 'witness'), person(7, 'witness')];
const observer = person(8, 'observer');
const extraCustodian = person(9, 'custodian');
const everyone = [admin, ...custodians, ...witnesses];

const claimOver = (who: Person, domain: typeof SIGN_OFF_DOMAIN | typeof EXCEPTION_DOMAIN, content: StepContent | ExceptionContent, signAs: Person = who): SignatureClaim => ({
  participantId: who.record.id,
  publicKey: who.record.publicKey,
  signature: bytesToHex(ed25519.sign(signedMessage(domain, who.record.id, contentHash(content)), signAs.seed)),
});
const signCurrent = (state: CeremonyState, who: Person): CeremonyCommand => {
  const content = stepContent(state, state.stage === 'approval' ? 'approval' : 'sign-off');
  if (content === undefined) throw new Error('no content to sign now');
  return { kind: 'sign-off', stepId: content.step.id, claim: claimOver(who, SIGN_OFF_DOMAIN, content) };
};
const run = (state: CeremonyState, ...commands: ((s: CeremonyState) => CeremonyCommand)[]): CeremonyState => commands.reduce((s, c) => reduce(s, c(s)), state);
const refusedRule = (state: CeremonyState, command: CeremonyCommand): string | undefined => {
  const t = applyCommand(state, command);
  return t.ok ? undefined : t.refusal.rule;
};

/** A ceremony at the start of step `generate` (approval stage). */
function atGenerate(): CeremonyState {
  return run(
    startCeremony(script, hash, nonce),
    () => ({ kind: 'record-preflight', stepId: 'air-gap', result: { decision: 'air-gapped' } }),
    ...everyone.map((p) => () => ({ kind: 'enrol', participant: p.record }) as CeremonyCommand),
    () => ({ kind: 'record-result', stepId: 'enrol' }),
    (s) => signCurrent(s, admin), (s) => signCurrent(s, witnesses[0] as Person), (s) => signCurrent(s, witnesses[1] as Person),
    (s) => signCurrent(s, witnesses[2] as Person),
    () => ({ kind: 'record-result', stepId: 'login', result: { tokenSerial: '0000000000000001' } }),
  );
}

describe('ceremony state machine: the rules, one by one', () => {
  it('walks pre-flight → enrolment → steps → closed', () => {
    let s = startCeremony(script, hash, nonce);
    expect(phaseOf(s)).toBe('preflight');
    s = reduce(s, { kind: 'record-preflight', stepId: 'air-gap', result: { decision: 'air-gapped' } });
    expect(phaseOf(s)).toBe('enrolment');
    s = atGenerate();
    expect(phaseOf(s)).toBe('steps');
    expect(s.completed.map((c) => c.id)).toEqual(['air-gap', 'enrol', 'login']);
    expect(s.completed[1]?.result).toEqual({ participants: everyone.map((p) => p.record) });
    s = run(s, (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person));
    expect(s.stage).toBe('action');
    s = run(s, () => ({ kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'a b c' } }));
    s = run(s, () => ({ kind: 'record-result', stepId: 'split', result: { shareSetId: 'x' } }), (x) => signCurrent(x, custodians[0] as Person), (x) => signCurrent(x, custodians[1] as Person), (x) => signCurrent(x, witnesses[0] as Person), (x) => signCurrent(x, admin));
    s = run(s, () => ({ kind: 'record-result', stepId: 'close', result: { outcome: 'completed' } }), (x) => signCurrent(x, admin));
    expect(phaseOf(s)).toBe('ready-to-close');
    s = reduce(s, { kind: 'close' });
    expect(s.status).toBe('closed');
    expect(refusedRule(s, { kind: 'abort', reason: 'late' })).toBe('CEREMONY_ENDED');
  });

  it('does not start a step before its approvals, nor move on before its result', () => {
    const s = atGenerate();
    expect(refusedRule(s, { kind: 'record-result', stepId: 'generate', result: {} })).toBe('CEREMONY_WRONG_STAGE');
    const approved = run(s, (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person));
    expect(refusedRule(approved, { kind: 'record-result', stepId: 'split', result: {} })).toBe('CEREMONY_WRONG_STEP');
    expect(refusedRule(approved, { kind: 'close' })).toBe('CEREMONY_NOT_FINISHED');
    expect(refusedRule(approved, signCurrent(s, witnesses[1] as Person))).toBe('CEREMONY_WRONG_STAGE');
  });

  it('refuses a sign-off by the wrong role, the same person twice, an outsider and a forged or misdirected signature', () => {
    const s = atGenerate();
    expect(refusedRule(s, signCurrent(s, custodians[0] as Person))).toBe('CEREMONY_SIGN_OFF_WRONG_ROLE');
    const once = reduce(s, signCurrent(s, witnesses[0] as Person));
    expect(refusedRule(once, signCurrent(once, witnesses[0] as Person))).toBe('CEREMONY_SIGN_OFF_DUPLICATE');
    // Two witnesses do not make up for the missing administrator.
    const twoWitnesses = reduce(once, signCurrent(once, witnesses[1] as Person));
    expect(twoWitnesses.stage).toBe('approval');
    expect(refusedRule(s, signCurrent(s, extraCustodian))).toBe('CEREMONY_UNKNOWN_PARTICIPANT');
    const content = stepContent(s, 'approval') as StepContent;
    expect(refusedRule(s, { kind: 'sign-off', stepId: 'generate', claim: claimOver(admin, SIGN_OFF_DOMAIN, content, witnesses[0]) })).toBe('CEREMONY_SIGN_OFF_INVALID');
    const otherStep = { ...content, step: { ...content.step, index: 4 } };
    expect(refusedRule(s, { kind: 'sign-off', stepId: 'generate', claim: claimOver(admin, SIGN_OFF_DOMAIN, otherStep) })).toBe('CEREMONY_SIGN_OFF_INVALID');
    expect(refusedRule(s, { kind: 'sign-off', stepId: 'generate', claim: claimOver(admin, EXCEPTION_DOMAIN, content) })).toBe('CEREMONY_SIGN_OFF_INVALID');
  });

  it('binds a sign-off to the recorded result: a signature over another result is refused', () => {
    let s = atGenerate();
    s = run(s, (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person), () => ({ kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'a b c' } }));
    s = reduce(s, { kind: 'record-result', stepId: 'split', result: { commitment: 'real' } });
    const forged = { ...(stepContent(s, 'sign-off') as StepContent), result: { commitment: 'other' } };
    expect(refusedRule(s, { kind: 'sign-off', stepId: 'split', claim: claimOver(custodians[0] as Person, SIGN_OFF_DOMAIN, forged) })).toBe('CEREMONY_SIGN_OFF_INVALID');
  });

  it('enforces enrolment: role separation, role maxima and minima before the steps', () => {
    let s = reduce(startCeremony(script, hash, nonce), { kind: 'record-preflight', stepId: 'air-gap', result: {} });
    s = reduce(s, { kind: 'enrol', participant: custodians[0]?.record as ParticipantRecord });
    expect(refusedRule(s, { kind: 'enrol', participant: { ...witnesses[0]?.record as ParticipantRecord, name: custodians[0]?.record.name as string } })).toBe('CEREMONY_ROLE_SEPARATION');
    expect(refusedRule(s, { kind: 'record-result', stepId: 'enrol' })).toBe('CEREMONY_ENROLMENT_INCOMPLETE');
    for (const p of [custodians[1], custodians[2]]) s = reduce(s, { kind: 'enrol', participant: p?.record as ParticipantRecord });
    expect(refusedRule(s, { kind: 'enrol', participant: extraCustodian.record })).toBe('CEREMONY_ROLE_FULL');
    expect(refusedRule(s, { kind: 'record-result', stepId: 'enrol', result: { participants: [] } })).toBe('CEREMONY_RESULT_UNEXPECTED');
    expect(refusedRule(s, { kind: 'sign-off', stepId: 'enrol', claim: { participantId: 'p2', publicKey: '', signature: '' } })).toBe('CEREMONY_WRONG_STAGE');
  });

  it('takes pre-flight deviations as warnings only where the script lets the step continue', () => {
    const s = reduce(startCeremony(script, hash, nonce), { kind: 'record-preflight', stepId: 'air-gap', result: { interfacesUp: ['eth0'] }, deviation: true });
    expect(s.warnings).toEqual([{ stepId: 'air-gap', result: { interfacesUp: ['eth0'] } }]);
    const strict = fixtureScript();
    strict.steps[0] = { ...strict.steps[0], onException: 'abort' } as (typeof strict.steps)[0];
    expect(refusedRule(startCeremony(strict, scriptSha256(strict), nonce), { kind: 'record-preflight', stepId: 'air-gap', result: {}, deviation: true })).toBe('CEREMONY_DEVIATION_UNAPPROVED');
  });

  it('records a deviating result only after an exception signed by the administrator and the witness quorum', () => {
    const s = run(atGenerate(), (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person));
    const deviating: CeremonyCommand = { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'x' }, deviation: true };
    expect(refusedRule(s, deviating)).toBe('CEREMONY_DEVIATION_UNAPPROVED');
    const base = { kind: 'raise-exception', stepId: 'generate', expected: 'HSM random in 1 call', actual: 'took 2 calls', resultSha256: resultSha256({ fingerprintWords: 'x' }), decision: 'continue' } as const;
    const content = exceptionContent(s, { ...base, signatures: [] }) as ExceptionContent;
    const sig = (p: Person) => claimOver(p, EXCEPTION_DOMAIN, content);
    expect(refusedRule(s, { ...base, signatures: [sig(admin), sig(witnesses[0] as Person)] })).toBe('CEREMONY_EXCEPTION_QUORUM');
    expect(refusedRule(s, { ...base, signatures: [sig(witnesses[0] as Person), sig(witnesses[1] as Person)] })).toBe('CEREMONY_EXCEPTION_QUORUM');
    expect(refusedRule(s, { ...base, signatures: [sig(admin), sig(witnesses[0] as Person), sig(witnesses[0] as Person)] })).toBe('CEREMONY_SIGN_OFF_DUPLICATE');
    const wrongDecision = claimOver(admin, EXCEPTION_DOMAIN, { ...content, decision: 'abort' });
    expect(refusedRule(s, { ...base, signatures: [wrongDecision, sig(witnesses[0] as Person), sig(witnesses[1] as Person)] })).toBe('CEREMONY_SIGN_OFF_INVALID');
    const wrongResult = claimOver(admin, EXCEPTION_DOMAIN, { ...content, resultSha256: resultSha256({ fingerprintWords: 'y' }) });
    expect(refusedRule(s, { ...base, signatures: [wrongResult, sig(witnesses[0] as Person), sig(witnesses[1] as Person)] })).toBe('CEREMONY_SIGN_OFF_INVALID');
    expect(refusedRule(s, { ...base, resultSha256: 'not a hash', signatures: [sig(admin), sig(witnesses[0] as Person), sig(witnesses[1] as Person)] })).toBe('CEREMONY_INVALID_COMMAND');
    const excepted = reduce(s, { ...base, signatures: [sig(admin), sig(witnesses[0] as Person), sig(witnesses[1] as Person)] });
    expect(excepted.exceptions).toHaveLength(1);
    expect(excepted.exceptions[0]).toMatchObject({ resultSha256: base.resultSha256, used: false });
    const after = reduce(excepted, deviating);
    expect(after.completed.at(-1)).toMatchObject({ id: 'generate', deviation: true });
    expect(after.exceptions[0]?.used).toBe(true);
  });

  it('lets a continue exception through only for the result it names, and only once', () => {
    const s = run(atGenerate(), (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person));
    const approved = { fingerprintWords: 'x' };
    const base = { kind: 'raise-exception', stepId: 'generate', expected: 'one call', actual: 'two calls', resultSha256: resultSha256(approved), decision: 'continue' } as const;
    const content = exceptionContent(s, { ...base, signatures: [] }) as ExceptionContent;
    const excepted = reduce(s, { ...base, signatures: [admin, witnesses[0], witnesses[1]].map((p) => claimOver(p as Person, EXCEPTION_DOMAIN, content)) });
    expect(refusedRule(excepted, { kind: 'record-result', stepId: 'generate', result: { fingerprintWords: 'y' }, deviation: true })).toBe('CEREMONY_DEVIATION_UNAPPROVED');
    const after = reduce(excepted, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true });
    // The reducer never re-enters a step; rewinding by hand shows the exception itself is spent.
    const rewound: CeremonyState = { ...after, stepIndex: excepted.stepIndex, stage: 'action', result: undefined, completed: excepted.completed };
    expect(refusedRule(rewound, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true })).toBe('CEREMONY_DEVIATION_UNAPPROVED');
    expect(refusedRule({ ...rewound, exceptions: excepted.exceptions }, { kind: 'record-result', stepId: 'generate', result: approved, deviation: true })).toBeUndefined();
  });

  it('refuses to continue after an exception on a step whose script says abort, and aborts on an abort decision', () => {
    let s = run(atGenerate(), (x) => signCurrent(x, admin), (x) => signCurrent(x, witnesses[0] as Person), () => ({ kind: 'record-result', stepId: 'generate', result: {} }));
    const base = { kind: 'raise-exception', stepId: 'split', expected: 'read back equal', actual: 'medium unreadable', resultSha256: resultSha256({ readBack: false }) } as const;
    const cont = { ...base, decision: 'continue' as const, signatures: [] };
    expect(refusedRule(s, cont)).toBe('CEREMONY_EXCEPTION_NOT_ALLOWED');
    const abort = { ...base, decision: 'abort' as const, signatures: [] as SignatureClaim[] };
    const content = exceptionContent(s, abort) as ExceptionContent;
    abort.signatures = [admin, witnesses[1], witnesses[2]].map((p) => claimOver(p as Person, EXCEPTION_DOMAIN, content));
    s = reduce(s, abort);
    expect(s.status).toBe('aborted');
    expect(s.abortReason).toContain('medium unreadable');
  });

  it('replays a command log to the same state, and says where a tampered log breaks the rules', () => {
    const log: CeremonyCommand[] = [{ kind: 'record-preflight', stepId: 'air-gap', result: {} }, ...everyone.map((p) => ({ kind: 'enrol', participant: p.record }) as CeremonyCommand), { kind: 'record-result', stepId: 'enrol' }];
    let s = replayCommands(script, hash, nonce, log).state;
    for (const who of [admin, witnesses[0], witnesses[1]]) {
      const c = signCurrent(s, who as Person);
      log.push(c);
      s = reduce(s, c);
    }
    expect(replayCommands(script, hash, nonce, log)).toEqual({ state: s });
    const tampered = [...log];
    const last = tampered[tampered.length - 1] as Extract<CeremonyCommand, { kind: 'sign-off' }>;
    tampered[tampered.length - 1] = { ...last, claim: { ...last.claim, participantId: custodians[0]?.record.id as string } };
    expect(replayCommands(script, hash, nonce, tampered).refusedAt).toMatchObject({ index: log.length - 1, refusal: { rule: 'CEREMONY_SIGN_OFF_INVALID' } });
  });

  it('starts only with a well-formed run nonce (16 bytes, lower-case hex)', () => {
    for (const bad of ['', 'a1'.repeat(15), 'A1'.repeat(16), 'a1'.repeat(17), 'zz'.repeat(16)]) expect(() => startCeremony(script, hash, bad)).toThrow(CeremonyRefusal);
    expect(startCeremony(script, hash, nonce).runNonce).toBe(nonce);
  });

  it('aborts from any phase with a reason, never without one', () => {
    const s = startCeremony(script, hash, nonce);
    expect(refusedRule(s, { kind: 'abort', reason: '  ' })).toBe('CEREMONY_INVALID_COMMAND');
    expect(reduce(atGenerate(), { kind: 'abort', reason: 'fire alarm' })).toMatchObject({ status: 'aborted', abortReason: 'fire alarm' });
  });
});

// ---------------------------------------------------------------------------
// Model-based: random sequences of right and wrong commands. The model is a
// separate, simpler statement of the sign-off rules; after every command
// model and reducer must agree, and every completed step must carry every
// required sign-off by distinct enrolled people of the right roles, each
// signature checked again here with node:crypto over content holding this
// run's nonce (signatures made for another run are among the wrong
// commands). Deviating results and "continue" exceptions are modelled too:
// a deviating result goes through only with an unused exception on its step
// naming that result's hash, and uses it up.

const pool: Person[] = [...everyone, observer, extraCustodian, { ...person(10, 'witness', 'Person 2'), record: { ...person(10, 'witness').record, name: 'Person 2' } }];
const spki = (hex: string) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });

/** Every way of giving each signer to one requirement, tried by brute force. */
function satisfied(requirements: readonly SignOffRequirement[], roles: readonly SigningRole[]): boolean {
  const need = requirements.map((r) => r.count);
  const go = (i: number): boolean => {
    if (need.every((n) => n <= 0)) return true;
    if (i === roles.length) return false;
    for (let r = 0; r < requirements.length; r++) {
      if ((need[r] ?? 0) > 0 && requirements[r]?.roles.includes(roles[i] as SigningRole)) {
        need[r] = (need[r] ?? 0) - 1;
        const done = go(i + 1);
        need[r] = (need[r] ?? 0) + 1;
        if (done) return true;
      }
    }
    return go(i + 1);
  };
  return go(0);
}

interface Model {
  status: 'running' | 'aborted' | 'closed';
  step: number;
  stage: 'approval' | 'action' | 'sign-off';
  enrolled: Person[];
  signers: Person[];
  result: PublicValue | undefined;
  maxStep: number;
  /** Completed steps already checked by expectAgreement. */
  checked: number;
  /** Accepted "continue" exceptions: the step, the hash of the result each approves, and whether a result used it. */
  exceptions: { step: number; resultSha256: string; used: boolean }[];
  /** Exceptions whose signatures expectAgreement has checked. */
  checkedExceptions: number;
}
interface Real { state: CeremonyState; log: CeremonyCommand[] }
/** Applies to the reducer and keeps the accepted commands, as the transcript would. */
function apply(r: Real, command: CeremonyCommand): ReturnType<typeof applyCommand> {
  const t = applyCommand(r.state, command);
  if (t.ok) r.log.push(command);
  return t;
}

const stageOf = (index: number): Model['stage'] => ((script.steps[index]?.approval ?? []).length > 0 ? 'approval' : 'action');
const requirementsOf = (m: Model): readonly SignOffRequirement[] => (m.stage === 'approval' ? script.steps[m.step]?.approval : m.stage === 'sign-off' ? script.steps[m.step]?.signOff : undefined) ?? [];
function modelNextStep(m: Model): void {
  m.step += 1;
  m.maxStep = Math.max(m.maxStep, m.step);
  m.stage = stageOf(m.step);
  m.signers = [];
  m.result = undefined;
}
function modelAfterResult(m: Model, result: PublicValue): void {
  m.result = result;
  if ((script.steps[m.step]?.signOff ?? []).length > 0) {
    m.stage = 'sign-off';
    m.signers = [];
  } else modelNextStep(m);
}
const actionOf = (m: Model) => script.steps[m.step]?.action;
const otherRun = 'b2'.repeat(16);

function expectAgreement(m: Model, r: Real, accepted: boolean, expected: boolean): void {
  expect(accepted).toBe(expected);
  expect(r.state.status).toBe(m.status);
  expect(r.state.stepIndex).toBe(m.step);
  if (m.status === 'running' && m.step < script.steps.length) expect(r.state.stage).toBe(m.stage);
  expect(r.state.exceptions.map((e) => ({ step: e.step.index, resultSha256: e.resultSha256, used: e.used }))).toEqual(m.exceptions);
  // Every exception is signed over this run's content for exactly the result hash it carries.
  for (const e of r.state.exceptions.slice(m.checkedExceptions)) {
    const content: ExceptionContent = { ceremony: script.metadata.id, runNonce: nonce, scriptSha256: hash, step: e.step, expected: e.expected, actual: e.actual, resultSha256: e.resultSha256, decision: e.decision };
    for (const x of e.signatures) expect(verify(null, signedMessage(EXCEPTION_DOMAIN, x.participantId, contentHash(content)), spki(x.publicKey), Buffer.from(x.signature, 'hex'))).toBe(true);
  }
  // The property: no completed step lacks a required, distinct, right-role, valid sign-off.
  for (const done of r.state.completed.slice(m.checked)) {
    const step = script.steps[done.index];
    // A deviating step (other than a pre-flight warning) went through on a spent exception naming its result.
    if (done.deviation && step?.action.startsWith('preflight.') !== true) {
      expect(r.state.exceptions.some((e) => e.step.index === done.index && e.used && e.decision === 'continue' && e.resultSha256 === resultSha256(done.result))).toBe(true);
    }
    for (const [stage, records, required] of [['approval', done.approvals, step?.approval ?? []], ['sign-off', done.signOffs, step?.signOff ?? []]] as const) {
      const ids = records.map((x) => x.participantId);
      expect(new Set(ids).size).toBe(ids.length);
      const roles = records.map((x) => {
        const p = r.state.participants.find((q) => q.id === x.participantId);
        expect(p?.publicKey).toBe(x.publicKey);
        const content: StepContent = { ceremony: script.metadata.id, runNonce: nonce, scriptSha256: hash, step: { id: done.id, index: done.index, action: step?.action ?? 'ceremony.close' }, stage, result: stage === 'approval' ? null : done.result };
        expect(verify(null, signedMessage(SIGN_OFF_DOMAIN, x.participantId, contentHash(content)), spki(x.publicKey), Buffer.from(x.signature, 'hex'))).toBe(true);
        return p?.role as SigningRole;
      });
      expect(satisfied(required, roles)).toBe(true);
    }
  }
  m.checked = r.state.completed.length;
  m.checkedExceptions = r.state.exceptions.length;
}

class EnrolCommand implements fc.Command<Model, Real> {
  readonly who: number;
  constructor(who: number) {
    this.who = who;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const p = pool[this.who % pool.length] as Person;
    const t = apply(r, { kind: 'enrol', participant: p.record });
    const roleCount = m.enrolled.filter((q) => q.record.role === p.record.role).length;
    const max = script.roles[p.record.role]?.max ?? 0;
    const clash = m.enrolled.some((q) => q.record.id === p.record.id || q.record.name.toLowerCase() === p.record.name.toLowerCase() || q.record.publicKey === p.record.publicKey);
    const ok = m.status === 'running' && actionOf(m) === 'participants.enrol' && m.stage === 'action' && !clash && roleCount < max;
    if (ok) m.enrolled.push(p);
    if (t.ok) r.state = t.state;
    expectAgreement(m, r, t.ok, ok);
  }
  toString = () => `enrol(${this.who})`;
}

class SignOffCommand implements fc.Command<Model, Real> {
  readonly who: number;
  readonly how: 'valid' | 'other-key' | 'stale-content' | 'other-run';
  readonly fromEnrolled: boolean;
  constructor(who: number, how: 'valid' | 'other-key' | 'stale-content' | 'other-run', fromEnrolled: boolean) {
    this.who = who; this.how = how; this.fromEnrolled = fromEnrolled;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    // Mostly someone enrolled (so runs get far), sometimes anyone at all.
    const p = (this.fromEnrolled && m.enrolled.length > 0 ? m.enrolled[this.who % m.enrolled.length] : pool[this.who % pool.length]) as Person;
    const stepId = script.steps[m.step]?.id ?? 'none';
    const stageName = m.stage === 'approval' ? 'approval' : 'sign-off';
    const content = stepContent(r.state, stageName) ?? { ceremony: script.metadata.id, runNonce: nonce, scriptSha256: hash, step: { id: stepId, index: m.step, action: 'ceremony.close' }, stage: stageName, result: null };
    // 'other-run': the same step, stage and result, signed in another run of this script (say, an aborted one).
    const signed = this.how === 'stale-content' ? { ...content, step: { ...content.step, index: content.step.index + 1 } } : this.how === 'other-run' ? { ...content, runNonce: otherRun } : content;
    const claim = claimOver(p, SIGN_OFF_DOMAIN, signed, this.how === 'other-key' ? (pool[(pool.indexOf(p) + 1) % pool.length] as Person) : p);
    const t = apply(r, { kind: 'sign-off', stepId, claim });
    const required = requirementsOf(m);
    const enrolled = m.enrolled.some((q) => q.record.id === p.record.id);
    const rightRole = required.some((q) => (q.roles as readonly string[]).includes(p.record.role));
    const ok = m.status === 'running' && m.stage !== 'action' && enrolled && rightRole && !m.signers.includes(p) && this.how === 'valid';
    if (ok) {
      m.signers.push(p);
      if (satisfied(required, m.signers.map((q) => q.record.role as SigningRole))) {
        if (m.stage === 'approval') {
          m.stage = 'action';
          m.signers = [];
        } else modelNextStep(m);
      }
    }
    if (t.ok) r.state = t.state;
    expectAgreement(m, r, t.ok, ok);
  }
  toString = () => `signOff(${this.who}, ${this.how}, ${this.fromEnrolled ? 'enrolled' : 'pool'})`;
}

class RecordCommand implements fc.Command<Model, Real> {
  readonly value: number;
  readonly deviation: boolean;
  constructor(value: number, deviation = false) {
    this.value = value;
    this.deviation = deviation;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const step = script.steps[m.step];
    const action = actionOf(m);
    const preflight = action?.startsWith('preflight.') === true;
    const result = { v: this.value };
    const deviation = this.deviation ? { deviation: true } : {};
    const command: CeremonyCommand = action === 'participants.enrol' ? { kind: 'record-result', stepId: step?.id ?? '' } : preflight ? { kind: 'record-preflight', stepId: step?.id ?? '', result, ...deviation } : { kind: 'record-result', stepId: step?.id ?? 'none', result, ...deviation };
    const t = apply(r, command);
    const count = (role: Role) => m.enrolled.filter((q) => q.record.role === role).length;
    const enrolmentOk = (['administrator', 'custodian', 'witness', 'observer'] as const).every((role) => count(role) >= (script.roles[role]?.min ?? 0));
    // A pre-flight deviation is a warning where the script says continue; any other needs an unused exception naming this result.
    const exception = m.exceptions.find((e) => e.step === m.step && !e.used && e.resultSha256 === resultSha256(result));
    const deviationOk = !this.deviation || action === 'participants.enrol' || (preflight ? step?.onException === 'continue' : exception !== undefined);
    const ok = m.status === 'running' && step !== undefined && m.stage === 'action' && (action !== 'participants.enrol' || enrolmentOk) && deviationOk;
    if (ok) {
      if (this.deviation && !preflight && action !== 'participants.enrol' && exception !== undefined) exception.used = true;
      modelAfterResult(m, action === 'participants.enrol' ? { participants: m.enrolled.map((q) => q.record) } : result);
    }
    if (t.ok) r.state = t.state;
    expectAgreement(m, r, t.ok, ok);
  }
  toString = () => `record(${this.value}${this.deviation ? ', deviation' : ''})`;
}

/** A "continue" exception for the result {v: value}, signed by the first enrolled administrator and the witness quorum. */
class ExceptionCommand implements fc.Command<Model, Real> {
  readonly value: number;
  readonly how: 'valid' | 'other-run';
  constructor(value: number, how: 'valid' | 'other-run') {
    this.value = value;
    this.how = how;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const step = script.steps[m.step];
    const draft = { kind: 'raise-exception', stepId: step?.id ?? 'none', expected: 'no deviation', actual: `v = ${this.value}`, resultSha256: resultSha256({ v: this.value }), decision: 'continue' } as const;
    const quorum = script.exceptionQuorum.witnesses;
    const signers = [...m.enrolled.filter((p) => p.record.role === 'administrator').slice(0, 1), ...m.enrolled.filter((p) => p.record.role === 'witness').slice(0, quorum)];
    const content = exceptionContent(r.state, { ...draft, signatures: [] });
    const signed = content === undefined ? undefined : this.how === 'other-run' ? { ...content, runNonce: otherRun } : content;
    const signatures = signed === undefined ? [] : signers.map((p) => claimOver(p, EXCEPTION_DOMAIN, signed));
    const t = apply(r, { ...draft, signatures });
    const ok = m.status === 'running' && step?.onException === 'continue' && signers.length === 1 + quorum && signers[0]?.record.role === 'administrator' && this.how === 'valid';
    if (ok) m.exceptions.push({ step: m.step, resultSha256: draft.resultSha256, used: false });
    if (t.ok) r.state = t.state;
    expectAgreement(m, r, t.ok, ok);
  }
  toString = () => `exception(${this.value}, ${this.how})`;
}

class EndCommand implements fc.Command<Model, Real> {
  readonly how: 'abort' | 'close';
  constructor(how: 'abort' | 'close') {
    this.how = how;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const t = apply(r, this.how === 'abort' ? { kind: 'abort', reason: 'test' } : { kind: 'close' });
    const ok = m.status === 'running' && (this.how === 'abort' || m.step === script.steps.length);
    if (ok) m.status = this.how === 'abort' ? 'aborted' : 'closed';
    if (t.ok) r.state = t.state;
    expectAgreement(m, r, t.ok, ok);
  }
  toString = () => this.how;
}

/**
 * Chooses a useful next input (someone not yet enrolled, a signer of a
 * needed role who has not signed, or a result) and runs it as one of the
 * commands above, so runs get through whole ceremonies; what is accepted
 * is still decided by the model, not by this choice.
 */
class ProgressCommand implements fc.Command<Model, Real> {
  readonly salt: number;
  constructor(salt: number) {
    this.salt = salt;
  }
  check = () => true;
  run(m: Model, r: Real): void {
    const roleFull = (p: Person) => m.enrolled.filter((q) => q.record.role === p.record.role).length >= (script.roles[p.record.role]?.max ?? 0);
    if (actionOf(m) === 'participants.enrol' && m.stage === 'action') {
      const next = everyone.findIndex((p) => !m.enrolled.includes(p) && !roleFull(p));
      if (next >= 0 && this.salt % 4 !== 0) return new EnrolCommand(pool.indexOf(everyone[next] as Person)).run(m, r);
      return new RecordCommand(this.salt).run(m, r);
    }
    const step = script.steps[m.step];
    if (m.stage === 'action' && step?.onException === 'continue' && !step.action.startsWith('preflight.') && this.salt % 3 === 0) {
      // Sometimes deviate: raise an exception for a result, then record that result (or, at times, another one).
      const open = m.exceptions.find((e) => e.step === m.step && !e.used);
      if (open === undefined) return new ExceptionCommand(this.salt % 4, 'valid').run(m, r);
      const approved = Array.from({ length: 12 }, (_, v) => v).find((v) => resultSha256({ v }) === open.resultSha256) ?? 0;
      return new RecordCommand(this.salt % 2 === 0 ? approved : approved + 1, true).run(m, r);
    }
    if (m.stage === 'action') return new RecordCommand(this.salt).run(m, r);
    const roles = requirementsOf(m).flatMap((q) => q.roles) as string[];
    const candidates = m.enrolled.filter((p) => roles.includes(p.record.role) && !m.signers.includes(p));
    const chosen = candidates[this.salt % Math.max(1, candidates.length)];
    return new SignOffCommand(chosen === undefined ? this.salt : pool.indexOf(chosen), 'valid', false).run(m, r);
  }
  toString = () => `progress(${this.salt})`;
}

describe('ceremony state machine, model-based (fc.commands)', () => {
  it('never completes a step without every required distinct sign-off by the right roles, and agrees with the model', () => {
    const reached: number[] = [];
    let deviated = 0;
    const who = fc.nat({ max: pool.length - 1 });
    const commands = fc.commands(
      [
        who.map((w) => new EnrolCommand(w)),
        fc.tuple(who, fc.oneof({ weight: 6, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constant('other-key' as const) }, { weight: 1, arbitrary: fc.constant('stale-content' as const) }, { weight: 1, arbitrary: fc.constant('other-run' as const) }), fc.boolean()).map(([w, how, enrolled]) => new SignOffCommand(w, how, enrolled)),
        ...Array.from({ length: 5 }, () => fc.nat({ max: 11 }).map((salt) => new ProgressCommand(salt))),
        fc.nat({ max: 3 }).map((v) => new RecordCommand(v)),
        fc.tuple(fc.nat({ max: 3 }), fc.boolean()).map(([v, deviation]) => new RecordCommand(v, deviation)),
        fc.tuple(fc.nat({ max: 3 }), fc.oneof({ weight: 4, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constant('other-run' as const) })).map(([v, how]) => new ExceptionCommand(v, how)),
        fc.oneof({ weight: 1, arbitrary: fc.constant('abort' as const) }, { weight: 40, arbitrary: fc.constant('close' as const) }).map((how) => new EndCommand(how)),
      ],
      { maxCommands: 100, size: 'max' },
    );
    // A run raises an exception and records the deviating result it names
    // only by chance (a CI run's 60 runs once held none, and the check below
    // failed): until one has, another 60 runs (at most 600 in all), each held
    // to every check, so the test never passes without that path exercised.
    for (let round = 0; round < 10 && deviated === 0; round++) fc.assert(
      fc.property(commands, (cmds) => {
        const model: Model = { status: 'running', step: 0, stage: stageOf(0), enrolled: [], signers: [], result: undefined, maxStep: 0, checked: 0, exceptions: [], checkedExceptions: 0 };
        const real: Real = { state: startCeremony(script, hash, nonce), log: [] };
        fc.modelRun(() => ({ model, real }), cmds);
        reached.push(model.maxStep);
        if (model.exceptions.some((e) => e.used)) deviated += 1;
        // Resume: replaying the accepted commands rebuilds the same state.
        const replayed = replayCommands(script, hash, nonce, real.log);
        expect(replayed.refusedAt).toBeUndefined();
        expect(replayed.state).toEqual(real.state);
      }),
      { numRuns: 60 },
    );
    // Not vacuous: many runs got through every step, and some recorded a deviating result under an exception.
    expect(reached.filter((n) => n === script.steps.length).length).toBeGreaterThan(5);
    expect(deviated).toBeGreaterThan(0);
  });
});
