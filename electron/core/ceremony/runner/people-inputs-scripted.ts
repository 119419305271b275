/**
 * People at the screen, scripted: a CeremonyInputs of source `people`
 * whose answers a test gives one question at a time (the engine's
 * model-based test). The runner cannot tell it from people typing (the
 * UI's source is ../session/people-inputs.ts): a correctable mistake is
 * recorded and asked again, exactly as in the room.
 *
 * Each question the runner asks waits in one place (`waiting`) until the
 * driver answers it: `answer(kind, supply)` queues an answer for the next
 * question of that kind (given at once if one is waiting), `refuse(error)`
 * makes the waiting question fail (people abort), and `idle()` resolves
 * once the runner is waiting again with nothing queued, i.e. it has done
 * everything the answers so far allowed. Kinds the driver does not care
 * about can be answered automatically (`auto`).
 *
 * Secrets are supplied as functions that make fresh SecretBytes at the
 * moment the runner asks, and the runner wipes them; nothing here keeps one.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';
import type { CeremonyInputs, CustodySerialInput, EnrolmentInput, InputNote, ShareInput, SignerInput, START_OVER, WitnessTime } from './inputs.ts';

type AskArg<M extends keyof CeremonyInputs> = CeremonyInputs[M] extends ((ask: infer A) => unknown) | undefined ? A : never;

/** Each question the runner can ask: what it says (ask) and what answers it. */
export interface Questions {
  participant: { ask: AskArg<'nextParticipant'>; answer: EnrolmentInput | undefined };
  pin: { ask: AskArg<'pin'>; answer: SecretBytes };
  witnessTime: { ask: AskArg<'witnessTime'>; answer: WitnessTime };
  custodySerial: { ask: AskArg<'custodySerial'>; answer: CustodySerialInput };
  sealPassphrase: { ask: AskArg<'sealPassphrase'>; answer: SecretBytes };
  shareMedium: { ask: AskArg<'shareMedium'>; answer: string | undefined };
  share: { ask: AskArg<'nextShare'>; answer: ShareInput | typeof START_OVER | undefined };
  signer: { ask: AskArg<'nextSigner'>; answer: SignerInput | undefined };
  previousBundle: { ask: AskArg<'previousBundle'>; answer: string | undefined };
}
export type QuestionKind = keyof Questions;

/** Makes the answer when the question is asked (fresh SecretBytes each time). */
export type Supply<K extends QuestionKind> = (ask: Questions[K]['ask']) => Questions[K]['answer'];

/** The question the runner is waiting on. */
export type Question = { [K in QuestionKind]: { kind: K; ask: Questions[K]['ask'] } }[QuestionKind];

export type AutoAnswers = { [K in QuestionKind]?: Supply<K> };

interface Waiting {
  question: Question;
  resolve: (answer: unknown) => void;
  reject: (error: unknown) => void;
}

export class ScriptedPeople implements CeremonyInputs {
  readonly source = 'people' as const;
  /** Every note the runner gave the screen (refusals, the end), in order. */
  readonly notes: InputNote[] = [];
  readonly #auto: AutoAnswers;
  readonly #queued = new Map<QuestionKind, Supply<QuestionKind>[]>();
  #waiting: Waiting | undefined;
  #idle: ((question: Question) => void)[] = [];

  constructor(auto: AutoAnswers = {}) {
    this.#auto = auto;
  }

  /** The question the runner is waiting on now, if any. */
  get waiting(): Question | undefined {
    return this.#waiting?.question;
  }

  /** Resolves with the waiting question once the runner waits with nothing queued for it (at once if it already does). */
  idle(): Promise<Question> {
    const waiting = this.#waiting;
    if (waiting !== undefined) return Promise.resolve(waiting.question);
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Answers the next question of `kind` (the waiting one, if it is of that kind). */
  answer<K extends QuestionKind>(kind: K, supply: Supply<K>): void {
    const waiting = this.#waiting;
    if (waiting !== undefined && waiting.question.kind === kind) {
      this.#waiting = undefined;
      this.#give(waiting, supply as unknown as Supply<QuestionKind>);
      return;
    }
    this.#queued.set(kind, [...(this.#queued.get(kind) ?? []), supply as unknown as Supply<QuestionKind>]);
  }

  /** Fails the waiting question (people abort, a device is pulled): the runner sees `error`. */
  refuse(error: Error): void {
    const waiting = this.#waiting;
    if (waiting === undefined) throw new KeyriteError('CEREMONY_WRONG_STAGE', 'No question is waiting to be refused.');
    this.#waiting = undefined;
    waiting.reject(error);
  }

  #give(waiting: Waiting, supply: Supply<QuestionKind>): void {
    try {
      waiting.resolve(supply(waiting.question.ask as never));
    } catch (error) {
      waiting.reject(error);
    }
  }

  #ask<K extends QuestionKind>(kind: K, ask: Questions[K]['ask']): Promise<Questions[K]['answer']> {
    if (this.#waiting !== undefined) return Promise.reject(new KeyriteError('CEREMONY_WRONG_STAGE', `Asked for ${kind} while ${this.#waiting.question.kind} is still unanswered.`));
    const auto = this.#auto[kind] as Supply<K> | undefined;
    if (auto !== undefined) {
      try {
        return Promise.resolve(auto(ask));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { question: { kind, ask } as Question, resolve: resolve as (answer: unknown) => void, reject };
      const queued = this.#queued.get(kind) ?? [];
      const next = queued.shift();
      if (next !== undefined) {
        this.#give(waiting, next);
        return;
      }
      this.#waiting = waiting;
      const listeners = this.#idle;
      this.#idle = [];
      for (const listener of listeners) listener(waiting.question);
    });
  }

  nextParticipant(ask: Questions['participant']['ask']) {
    return this.#ask('participant', ask);
  }
  pin(ask: Questions['pin']['ask']) {
    return this.#ask('pin', ask);
  }
  witnessTime(ask: Questions['witnessTime']['ask']) {
    return this.#ask('witnessTime', ask);
  }
  custodySerial(ask: Questions['custodySerial']['ask']) {
    return this.#ask('custodySerial', ask);
  }
  sealPassphrase(ask: Questions['sealPassphrase']['ask']) {
    return this.#ask('sealPassphrase', ask);
  }
  shareMedium(ask: Questions['shareMedium']['ask']) {
    return this.#ask('shareMedium', ask);
  }
  nextShare(ask: Questions['share']['ask']) {
    return this.#ask('share', ask);
  }
  nextSigner(ask: Questions['signer']['ask']) {
    return this.#ask('signer', ask);
  }
  previousBundle(ask: Questions['previousBundle']['ask']) {
    return this.#ask('previousBundle', ask);
  }
  notify(note: InputNote): void {
    this.notes.push(note);
  }
}
