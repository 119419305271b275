/**
 * One ceremony run at the screen: the same runner as `keyrite rehearse`
 * (../runner/run-ceremony.ts), with people as its input source. The session
 * keeps the view the screen shows (ceremony-view.ts), publishes it on every
 * change, and streams every transcript event and checkpoint root to the live
 * timeline. Commands answer the one pending request; secrets they carry are
 * adopted into SecretBytes at once and the runner wipes them.
 *
 * The run writes into `<data dir>/ceremonies/<script id>-<stamp>/`, as a
 * rehearsal does: the transcript, the share media folders, the evidence
 * bundle. Rehearsal tokens stand in for the script's HSMs and the transcript
 * says so (rehearsal/tokens-mapped).
 */
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { CeremonyView } from '../../../../shared/contract/ceremony.ts';
import { enrolmentShortfalls, type CeremonyState, type ParsedScript, type Role } from '../../../../shared/ceremony/index.ts';
import { human } from '../../../../shared/human-value.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { SecretBytes } from '../../../../shared/secret-bytes.ts';
import type { TranscriptEvent } from '../../../../shared/transcript/event.ts';
import { hexToBytes } from '../../../../shared/transcript/bytes.ts';
import type { CredentialKdfCost } from '../credential.ts';
import { shareFileAt } from '../runner/answers-inputs.ts';
import { START_OVER } from '../runner/inputs.ts';
import { resumeRehearsal } from '../runner/resume.ts';
import { runRehearsal, type RehearsalOutcome } from '../runner/run-ceremony.ts';
import { CeremonyWork, type WorkReport } from '../runner/work-progress.ts';
import { buildView } from './ceremony-view.ts';
import { summariseEvent } from './event-summary.ts';
import { PeopleInputs } from './people-inputs.ts';
import { throttleProgress } from './progress-throttle.ts';

type SessionView = NonNullable<CeremonyView['session']>;

export interface SessionEvents {
  changed(view: CeremonyView): void;
  recorded(event: { seq: number; at: string; type: string; step: string | null; actors: string[]; summary: string }): void;
  checkpoint(checkpoint: { size: number; rootHex: string; rootWords: string[] }): void;
  /** Long work's progress (a share's KDF, loads into HSMs, the bundle's verification), at most about ten a second. */
  progress?(report: WorkReport): void;
}

export interface SessionOptions {
  parsed: ParsedScript;
  outFolder: string;
  events: SessionEvents;
  /** Test hook only: the participant KDF cost. */
  kdfCost?: CredentialKdfCost;
  /** Resume the interrupted ceremony in `outFolder` (its transcript is checked and replayed) instead of starting one. */
  resume?: boolean;
  /** The rehearsal-hsm folder of an earlier run whose tokens (copied) this one acts on. */
  earlierTokens?: string;
}

/** Bytes the renderer sent, taken over: the request's own array is zeroed. */
const adopt = (bytes: Uint8Array): SecretBytes => SecretBytes.adopt(bytes);

/** Two typed copies of a secret must match; compared in constant time, the confirmation wiped either way. */
function confirmed(first: Uint8Array, second: Uint8Array, what: string): SecretBytes {
  const same = first.length === second.length && timingSafeEqual(first, second);
  second.fill(0);
  if (!same) {
    first.fill(0);
    throw new KeyriteError('CEREMONY_INPUT_MISMATCH', `The two ${what} entries differ; type both again.`);
  }
  return adopt(first);
}

export class CeremonySession {
  readonly outFolder: string;
  readonly #inputs: PeopleInputs;
  readonly #events: SessionEvents;
  #state: CeremonyState | undefined;
  #ceremonyId = '';
  #lastRefusal: SessionView['lastRefusal'] = null;
  #outcome: RehearsalOutcome | undefined;
  #tokenLabels = new Map<string, string>();
  #resumed: SessionView['resumed'] = null;
  readonly #work: CeremonyWork;
  readonly finished: Promise<RehearsalOutcome>;

  constructor(options: SessionOptions) {
    this.outFolder = options.outFolder;
    this.#events = options.events;
    this.#inputs = new PeopleInputs({
      changed: () => this.#publish(),
      refused: (note) => {
        this.#lastRefusal = { step: note.step, code: note.code, message: note.message.slice(0, 2048) };
      },
      describe: {
        custodianName: (id) => this.#state?.participants.find((p) => p.id === id)?.name ?? id,
        tokenLabel: (hsm) => this.#tokenLabels.get(hsm) ?? null,
        shortfalls: () => (this.#state === undefined ? [] : enrolmentShortfalls(this.#state.script, this.#state.participants)),
      },
    });
    const progress = options.events.progress;
    this.#work = new CeremonyWork(progress === undefined ? undefined : throttleProgress((report) => progress(report)));
    const run = options.resume === true ? resumeRehearsal : runRehearsal;
    this.finished = run({
      parsed: options.parsed,
      ...(options.earlierTokens === undefined ? {} : { earlierTokens: options.earlierTokens }),
      inputs: this.#inputs,
      outFolder: options.outFolder,
      ...(options.kdfCost === undefined ? {} : { kdfCost: options.kdfCost }),
      observer: {
        state: (state) => {
          this.#state = state;
          this.#publish();
        },
        recorded: (event) => this.#recorded(event),
        checkpoint: (size, root) => {
          const value = human(root);
          this.#events.checkpoint({ size, rootHex: value.hex, rootWords: value.words });
        },
        work: this.#work,
      },
    }).then((outcome) => {
      this.#outcome = outcome;
      this.#publish();
      return outcome;
    });
  }

  get running(): boolean {
    return this.#outcome === undefined;
  }

  view(): CeremonyView {
    if (this.#state === undefined) return { session: null };
    const outcome = this.#outcome;
    const verification = outcome?.bundle?.verification;
    const root = verification?.rootHex;
    return buildView({
      ceremonyId: this.#ceremonyId,
      state: this.#state,
      request: this.#inputs.pending,
      exceptionSigned: this.#inputs.exceptionSigned,
      lastRefusal: this.#lastRefusal,
      failure: outcome?.failure ?? null,
      resumed: this.#resumed,
      failedStep: outcome?.failure?.step ?? null,
      bundle:
        outcome?.bundle === undefined || root === undefined
          ? null
          : { folder: outcome.bundle.folder, archive: outcome.bundle.archive, verified: verification?.status === 'verified', rootHex: root, rootWords: human(hexToBytes(root)).words },
    });
  }

  enrol(requestId: number, person: { id: string; name: string; role: Role; passphrase: Uint8Array; confirmation: Uint8Array }): void {
    const passphrase = confirmed(person.passphrase, person.confirmation, 'passphrase');
    this.#answer(() => this.#inputs.answer(requestId, 'participant', { id: person.id, name: person.name.trim(), role: person.role, passphrase }), passphrase);
  }

  enrolmentComplete(requestId: number): void {
    const state = this.#state;
    const shortfalls = state === undefined ? [] : enrolmentShortfalls(state.script, state.participants);
    if (shortfalls.length > 0) throw new KeyriteError('CEREMONY_ENROLMENT_INCOMPLETE', `Enrolment is not complete: still needed ${shortfalls.join('; ')}.`);
    this.#answer(() => this.#inputs.answer(requestId, 'participant', undefined));
  }

  signOff(requestId: number, participantId: string, passphrase: Uint8Array): void {
    const secret = adopt(passphrase);
    this.#answer(() => this.#inputs.answer(requestId, 'signer', { participantId, passphrase: secret }), secret);
  }

  pin(requestId: number, pin: Uint8Array): void {
    const secret = adopt(pin);
    this.#answer(() => this.#inputs.answer(requestId, 'pin', secret), secret);
  }

  witnessTime(requestId: number, time: string): void {
    this.#answer(() => this.#inputs.answer(requestId, 'witness-time', { time: new Date(time), source: 'typed by a witness' }));
  }

  custodySerial(requestId: number, typed: string, readBack: string): void {
    this.#answer(() => this.#inputs.answer(requestId, 'custody-serial', { typed, readBack }));
  }

  sealPassphrase(requestId: number, passphrase: Uint8Array, confirmation: Uint8Array): void {
    const secret = confirmed(passphrase, confirmation, 'share passphrase');
    this.#answer(() => this.#inputs.answer(requestId, 'seal-passphrase', secret), secret);
  }

  shareMedium(requestId: number, folder: string | null): void {
    this.#answer(() => this.#inputs.answer(requestId, 'share-medium', folder ?? undefined));
  }

  share(requestId: number, custodian: string, medium: string, passphrase: Uint8Array): void {
    const secret = adopt(passphrase);
    try {
      const file = shareFileAt(custodian, medium);
      this.#answer(() => this.#inputs.answer(requestId, 'share', { custodian, file, passphrase: secret }), secret);
    } catch (error) {
      secret.wipe();
      if (error instanceof KeyriteError) throw error;
      throw new KeyriteError('CEREMONY_SHARE_UNREADABLE', `No share file could be read from ${medium} for ${custodian}.`, { cause: error });
    }
  }

  /** A share typed from its paper form: the words are decoded by the shares module, which says which line is wrong. */
  shareWords(requestId: number, custodian: string, words: Uint8Array, passphrase: Uint8Array): void {
    const secret = adopt(passphrase);
    const text = new TextDecoder().decode(words);
    words.fill(0);
    this.#answer(() => this.#inputs.answer(requestId, 'share', { custodian, words: { name: `${custodian}'s paper form`, text }, passphrase: secret }), secret);
  }

  /** Discards the shares accepted so far in this collection; it starts again. */
  startOverShares(requestId: number): void {
    this.#answer(() => this.#inputs.answer(requestId, 'share', START_OVER));
  }

  noMoreShares(requestId: number): void {
    this.#answer(() => this.#inputs.answer(requestId, 'share', undefined));
  }

  previousBundle(requestId: number, folder: string | null): void {
    this.#answer(() => this.#inputs.answer(requestId, 'previous-bundle', folder ?? undefined));
  }

  raiseException(raised: { expected: string; actual: string; decision: 'continue' | 'abort' }): void {
    this.#lastRefusal = null;
    this.#inputs.raise(raised);
  }

  /**
   * Cancels the long work running now where that is safe (a share's KDF);
   * the runner records it and asks its question again. Refused when nothing
   * cancellable runs (waiting for people, loading into an HSM, closing).
   */
  cancelWork(): void {
    if (!this.#work.cancel()) throw new KeyriteError('CEREMONY_NOTHING_TO_CANCEL', 'Nothing that can be cancelled is running: only sealing or opening a share can be; loading into an HSM and the close run to their end.');
  }

  /** Abort from anywhere: the pending question is cancelled (and cancellable work with it), the runner records why, wipes its secrets and closes the transcript as aborted. */
  async abort(reason: string): Promise<RehearsalOutcome> {
    if (this.running) {
      const aborted = new KeyriteError('CEREMONY_ABORTED', `Aborted by the people in the room: ${reason}`.slice(0, 2048));
      this.#inputs.cancel(aborted);
      // The running KDF ends with the abort itself, not as a cancel by the operator (which would be recorded and asked again).
      this.#work.cancel(aborted);
    }
    return this.finished;
  }

  /** A wrong answer (stale request, wrong kind) must not leak the secret that came with it. */
  #answer(give: () => void, secret?: SecretBytes): void {
    try {
      this.#lastRefusal = null;
      give();
    } catch (error) {
      secret?.wipe();
      throw error;
    }
  }

  #recorded(event: TranscriptEvent): void {
    if (this.#ceremonyId === '') this.#ceremonyId = event.ceremony;
    if (event.type === 'ceremony/resumed') {
      const p = event.payload;
      const texts = (value: unknown, max: number): string[] => (Array.isArray(value) ? value.map((v) => String(v).slice(0, max)).slice(0, 64) : []);
      this.#resumed = { continuesAt: String(p['continuesAt'] ?? '').slice(0, 512), lost: texts(p['lost'], 512).slice(0, 32), redone: texts(p['redone'], 64), whyRedone: texts(p['whyRedone'], 1024) };
    }
    if (event.type === 'rehearsal/tokens-mapped') {
      for (const m of (event.payload['mappings'] as { hsm: string; label: string }[] | undefined) ?? []) this.#tokenLabels.set(m.hsm, m.label);
    }
    this.#events.recorded({ seq: event.seq, at: event.at, type: event.type, step: event.step, actors: [...event.actors], summary: summariseEvent(event) });
  }

  #publish(): void {
    this.#events.changed(this.view());
  }
}

/** `<data dir>/ceremonies/<script id>-<UTC stamp>`. */
export function sessionFolder(dataDir: string, scriptId: string, now: Date): string {
  return join(dataDir, 'ceremonies', `${scriptId}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
}
