/**
 * What the runner and the action handlers share during one run: the
 * script, the inputs (answers file or people at the screen), the journal, the HSM sessions and what earlier steps
 * produced. Secrets held here (PINs, the master secret, credentials) are
 * SecretBytes or objects with their own wipe, and `wipeAll` in the
 * runner's finally clears every one of them.
 */
import type { CeremonyScript, PublicValue, Step } from '../../../../shared/ceremony/index.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';
import type { DevicePreflight } from '../../devices/index.ts';
import type { GeneratedKey, HsmSession, ImportedKey, Inventory } from '../../hsm/index.ts';
import type { ShareSet } from '../../shares/index.ts';
import type { Journal } from '../../transcript/journal.ts';
import type { NoteSigner } from '../../transcript/signer.ts';
import type { CredentialKdfCost, ParticipantCredential } from '../credential.ts';
import type { CeremonyClock } from './ceremony-clock.ts';
import type { CeremonyInputs } from './inputs.ts';
import type { RehearsalHsms } from './rehearsal-hsm.ts';
import type { CeremonyWork } from './work-progress.ts';

export interface RunContext {
  readonly script: CeremonyScript;
  readonly inputs: CeremonyInputs;
  /** The participant credential KDF cost (PARTICIPANT_KDF; cheaper only in tests). */
  readonly kdfCost: CredentialKdfCost;
  readonly journal: Journal;
  /** Signs checkpoints (a software Ed25519 key in a rehearsal). */
  readonly ceremonyKey: NoteSigner;
  /** Steps completed so far (the state machine's count). */
  completedSteps: number;
  readonly outFolder: string;
  readonly hsms: RehearsalHsms;
  /** One session per script HSM target, opened at the first step that needs it. */
  readonly sessions: Map<string, HsmSession>;
  /** Participant credentials held since enrolment, by participant id (answers file only; wiped at the end). People at the screen type their passphrase for each signature instead. */
  readonly credentials: Map<string, ParticipantCredential>;
  /** Everyone enrolled, by participant id: name and role. */
  readonly enrolled: Map<string, { name: string; role: string }>;
  /** Inventories taken by earlier steps: `<step id>` or `<step id>/<hsm id>`. */
  readonly inventories: Map<string, Inventory>;
  /** Keys generated in an HSM, by script key name. */
  readonly generated: Map<string, GeneratedKey>;
  /** Secrets held in engine memory (e.g. a master key), by script key name. */
  readonly secrets: Map<string, SecretBytes>;
  /** Public facts about secrets generated or rebuilt here, by key name: the host-computed AES check value (3 bytes, hex). */
  readonly hostCheckValues: Map<string, string>;
  /** Share sets made or rebuilt in this run, by share policy id (sealed envelopes only). */
  readonly shareSets: Map<string, ShareSet>;
  /** Keys loaded into HSMs, by `<key>/<hsm>`, as the HSM reported them. */
  readonly loaded: Map<string, ImportedKey>;
  /** What key.deprecate and key.scheduleDestruction decided, by their step id, for the steps that wait on it. */
  readonly keyLifecycle: Map<string, KeyLifecycleRecord>;
  devices: DevicePreflight | undefined;
  /** The ceremony's time: `clock.now` (a rehearsal's clock may have been advanced, recorded). */
  readonly now: () => Date;
  /** Where steps wait for a date (ceremony-clock.ts): production refuses a future date, a rehearsal advances, recorded. */
  readonly clock: CeremonyClock;
  /** Long work's progress, and the cancellation of the part that may be cancelled (work-progress.ts). */
  readonly work: CeremonyWork;
}

/** A key's deprecation or scheduled destruction, as its step decided it. */
export type KeyLifecycleRecord =
  | { kind: 'deprecated'; key: string; hsm: string; fingerprint: string; deprecatedAt: Date; graceEndsAt: Date }
  | { kind: 'scheduled'; key: string; hsm: string; fingerprint: string; scheduledAt: Date; notBefore: Date };

/** What an action handler returns: the public result, and whether it deviated from what the script expects. */
export interface ActionOutcome {
  result: PublicValue;
  deviation?: boolean;
  /** What a deviating result is recorded as in its exception, in words for people (else the runner's generic wording). */
  exception?: { expected: string; actual: string; items?: PublicValue };
}

export type StepOf<A extends Step['action']> = Extract<Step, { action: A }>;
export type ActionHandler<A extends Step['action']> = (ctx: RunContext, step: StepOf<A>) => Promise<ActionOutcome>;

export async function sessionFor(ctx: RunContext, hsm: string): Promise<HsmSession> {
  const open = ctx.sessions.get(hsm);
  if (open !== undefined) return open;
  const mapping = ctx.hsms.mappings.find((m) => m.hsm === hsm);
  if (mapping === undefined) throw new Error(`no rehearsal token for HSM target ${hsm}`);
  const session = await ctx.hsms.module.openSession({ serial: mapping.serial, label: mapping.label });
  ctx.sessions.set(hsm, session);
  return session;
}
