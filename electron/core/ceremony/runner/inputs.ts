/**
 * What people put into a ceremony, asked for one item at a time, exactly
 * when a step needs it: enrolments, PINs, the witness's clock reading,
 * custody serials, share passphrases, presented shares, sign-offs, and the
 * earlier ceremony's bundle and share media.
 *
 * Two sources answer the same questions, so the CLI and the UI drive the
 * very same runner:
 *   - an answers file (`keyrite rehearse`, answers-inputs.ts): every answer
 *     is known up front; a refusal ends the run, recorded;
 *   - people at the screen (the UI, ../session/): each question becomes a
 *     pending request the renderer answers through the contract; a refusal
 *     that people can correct (a wrong passphrase, a sign-off by the wrong
 *     person, a bad share) is recorded and explained, and the question is
 *     asked again, so the ceremony continues.
 *
 * Secrets cross this interface only as SecretBytes, which the receiving
 * code wipes on every path.
 */
import type { CeremonyState, CUSTODY_KINDS, Role, SignOffStage, Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';

export interface EnrolmentInput {
  id: string;
  name: string;
  role: Role;
  /** Derives the participant's signing credential; wiped by the runner. */
  passphrase: SecretBytes;
}

export interface SignerInput {
  participantId: string;
  /**
   * The passphrase the signer types to sign (people at the screen): the
   * credential is derived again, checked against the enrolled public key,
   * used once and wiped. Absent (an answers file): the credential derived
   * at enrolment signs.
   */
  passphrase?: SecretBytes;
}

/**
 * A share a custodian presents, with the passphrase that opens it: the file
 * from their medium, or the words they type from its paper form. (The typed
 * words pass through one JavaScript string while they are decoded; the
 * envelope they carry is sealed under the passphrase, which stays bytes.)
 */
export type ShareInput = { custodian: string; passphrase: SecretBytes } & ({ file: { name: string; bytes: Uint8Array }; words?: never } | { words: { name: string; text: string }; file?: never });

/**
 * The answer to "next share" that discards every share accepted so far in
 * this collection and starts it again (issue #8: people who find they began
 * with the wrong envelopes start over rather than abort the ceremony).
 */
export const START_OVER = 'start-over' as const;

/** The shares module's form of a presented share. */
export function shareSourceOf(presented: ShareInput): { kind: 'file'; name: string; bytes: Uint8Array } | { kind: 'words'; name: string; words: string } {
  if (presented.file !== undefined) return { kind: 'file', ...presented.file };
  return { kind: 'words', name: presented.words.name, words: presented.words.text };
}

export interface WitnessTime {
  time: Date;
  /** How the time was obtained, recorded with it. */
  source: 'typed by a witness' | 'answers file' | 'rehearsal: system clock';
}

export interface CustodySerialInput {
  typed: string;
  readBack: string;
}

/** Who may answer, for the screen to say ("Carl, present your share"). */
export interface Ask {
  step: Step;
}

export interface CeremonyInputs {
  readonly source: 'answers-file' | 'people';
  /** The next person to enrol, or undefined once everyone has. */
  nextParticipant(ask: Ask & { enrolled: readonly { id: string; role: Role }[] }): Promise<EnrolmentInput | undefined>;
  /** The user PIN of a script HSM target. */
  pin(ask: Ask & { hsm: string }): Promise<SecretBytes>;
  witnessTime(ask: Ask): Promise<WitnessTime>;
  custodySerial(ask: Ask & { item: { kind: (typeof CUSTODY_KINDS)[number]; label: string } }): Promise<CustodySerialInput>;
  /** The passphrase a custodian seals their new share under. */
  sealPassphrase(ask: Ask & { custodian: string }): Promise<SecretBytes>;
  /**
   * The folder a custodian's share is written to (their medium). Undefined:
   * the rehearsal default, `<out>/media/<custodian>/`.
   */
  shareMedium(ask: Ask & { custodian: string }): Promise<string | undefined>;
  /** The next share presented (recovery, custody audit), or undefined when no more will be. */
  /** The next share; START_OVER to discard those accepted so far; undefined when nobody else presents one. */
  nextShare(ask: Ask & { expected: readonly string[]; accepted: readonly string[]; threshold: number }): Promise<ShareInput | typeof START_OVER | undefined>;
  /** The next person to sign the current stage, or undefined if nobody more will. */
  nextSigner(ask: Ask & { stage: SignOffStage | 'exception'; state: CeremonyState; /** An exception's signers so far (its quorum is outside the state until signed). */ signed?: readonly string[] }): Promise<SignerInput | undefined>;
  /** The earlier ceremony's evidence bundle (folder), for recovery, reshare, audit and destruction. */
  previousBundle(ask: Ask & { purpose: 'share-set' | 'custody-serials' | 'key' }): Promise<string | undefined>;
  /** Told when a step is starting, an input was refused, or the run ends (people at the screen see it; a file ignores it). */
  notify?(note: InputNote): void;
  /** Given the runner's hooks when the run starts (people at the screen raise exceptions through them). */
  attach?(runner: RunnerHooks): void;
}

/** An exception people raise themselves (the exception button), not a deviating result. */
export interface RaisedException {
  expected: string;
  actual: string;
  decision: 'continue' | 'abort';
}

export interface RunnerHooks {
  /**
   * Checks a raised exception against the script and the phase at once
   * (throws a KeyriteError people can read), then returns the work that
   * collects the quorum's signatures through the same inputs and records it.
   */
  prepareException(raised: RaisedException): () => Promise<void>;
}

export type InputNote =
  | { kind: 'refused'; step: string; code: string; message: string }
  | { kind: 'ended' };

/**
 * Errors people can correct by answering again: a wrong passphrase, PIN or
 * share, a sign-off by someone the step does not ask for, an enrolment that
 * breaks role separation, a serial read back differently. Anything else
 * (an HSM fault, a broken script) ends the run.
 */
export function isCorrectable(error: unknown): error is KeyriteError {
  if (!(error instanceof KeyriteError)) return false;
  return CORRECTABLE_CODES.has(error.code) || CORRECTABLE_PREFIXES.some((prefix) => error.code.startsWith(prefix));
}

const CORRECTABLE_CODES = new Set([
  'CEREMONY_ALREADY_ENROLLED', 'CEREMONY_ROLE_FULL', 'CEREMONY_ROLE_SEPARATION', 'CEREMONY_UNKNOWN_PARTICIPANT',
  'CEREMONY_SIGN_OFF_WRONG_ROLE', 'CEREMONY_SIGN_OFF_DUPLICATE', 'CEREMONY_SIGN_OFF_INVALID',
  'CEREMONY_CUSTODY_READ_BACK_MISMATCH', 'CEREMONY_CUSTODY_SERIAL_INVALID', 'CEREMONY_CLOCK_INVALID',
  'CEREMONY_CREDENTIAL_MISMATCH', 'CEREMONY_PASSPHRASE_TOO_SHORT', 'HSM_PIN_INCORRECT', 'HSM_PIN_NOT_TEXT',
]);
/** The shares module's refusals of one presented share (wrong passphrase, corrupt file, another ceremony's share). */
const CORRECTABLE_PREFIXES = ['SHARE_'];

/**
 * Runs `attemptOnce` until it succeeds. From an answers file the first
 * failure is final; from people, a correctable failure is recorded (via
 * `record`) and explained, and the question asked again.
 */
export async function untilAccepted<T>(inputs: CeremonyInputs, step: Step, record: (code: string, message: string) => void, attemptOnce: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attemptOnce();
    } catch (error) {
      if (inputs.source !== 'people' || !isCorrectable(error)) throw error;
      record(error.code, error.message);
      inputs.notify?.({ kind: 'refused', step: step.id, code: error.code, message: error.message });
    }
  }
}
