/**
 * Model-based test of the ceremony engine (issue 6): random sequences of
 * what people at the screen do — sign-offs by the right or wrong people,
 * good and bad shares, right and wrong PINs, HSM faults, abort, crash and
 * resume — drive the real runner on real SoftHSM tokens through built-in
 * ceremony 3 (recovery) and a model of it side by side (engine-model.ts);
 * each sequence then finishes its last run the right way. After every
 * command the model's prediction and the engine agree; after every run,
 * its transcript holds no loaded key without M shares of distinct enrolled
 * custodians of the recorded set and every required sign-off by distinct
 * people of the right roles, the token holds the master key exactly when
 * the transcript says it was loaded, and the evidence bundle verifies.
 *
 * Cost: two ceremony 2 rehearsals first, then about 1-6 s per sequence
 * (three production-cost Argon2id share openings per collection dominate).
 * KEYRITE_MODEL_RUNS sets the number of random sequences (default 10);
 * a failure is reported at once, unshrunk (endOnFailure), since each
 * shrinking step would be a whole ceremony again.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../shared/transcript/bundle.ts';
import { readBundle } from '../transcript/bundle-export.ts';
import { nodeSha256 } from '../transcript/node-sha256.ts';
import { keyLoadViolations } from './engine-model-invariant.ts';
import { RecoveryRun, tokenObjects, type Person, type RecoveryFixture } from './engine-model-real.ts';
import { AbortCommand, CrashCommand, expectAgreement, finishWell, GoodAnswerCommand, executed, HsmFaultCommand, initialModel, PinCommand, ShareCommand, SignCommand, StartOverCommand, type Model, type Real, type ShareKind, type SignerKind } from './engine-model.ts';
import type { AsyncCommand } from 'fast-check';
import type { InjectableCkr } from '../hsm/fault-binding.ts';
import { loadScriptFile } from './read-script.ts';
import { loadAnswersFile } from './runner/answers.ts';
import { runRehearsal } from './runner/run-ceremony.ts';
import { bundleEvents, CEREMONIES, FIXTURES, freshOut, type RecordedEvent } from './runner/test-support.ts';

/** Low cost for tests only; the production cost is PARTICIPANT_KDF. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };
const NUM_RUNS = Number(process.env['KEYRITE_MODEL_RUNS'] ?? 10);

/** Ceremony 2 (split and load) with its fixture answers: the earlier ceremony a recovery rebuilds from. */
async function splitCeremony(): Promise<string> {
  const parsed = await loadScriptFile(join(CEREMONIES, '02-master-key-split-and-load.yaml'));
  const answers = await loadAnswersFile(join(FIXTURES, '02-master-key-split-and-load.answers.yaml'));
  const out = freshOut();
  const outcome = await runRehearsal({ parsed, inputs: { answers }, outFolder: out, kdfCost: cheap });
  expect(outcome.status).toBe('closed');
  return out;
}

let fixture: RecoveryFixture;
/** The transcript of one run that closed, for the invariant's own test. */
let closedRun: RecordedEvent[] | undefined;
beforeAll(async () => {
  const [earlier, other] = [await splitCeremony(), await splitCeremony()];
  const split = bundleEvents(earlier).find((e) => e.type === 'step/result' && e.step === 'split')?.payload['result'] as { custodians: { custodian: string }[] };
  fixture = {
    parsed: await loadScriptFile(join(CEREMONIES, '03-recovery.yaml')),
    previousBundle: join(earlier, 'bundle'), media: join(earlier, 'media'), otherMedia: join(other, 'media'),
    recorded: split.custodians.map((c) => c.custodian), kdfCost: cheap,
  };
}, 60_000);

/** Who enrols: one administrator, 3 to 5 of the recorded custodians, 2 to 4 witnesses, perhaps an observer. */
const castArb = (recorded: readonly string[]): fc.Arbitrary<Person[]> =>
  fc.tuple(fc.subarray([...recorded], { minLength: 3 }), fc.subarray(['wendy', 'walt', 'wes', 'wyn'], { minLength: 2 }), fc.boolean()).map(([custodians, witnesses, observer]) => [
    { id: 'ada', name: 'Ada Admin', role: 'administrator' as const },
    ...custodians.map((id) => ({ id, name: `${id} (custodian)`, role: 'custodian' as const })),
    ...witnesses.map((id) => ({ id, name: `${id} (witness)`, role: 'witness' as const })),
    ...(observer ? [{ id: 'olga', name: 'Olga Observer', role: 'observer' as const }] : []),
  ]);

type Cmd = AsyncCommand<Model, Real>;
const seed = fc.nat(1000);
/** Mostly what the ceremony needs, often a mistake, rarely a fault, an abort or a crash. */
const commandArb = fc.oneof(
  { weight: 50, arbitrary: seed.map((s) => new GoodAnswerCommand(s)) },
  { weight: 20, arbitrary: fc.tuple(fc.constantFrom<SignerKind>('wrong-role', 'twice', 'wrong-passphrase', 'not-enrolled'), seed).map(([k, s]) => new SignCommand(k, s)) },
  { weight: 50, arbitrary: fc.tuple(fc.constantFrom<ShareKind>('again', 'corrupt', 'other-set', 'wrong-passphrase', 'someone-elses', 'not-enrolled'), seed).map(([k, s]) => new ShareCommand(k, s)) },
  { weight: 20, arbitrary: fc.constant(new PinCommand(false)) },
  { weight: 8, arbitrary: fc.constant(new StartOverCommand()) },
  { weight: 3, arbitrary: fc.constantFrom<InjectableCkr>('CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_DEVICE_ERROR', 'CKR_SESSION_HANDLE_INVALID').map((c) => new HsmFaultCommand(c)) },
  { weight: 1, arbitrary: fc.constantFrom('abort' as const, 'nobody-else' as const).map((h) => new AbortCommand(h)) },
  { weight: 3, arbitrary: fc.constant(new CrashCommand()) },
);

const exampleCast: Person[] = [
  { id: 'ada', name: 'Ada Admin', role: 'administrator' }, ...['carl', 'dora', 'ed', 'gus'].map((id) => ({ id, name: id, role: 'custodian' as const })),
  ...['wendy', 'walt'].map((id) => ({ id, name: id, role: 'witness' as const })), { id: 'olga', name: 'Olga Observer', role: 'observer' },
];
const good = (n: number): Cmd[] => Array.from({ length: n }, (_, i) => new GoodAnswerCommand(i));
/** Every mistake, each where it applies (the model skips the others), then what is needed. */
const mistakesThenGood = (rounds: number): Cmd[] => Array.from({ length: rounds }, (_, i) => [
  new SignCommand('wrong-role', i), new SignCommand('twice', i), new SignCommand('wrong-passphrase', i), new SignCommand('not-enrolled', i), new PinCommand(false),
  ...(['again', 'corrupt', 'other-set', 'wrong-passphrase', 'someone-elses', 'not-enrolled'] as const).map((k) => new ShareCommand(k, i)), new GoodAnswerCommand(i),
]).flat();

/**
 * Sequences run first, every time: every mistake at least once (fay, of the
 * recorded set, is not enrolled), and crashes at the login's PIN, in the
 * middle of the collection, at the load's approval and after the load.
 * Enrolment sign-off 3, login approval 1, PIN 1, collection approval 3: 8
 * good answers reach the first share.
 */
function examples(): [Person[], Iterable<Cmd>][] {
  return [
    [exampleCast, mistakesThenGood(30)],
    [exampleCast, [...good(4), new CrashCommand(), new PinCommand(false), ...good(5), new ShareCommand('own', 0), new CrashCommand(), new PinCommand(false), ...good(8), new CrashCommand()]],
    [exampleCast, [...good(16), new CrashCommand(), ...good(8), new CrashCommand()]],
    // Found in CI (seed -1853792431): a crash at the enrolment's first sign-off resumed by enrolling everyone again.
    [exampleCast, [new CrashCommand(), ...good(6)]],
    // Found in CI (seed -148687836): after a resume, a crash at the close step's sign-off; the model kept the shares the earlier run accepted.
    [
      [exampleCast[0] as Person, ...['dora', 'ed', 'fay'].map((id) => ({ id, name: `${id} (custodian)`, role: 'custodian' as const })), ...['wendy', 'walt'].map((id) => ({ id, name: `${id} (witness)`, role: 'witness' as const })), { id: 'olga', name: 'Olga Observer', role: 'observer' as const }],
      [
        new GoodAnswerCommand(222), new SignCommand('wrong-passphrase', 484), new HsmFaultCommand('CKR_DEVICE_ERROR'), new SignCommand('wrong-passphrase', 561), new SignCommand('wrong-passphrase', 848), new SignCommand('wrong-passphrase', 465),
        new GoodAnswerCommand(854), new GoodAnswerCommand(345), new SignCommand('wrong-role', 617), new GoodAnswerCommand(530), new CrashCommand(), new PinCommand(false),
        ...[110, 774, 120, 924, 786, 747].map((seed) => new GoodAnswerCommand(seed)), new ShareCommand('again', 955), new ShareCommand('corrupt', 699),
        ...[35, 328, 712, 251, 170].map((seed) => new GoodAnswerCommand(seed)), new SignCommand('twice', 147), ...[367, 354, 259, 926, 323, 837].map((seed) => new GoodAnswerCommand(seed)),
        new SignCommand('not-enrolled', 189), new SignCommand('wrong-passphrase', 564), new SignCommand('wrong-role', 563), new GoodAnswerCommand(510), new CrashCommand(),
      ],
    ],
    // The collection started over after one share, and again after two (the third good share then completes it only as the second of the new start), then a crash in it.
    [exampleCast, [...good(9), new StartOverCommand(), ...good(2), new StartOverCommand(), new ShareCommand('again', 0), ...good(1), new CrashCommand(), new PinCommand(false), ...good(6), new StartOverCommand()]],
  ];
}

/** Every finished run: the invariant from its transcript, the token's contents, and its bundle. */
async function checkEvidence(run: RecoveryRun): Promise<'closed' | string> {
  const outcome = run.outcome;
  expect(outcome?.bundle).toBeDefined();
  const events = bundleEvents(run.out);
  expect(keyLoadViolations(events, fixture.parsed.script, fixture.recorded)).toEqual([]);
  const loaded = events.some((e) => e.type === 'key/created');
  const label = fixture.parsed.script.keys[0]?.label;
  const masterKeys = (await tokenObjects(run)).filter((o) => o.label === label);
  expect(masterKeys.length).toBe(loaded ? 1 : 0);
  if (outcome?.status === 'closed') closedRun ??= events;
  const verified = verifyBundle(readBundle(join(run.out, 'bundle')), { sha256: nodeSha256 });
  expect(verified.status, verified.summary).toBe('verified');
  return outcome?.status === 'closed' ? 'closed' : `aborted ${outcome?.failure?.code ?? '?'}${loaded ? ' (key loaded)' : ''}`;
}

describe('the ceremony engine against its model (recovery, people at the screen, real SoftHSM)', () => {
  it('agrees with the model after every command, and never loads a key without M authenticated shares and every required sign-off', async () => {
    const endings = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(castArb(fixture.recorded), fc.commands([commandArb], { maxCommands: 80, size: 'max' }), async (cast, commands) => {
        const real: Real = { fixture, current: new RecoveryRun(fixture, cast), finished: [] };
        try {
          await real.current.settle();
          const model: Model = initialModel(fixture, cast);
          expectAgreement(model, real);
          await fc.asyncModelRun(() => ({ model, real }), commands);
          // Every sequence then ends its last run the right way, so each one reaches the key load unless a fault or the PIN limit stops it.
          await finishWell(model, real);
        } finally {
          await real.current.stop('The command sequence ended; the ceremony is stopped where it stands.');
          real.finished.push(real.current);
        }
        for (const run of real.finished) {
          const ending = await checkEvidence(run);
          endings.set(ending, (endings.get(ending) ?? 0) + 1);
        }
      }),
      { numRuns: NUM_RUNS + examples().length, endOnFailure: true, examples: examples() },
    );
    console.log(`engine model: ${NUM_RUNS} sequences; runs by ending: ${JSON.stringify(Object.fromEntries(endings))}; commands run: ${JSON.stringify(Object.fromEntries([...executed].sort()))}`);
  }, 600_000);

  // The invariant must be able to fail: each edit of a real closed run's transcript that breaks it is named.
  it('the invariant check names a load without enough distinct custodians, a missing approval, a wrong role, a forged signature or shares discarded by a start-over', () => {
    const events = closedRun;
    if (events === undefined) throw new Error('no run closed, so the invariant was only checked on aborted runs');
    const check = (edited: RecordedEvent[]) => keyLoadViolations(edited, fixture.parsed.script, fixture.recorded);
    expect(check(events)).toEqual([]);
    const accepted = events.filter((e) => e.type === 'share/accepted');
    const custodianSignOff = events.find((e) => e.type === 'sign-off/recorded' && e.step === 'collect' && e.payload['role'] === 'custodian');
    const witnessApproval = events.find((e) => e.type === 'sign-off/recorded' && e.step === 'load' && e.payload['role'] === 'witness');
    const edits: [string, RecordedEvent[], RegExp][] = [
      ['one share fewer', events.filter((e) => e !== accepted[0]), /distinct enrolled custodians/],
      ['two shares credited to one custodian', events.map((e) => (e === accepted[1] ? { ...e, payload: { ...e.payload, custodian: accepted[0]?.payload['custodian'] } } : e)), /distinct enrolled custodians/],
      ['a share credited to someone outside the recorded set', events.map((e) => (e === accepted[0] ? { ...e, payload: { ...e.payload, custodian: 'mallory' } } : e)), /distinct enrolled custodians/],
      ['the load approved by one witness', events.filter((e) => e !== witnessApproval), /load\/approval/],
      ['a custodian sign-off claimed by the administrator', events.map((e) => (e === custodianSignOff ? { ...e, payload: { ...e.payload, witness: 'ada' } } : e)), /collect\/sign-off/],
      ['a forged signature', events.map((e) => (e === witnessApproval ? { ...e, payload: { ...e.payload, signature: '00'.repeat(64) } } : e)), /does not verify/],
      // The shares were discarded after they were accepted: none of them counts for the load.
      ['the collection started over after its shares', events.flatMap((e) => (e === accepted.at(-1) ? [e, { ...e, seq: e.seq + 0.5, type: 'shares/started-over', actors: [], payload: { discarded: accepted.map((a) => a.payload['custodian']) } }] : [e])), /shares of 0 distinct/],
    ];
    for (const [what, edited, named] of edits) expect(check(edited).join('\n'), what).toMatch(named);
  });

  // Found by this test: the resumed run went on signing, though the rebuilt secret had died with the process, and the load later stopped (resume-plan.ts now restarts the step).
  it('after a crash during the collection\'s sign-offs the resumed run collects again, the rebuilt secret having died with the process', async () => {
    const real: Real = { fixture, current: new RecoveryRun(fixture, exampleCast), finished: [] };
    try {
      await real.current.settle();
      const model = initialModel(fixture, exampleCast);
      // 12 good answers: the 3 shares are in and the first sign-off of the collection is given; then the crash.
      await fc.asyncModelRun(() => ({ model, real }), [...good(12), new CrashCommand(), ...good(40)]);
      // The resumed run collected again, loaded the key and closed; its evidence holds.
      await real.current.settle();
      expect(await checkEvidence(real.current)).toBe('closed');
    } finally {
      await real.current.stop('The test is over.');
    }
  });
});
