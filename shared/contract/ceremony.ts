/**
 * The ceremony part of the contract: the UI drives the same engine as
 * `keyrite rehearse`, one input at a time. The engine runs the ceremony and,
 * whenever a step needs people (an enrolment, a PIN, a sign-off, a share),
 * publishes a pending request in the ceremony view; the renderer answers it
 * with the request's id. Secrets (passphrases, PINs) travel renderer → main
 * only, as `SecretInput` bytes the engine takes over and wipes; nothing the
 * engine sends back ever holds one. A refusal people can correct is shown in
 * the view (`lastRefusal`) and the same question asked again.
 */
import { z } from 'zod';
import { NoArguments } from './common.ts';

/** Secret text typed by a person, UTF-8 encoded in the renderer: renderer → main only. */
export const SecretInput = z.instanceof(Uint8Array).refine((b) => b.length >= 1 && b.length <= 1024, 'a secret input is 1 to 1024 bytes');
/** A share's paper-form words as typed (UTF-8 bytes): renderer → main only. Bounded so the request stays under the router's size cap. */
export const SecretWords = z.instanceof(Uint8Array).refine((b) => b.length >= 1 && b.length <= 6 * 1024, 'typed words are 1 to 6144 bytes');

const Id = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'an id is 1 to 64 lower-case letters, digits and inner hyphens');
const Text = (max: number) => z.string().max(max);
const RoleName = z.enum(['administrator', 'custodian', 'witness', 'observer']);

export const ScriptSummary = z
  .object({
    /** Handle to start it with: a built-in file name, or a checked script's handle. */
    handle: Text(128),
    id: Text(64),
    title: Text(256),
    purpose: Text(512),
    mode: z.enum(['rehearsal', 'production']),
    steps: z.number().int().nonnegative().max(256),
    /** What the ceremony needs from an earlier one (its bundle, its share media, its HSM token). */
    needsPrevious: z.boolean(),
    /** A rehearsal that acts on a key an earlier rehearsal made in its HSM tokens (key destruction): start it with that run (`earlier`). */
    needsEarlierTokens: z.boolean(),
  })
  .strict();
export type ScriptSummary = z.infer<typeof ScriptSummary>;

export const ScriptProblemView = z.object({ path: Text(256), message: Text(1024), line: z.number().int().nullable(), column: z.number().int().nullable() }).strict();

/** A value to read aloud: hex and words side by side, or plain text. */
export const ReadAloud = z.object({ name: Text(64), text: Text(1024).nullable(), hex: Text(1024).nullable(), words: z.array(Text(16)).max(64).nullable() }).strict();
export type ReadAloud = z.infer<typeof ReadAloud>;

const Requirement = z.object({ roles: z.array(RoleName).max(4), count: z.number().int().min(1).max(64), signed: z.array(Id).max(64) }).strict();

/** What the engine is waiting for people to give, with the public facts the screen shows. */
export const PendingRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('participant'), id: z.number().int(), step: Id, enrolled: z.number().int(), shortfalls: z.array(Text(256)).max(16) }).strict(),
  z.object({ kind: z.literal('pin'), id: z.number().int(), step: Id, hsm: Id, tokenLabel: Text(64).nullable() }).strict(),
  z.object({ kind: z.literal('witness-time'), id: z.number().int(), step: Id, maxSkewSeconds: z.number().int().nullable() }).strict(),
  z.object({ kind: z.literal('custody-serial'), id: z.number().int(), step: Id, item: z.object({ kind: Text(32), label: Text(128) }).strict() }).strict(),
  z.object({ kind: z.literal('seal-passphrase'), id: z.number().int(), step: Id, custodian: Id, custodianName: Text(128) }).strict(),
  z.object({ kind: z.literal('share-medium'), id: z.number().int(), step: Id, custodian: Id, custodianName: Text(128) }).strict(),
  z.object({ kind: z.literal('share'), id: z.number().int(), step: Id, expected: z.array(Id).max(64), accepted: z.array(Id).max(64), threshold: z.number().int().nullable() }).strict(),
  z.object({ kind: z.literal('signer'), id: z.number().int(), step: Id, stage: z.enum(['approval', 'sign-off', 'exception']), contentSha256: Text(64).nullable() }).strict(),
  z.object({ kind: z.literal('previous-bundle'), id: z.number().int(), step: Id, purpose: z.enum(['share-set', 'custody-serials', 'key']) }).strict(),
]);
export type PendingRequest = z.infer<typeof PendingRequest>;

export const StepView = z
  .object({
    id: Id,
    index: z.number().int(),
    title: Text(256),
    action: Text(64),
    status: z.enum(['done', 'current', 'pending', 'failed']),
    deviation: z.boolean(),
    /** A done step's results the script asks to be read aloud (a pre-flight check's decision, the clock's skew). */
    results: z.array(ReadAloud).max(16),
  })
  .strict();

/**
 * One pre-flight item as the pre-flight panel shows it (the air gap, the
 * environment record, devices and media, the clock, custody serials, an
 * HSM's inventory), derived by the engine from the results its pre-flight
 * steps recorded: its state, what was found, values to read aloud, and, when
 * warned or failed, what people do about it. Public values only.
 */
export const PreflightItem = z
  .object({
    item: z.enum(['air-gap', 'environment', 'devices', 'clock', 'custody-serials', 'hsm-inventory']),
    step: Id,
    title: Text(128),
    state: z.enum(['to-do', 'passed', 'warned', 'failed']),
    findings: z.array(Text(512)).max(32),
    readAloud: z.array(ReadAloud).max(16),
    whatToDo: Text(1024).nullable(),
  })
  .strict();
export type PreflightItem = z.infer<typeof PreflightItem>;

export const CeremonyView = z
  .object({
    /** Null when no ceremony is open. */
    session: z
      .object({
        ceremonyId: Text(256),
        scriptId: Text(64),
        title: Text(256),
        mode: z.enum(['rehearsal', 'production']),
        status: z.enum(['running', 'closed', 'aborted']),
        steps: z.array(StepView).max(256),
        /** The script's pre-flight items, from what its pre-flight steps recorded (preflight-view.ts). */
        preflight: z.array(PreflightItem).max(24),
        current: z
          .object({
            step: Id,
            index: z.number().int(),
            title: Text(256),
            instruction: Text(4096),
            stage: z.enum(['approval', 'action', 'sign-off']),
            requirements: z.array(Requirement).max(8),
            readAloud: z.array(ReadAloud).max(16),
          })
          .strict()
          .nullable(),
        participants: z.array(z.object({ id: Id, name: Text(128), role: RoleName }).strict()).max(64),
        /** The script's cast: how many of each role it needs and allows, so the screen explains role separation before enrolment refuses. */
        roles: z.array(z.object({ role: RoleName, min: z.number().int().nonnegative(), max: z.number().int().nonnegative(), enrolled: z.number().int().nonnegative() }).strict()).max(4),
        request: PendingRequest.nullable(),
        lastRefusal: z.object({ step: Text(64), code: Text(64), message: Text(2048) }).strict().nullable(),
        /** Why the ceremony stopped, once aborted. */
        failure: z.object({ code: Text(64), message: Text(2048), step: Text(64).nullable() }).strict().nullable(),
        /** Set when this run resumed an interrupted ceremony: where it goes on, what the crash lost and what is done again. */
        resumed: z.object({ continuesAt: Text(512), lost: z.array(Text(512)).max(32), redone: z.array(Text(64)).max(64), whyRedone: z.array(Text(1024)).max(64) }).strict().nullable(),
        /** The evidence bundle, once closed or aborted, and whether it verified. */
        bundle: z.object({ folder: Text(4096), archive: Text(4096), verified: z.boolean(), rootHex: Text(64), rootWords: z.array(Text(16)).max(32) }).strict().nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type CeremonyView = z.infer<typeof CeremonyView>;

const Answered = z.object({ requestId: z.number().int().nonnegative() }).strict();

/** One recorded transcript event, as the live timeline shows it (public by construction: the journal refuses secret-named fields). */
export const CeremonyRecorded = z.object({ seq: z.number().int().nonnegative(), at: z.iso.datetime(), type: Text(64), step: Text(64).nullable(), actors: z.array(Text(64)).max(64), summary: Text(512) }).strict();
export const CeremonyCheckpoint = z.object({ size: z.number().int().nonnegative(), rootHex: Text(64), rootWords: z.array(Text(16)).max(32) }).strict();

/**
 * Long work the engine is doing in a step, while no question waits: which
 * work, which item of how many (share k of N, HSM j of K), how far (`done`
 * of `total`, the whole work's units), and whether the operator may cancel
 * it now. Public values only: names, counts and fractions. Main sends at
 * most about ten a second; the first, the last and every change of item or
 * of `cancellable` always go.
 */
export const CeremonyProgress = z
  .object({
    step: Id.nullable(),
    work: z.enum(['sealing-share', 'opening-share', 'loading-key', 'verifying-bundle']),
    /** In words, e.g. "Sealing share 2 of 5, for Alice Example". */
    label: Text(256),
    item: z.number().int().min(1).max(256),
    items: z.number().int().min(1).max(256),
    done: z.number().int().nonnegative().max(1_000_000),
    total: z.number().int().min(1).max(1_000_000),
    cancellable: z.boolean(),
    /** Running, or how it ended (cancelled: by the operator, nothing kept). */
    state: z.enum(['running', 'finished', 'cancelled']),
  })
  .strict()
  .refine((p) => p.done <= p.total && p.item <= p.items, 'done is at most total, and item at most items');
export type CeremonyProgress = z.infer<typeof CeremonyProgress>;

/** Something the person may choose for a request: an earlier ceremony's bundle, or a medium (a removable volume, or a rehearsal's media folder). */
export const Choice = z.object({ folder: Text(4096), label: Text(512), kind: z.enum(['removable', 'rehearsal', 'bundle']), readOnly: z.boolean(), freeBytes: z.number().int().nonnegative().nullable() }).strict();
export type Choice = z.infer<typeof Choice>;

/** A ceremony of this data folder that stopped without closing (the app or the machine died). */
export const InterruptedCeremony = z
  .object({
    handle: Text(256),
    ceremonyId: Text(256),
    title: Text(256),
    startedAt: Text(64),
    events: z.number().int().nonnegative(),
    lastEvent: Text(512),
    /** False when the script it ran is not one this Keyrite has (then `why`). */
    resumable: z.boolean(),
    why: Text(512).nullable(),
  })
  .strict();

export const ceremonyCommands = {
  'ceremony/listScripts': { request: NoArguments, response: z.object({ scripts: z.array(ScriptSummary).max(64) }).strict() },
  /** A script file's text (read by the renderer from a file the person chose); every problem with its line, or a handle to start it. */
  'ceremony/checkScript': {
    request: z.object({ name: Text(256), text: Text(256 * 1024) }).strict(),
    response: z.object({ ok: z.boolean(), problems: z.array(ScriptProblemView).max(200), script: ScriptSummary.nullable() }).strict(),
  },
  /** `earlier`: the handle of an earlier run (ceremony/earlierRuns) whose HSM tokens this one acts on, for scripts that need them. */
  'ceremony/start': { request: z.object({ handle: Text(128), earlier: Text(256).optional() }).strict(), response: CeremonyView },
  /** Earlier ceremonies of this data folder whose rehearsal HSM tokens a new run can act on (copied, never changed). */
  'ceremony/earlierRuns': { request: NoArguments, response: z.object({ runs: z.array(z.object({ handle: Text(256), ceremonyId: Text(256), title: Text(256), closed: z.boolean() }).strict()).max(64) }).strict() },
  'ceremony/view': { request: NoArguments, response: CeremonyView },
  'ceremony/listInterrupted': { request: NoArguments, response: z.object({ ceremonies: z.array(InterruptedCeremony).max(64) }).strict() },
  /** Resumes an interrupted ceremony: its transcript is checked and replayed, what was lost is said, and it goes on from the last safe step. */
  'ceremony/resume': { request: z.object({ handle: Text(256) }).strict(), response: CeremonyView },
  'ceremony/enrol': {
    request: Answered.extend({ id: Id, name: Text(128).min(1), role: RoleName, passphrase: SecretInput, confirmation: SecretInput }).strict(),
    response: CeremonyView,
  },
  /** Everyone is enrolled: the engine checks role counts before the steps start. */
  'ceremony/enrolmentComplete': { request: Answered, response: CeremonyView },
  'ceremony/signOff': { request: Answered.extend({ participantId: Id, passphrase: SecretInput }).strict(), response: CeremonyView },
  'ceremony/submit': {
    request: Answered.extend({
      input: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('pin'), pin: SecretInput }).strict(),
        z.object({ kind: z.literal('witness-time'), time: z.iso.datetime() }).strict(),
        z.object({ kind: z.literal('custody-serial'), typed: Text(256).min(1), readBack: Text(256).min(1) }).strict(),
        z.object({ kind: z.literal('seal-passphrase'), passphrase: SecretInput, confirmation: SecretInput }).strict(),
        z.object({ kind: z.literal('share-medium'), folder: Text(4096).min(1).nullable() }).strict(),
        z.object({ kind: z.literal('share'), custodian: Id, medium: Text(4096).min(1), passphrase: SecretInput }).strict(),
        /** The words typed from a share's paper form (bytes of the text), instead of its file. */
        z.object({ kind: z.literal('share-words'), custodian: Id, words: SecretWords, passphrase: SecretInput }).strict(),
        z.object({ kind: z.literal('no-more-shares') }).strict(),
        /** Discards the shares accepted so far in this collection, which starts again (recorded as shares/started-over). */
        z.object({ kind: z.literal('start-over-shares') }).strict(),
        /** Null: no earlier ceremony to compare custody serials with (only for that purpose; a share set or a key must come from one). */
        z.object({ kind: z.literal('previous-bundle'), folder: Text(4096).min(1).nullable() }).strict(),
      ]),
    }).strict(),
    response: CeremonyView,
  },
  /** What the pending request may be answered with (a medium, an earlier bundle); the engine accepts only these folders. */
  'ceremony/choices': { request: NoArguments, response: z.object({ choices: z.array(Choice).max(256), defaultLabel: Text(256).nullable() }).strict() },
  /**
   * Checks typed paper-form words line by line in main (each line's two
   * check words), without decoding or opening anything: where the first
   * problem is, never which word would fix it (that word is share material).
   */
  'ceremony/checkShareWords': {
    request: z.object({ words: SecretWords }).strict(),
    response: z.object({ words: z.number().int().nonnegative(), lines: z.number().int().nonnegative(), complete: z.boolean(), problem: z.object({ code: Text(64), line: z.number().int().nullable(), word: z.number().int().nullable(), message: Text(512) }).strict().nullable() }).strict(),
  },
  /** Checks a passphrase in main (never echoed back): length, repeated characters, strength estimate. */
  'ceremony/assessPassphrase': {
    request: z.object({ passphrase: SecretInput }).strict(),
    response: z.object({ acceptable: z.boolean(), strength: z.enum(['too-short', 'weak', 'fair', 'strong']), problems: z.array(Text(256)).max(8) }).strict(),
  },
  /** The exception button: what was expected, what happened, continue or abort; the administrator and the witness quorum then sign it (signer requests). */
  'ceremony/raiseException': {
    request: z.object({ expected: Text(2048).min(1), actual: Text(2048).min(1), decision: z.enum(['continue', 'abort']) }).strict(),
    response: CeremonyView,
  },
  'ceremony/abort': { request: z.object({ reason: Text(2048).min(1) }).strict(), response: CeremonyView },
  /**
   * Cancels the long work running now, where that is safe (a share's KDF
   * while it is sealed, before anything is written, or opened): recorded as
   * work/cancelled, and the question asked again. Refused
   * (CEREMONY_NOTHING_TO_CANCEL) when nothing cancellable runs.
   */
  'ceremony/cancelWork': { request: NoArguments, response: CeremonyView },
  /** Closes the view of an ended ceremony (the store resets). */
  'ceremony/dismiss': { request: NoArguments, response: CeremonyView },
} as const;

export const ceremonyEvents = {
  'ceremony/changed': CeremonyView,
  'ceremony/recorded': CeremonyRecorded,
  'ceremony/checkpoint': CeremonyCheckpoint,
  'ceremony/progress': CeremonyProgress,
} as const;
