/**
 * People at the screen as the ceremony's input source (../runner/inputs.ts).
 * The runner asks one question at a time; each question becomes the one
 * pending request the view publishes, and the contract's commands answer it
 * by its id. An answer for another request, or of another kind, is refused:
 * a stale screen can never answer a newer question.
 *
 * Secrets arrive as bytes the renderer encoded (SecretInput) and are adopted
 * into SecretBytes at once; whoever receives them wipes them. A request
 * cancelled by an abort rejects, so the runner's own finally wipes what it
 * holds.
 */
import type { PendingRequest } from '../../../../shared/contract/ceremony.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';
import type { CeremonyInputs, EnrolmentInput, InputNote, RaisedException, RunnerHooks, ShareInput, SignerInput, START_OVER, WitnessTime, CustodySerialInput } from '../runner/inputs.ts';

/** A request as published, without its id (the inputs number them). */
export type RequestDraft = PendingRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  request: PendingRequest;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Answers by request kind: what the runner receives. */
export interface AnswerOf {
  participant: EnrolmentInput | undefined;
  pin: SecretBytes;
  'witness-time': WitnessTime;
  'custody-serial': CustodySerialInput;
  'seal-passphrase': SecretBytes;
  'share-medium': string | undefined;
  share: ShareInput | typeof START_OVER | undefined;
  signer: SignerInput;
  /** Undefined: no earlier ceremony (custody serials only). */
  'previous-bundle': string | undefined;
}

export interface PeopleInputsHooks {
  /** The pending request changed (asked, answered or cancelled). */
  changed(): void;
  /** A correctable refusal the runner recorded; the question is asked again. */
  refused(note: Extract<InputNote, { kind: 'refused' }>): void;
  /** Public facts a request shows (a custodian's name, an HSM's token label, the share threshold). */
  describe: {
    custodianName(id: string): string;
    tokenLabel(hsm: string): string | null;
    shortfalls(): string[];
  };
}

export class PeopleInputs implements CeremonyInputs {
  readonly source = 'people' as const;
  #pending: Pending | undefined;
  #nextId = 1;
  #cancelled: KeyriteError | undefined;
  #runner: RunnerHooks | undefined;
  #raising = false;
  #exceptionSigned: readonly string[] = [];
  readonly #hooks: PeopleInputsHooks;

  constructor(hooks: PeopleInputsHooks) {
    this.#hooks = hooks;
  }

  get pending(): PendingRequest | undefined {
    return this.#pending?.request;
  }

  /** Who has signed the exception being signed so far (the view shows its quorum). */
  get exceptionSigned(): readonly string[] {
    return this.#exceptionSigned;
  }

  /** Answers the pending request; refused when it is not the one the person saw. */
  answer<K extends keyof AnswerOf>(requestId: number, kind: K, value: AnswerOf[K]): void {
    const pending = this.#pending;
    if (pending === undefined || pending.request.id !== requestId) {
      throw new KeyriteError('CEREMONY_REQUEST_STALE', `Request ${requestId} is no longer waiting for an answer${pending === undefined ? '' : `; the ceremony now asks: ${pending.request.kind} (request ${pending.request.id})`}.`);
    }
    if (pending.request.kind !== kind) throw new KeyriteError('CEREMONY_REQUEST_KIND', `Request ${requestId} asks for ${pending.request.kind}, not ${kind}.`);
    this.#pending = undefined;
    pending.resolve(value);
    this.#hooks.changed();
  }

  attach(runner: RunnerHooks): void {
    this.#runner = runner;
  }

  /**
   * People raise an exception while the ceremony waits for them: the
   * question is set aside, the quorum signs the exception (the same inputs
   * ask each signer), then the question is asked again (continue) or the
   * run ends (abort). Checks against the script and phase happen first, so
   * a refused exception leaves the question where it was.
   */
  raise(raised: RaisedException): void {
    const runner = this.#runner;
    const interrupted = this.#pending;
    if (runner === undefined || this.#cancelled !== undefined) throw new KeyriteError('CEREMONY_NOT_RUNNING', 'The ceremony is not running.');
    if (this.#raising) throw new KeyriteError('CEREMONY_EXCEPTION_PENDING', 'An exception is already being signed; finish it first.');
    if (interrupted === undefined) throw new KeyriteError('CEREMONY_BUSY', 'Keyrite is carrying out the step; raise the exception when it next waits for you.');
    const work = runner.prepareException(raised);
    this.#pending = undefined;
    this.#raising = true;
    const { id: _id, ...again } = interrupted.request;
    work().then(
      () => {
        this.#raising = false;
        this.#ask(again as RequestDraft).then(interrupted.resolve, interrupted.reject);
      },
      (error: unknown) => {
        this.#raising = false;
        interrupted.reject(error);
      },
    );
  }

  /** Ends every question, now and later (abort): the runner's pending await rejects with `reason`. */
  cancel(reason: KeyriteError): void {
    this.#cancelled = reason;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(reason);
    this.#hooks.changed();
  }

  #ask<K extends keyof AnswerOf>(draft: RequestDraft & { kind: K }): Promise<AnswerOf[K]> {
    if (this.#cancelled !== undefined) return Promise.reject(this.#cancelled);
    if (this.#pending !== undefined) return Promise.reject(new KeyriteError('CEREMONY_REQUEST_BUSY', 'The ceremony asked two questions at once; this is a bug.'));
    return new Promise<AnswerOf[K]>((resolve, reject) => {
      this.#pending = { request: { ...draft, id: this.#nextId++ } as PendingRequest, resolve: resolve as (value: unknown) => void, reject };
      this.#hooks.changed();
    });
  }

  nextParticipant({ step, enrolled }: Parameters<CeremonyInputs['nextParticipant']>[0]) {
    return this.#ask({ kind: 'participant', step: step.id, enrolled: enrolled.length, shortfalls: this.#hooks.describe.shortfalls() });
  }

  pin({ step, hsm }: Parameters<CeremonyInputs['pin']>[0]) {
    return this.#ask({ kind: 'pin', step: step.id, hsm, tokenLabel: this.#hooks.describe.tokenLabel(hsm) });
  }

  witnessTime({ step }: Parameters<CeremonyInputs['witnessTime']>[0]) {
    return this.#ask({ kind: 'witness-time', step: step.id, maxSkewSeconds: step.action === 'preflight.clock' ? step.params.maxSkewSeconds : null });
  }

  custodySerial({ step, item }: Parameters<CeremonyInputs['custodySerial']>[0]) {
    return this.#ask({ kind: 'custody-serial', step: step.id, item: { kind: item.kind, label: item.label } });
  }

  sealPassphrase({ step, custodian }: Parameters<CeremonyInputs['sealPassphrase']>[0]) {
    return this.#ask({ kind: 'seal-passphrase', step: step.id, custodian, custodianName: this.#hooks.describe.custodianName(custodian) });
  }

  shareMedium({ step, custodian }: Parameters<CeremonyInputs['shareMedium']>[0]) {
    return this.#ask({ kind: 'share-medium', step: step.id, custodian, custodianName: this.#hooks.describe.custodianName(custodian) });
  }

  nextShare({ step, expected, accepted, threshold }: Parameters<CeremonyInputs['nextShare']>[0]) {
    return this.#ask({ kind: 'share', step: step.id, expected: [...expected], accepted: [...accepted], threshold });
  }

  nextSigner({ step, stage, state, signed }: Parameters<CeremonyInputs['nextSigner']>[0]) {
    void state;
    this.#exceptionSigned = stage === 'exception' ? [...(signed ?? [])] : [];
    return this.#ask({ kind: 'signer', step: step.id, stage, contentSha256: null });
  }

  previousBundle({ step, purpose }: Parameters<CeremonyInputs['previousBundle']>[0]) {
    return this.#ask({ kind: 'previous-bundle', step: step.id, purpose });
  }

  notify(note: InputNote): void {
    if (note.kind === 'refused') this.#hooks.refused(note);
  }
}
