/**
 * The system under test of the engine's model-based test: the real runner
 * (runRehearsal) on real SoftHSM tokens running built-in ceremony 3
 * (recovery) over ceremony 2's output, driven by scripted people at the
 * screen (runner/people-inputs-scripted.ts), with the fault-injecting PKCS#11
 * binding (../hsm/fault-binding.ts) under the rehearsal token.
 *
 * Test code only: rehearsal passphrases are fixed texts here because they
 * are a fixture, like an answers file.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CeremonyState, ParsedScript, Role } from '../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import type { TranscriptEvent } from '../../../shared/transcript/event.ts';
import { faultyBinding, type FaultyBinding } from '../hsm/fault-binding.ts';
import { HsmModule, takeInventory, type ObjectDescription } from '../hsm/index.ts';
import { findSoftHsm, REHEARSAL_USER_PIN } from '../hsm/rehearsal-token.ts';
import type { CredentialKdfCost } from './credential.ts';
import { ScriptedPeople } from './runner/people-inputs-scripted.ts';
import { resumeRehearsal } from './runner/resume.ts';
import { runRehearsal, type RehearsalOutcome } from './runner/run-ceremony.ts';

export interface Person {
  id: string;
  name: string;
  role: Role;
}

/** What every run shares: the recovery script, ceremony 2's bundle and media, and another ceremony 2's media (shares of another set). */
export interface RecoveryFixture {
  parsed: ParsedScript;
  previousBundle: string;
  media: string;
  otherMedia: string;
  /** Custodians of the set ceremony 2 recorded. */
  recorded: readonly string[];
  kdfCost: CredentialKdfCost;
}

export const secret = (text: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(text));
/** The fixture passphrases (ceremony 2's answers file uses the same texts for shares). */
export const signingPassphrase = (id: string): string => `${id} rehearsal passphrase`;
export const sharePassphrase = (id: string): string => `${id} share passphrase`;

/** A custodian's share file as ceremony 2 wrote it to their medium. */
export function shareFile(media: string, custodian: string): { name: string; bytes: Uint8Array } {
  const folder = join(media, custodian);
  const name = readdirSync(folder).find((n) => n.endsWith('.share'));
  if (name === undefined) throw new Error(`no share on ${folder}`);
  return { name, bytes: new Uint8Array(readFileSync(join(folder, name))) };
}

/** One run of ceremony 3, as it goes. */
export class RecoveryRun {
  readonly people: ScriptedPeople;
  readonly out: string;
  readonly events: TranscriptEvent[] = [];
  readonly done: Promise<RehearsalOutcome>;
  state: CeremonyState | undefined;
  outcome: RehearsalOutcome | undefined;
  faulty: FaultyBinding | undefined;

  /** A fresh run; or, given the folder a crash left, that run resumed (resume.ts). */
  constructor(fixture: RecoveryFixture, cast: readonly Person[], crashed?: string) {
    this.out = crashed ?? join(mkdtempSync(join(tmpdir(), 'keyrite-model-')), 'out');
    let enrolled = 0;
    this.people = new ScriptedPeople({
      // Enrolment, the witness's clock and the earlier bundle are not what this model varies: answered at once.
      participant: () => {
        const person = cast[enrolled++];
        return person === undefined ? undefined : { ...person, passphrase: secret(signingPassphrase(person.id)) };
      },
      witnessTime: () => ({ time: new Date(), source: 'rehearsal: system clock' }),
      previousBundle: () => fixture.previousBundle,
    });
    const observer = { state: (s: CeremonyState) => (this.state = s), recorded: (e: TranscriptEvent) => this.events.push(e) };
    const common = { parsed: fixture.parsed, inputs: this.people, outFolder: this.out, kdfCost: fixture.kdfCost, observer };
    const running = crashed === undefined ? runRehearsal({ ...common, wrapBinding: (real) => (this.faulty = faultyBinding(real)) }) : resumeRehearsal(common);
    this.done = running.then((outcome) => (this.outcome = outcome));
  }

  /**
   * What a crash would leave on disk now, while the runner waits for people:
   * a copy of the run's folder (every event is fsynced as it is recorded;
   * the SoftHSM token files as they stand), its SoftHSM configuration
   * pointed at the copied tokens. The copy is resumed; this run is then
   * stopped, and nothing it writes after reaches the copy.
   */
  crashImage(): string {
    const image = join(mkdtempSync(join(tmpdir(), 'keyrite-model-crash-')), 'out');
    cpSync(this.out, image, { recursive: true });
    const conf = join(image, 'rehearsal-hsm', 'softhsm2.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(join(this.out, 'rehearsal-hsm', 'tokens'), join(image, 'rehearsal-hsm', 'tokens')));
    return image;
  }

  /** Waits until the runner asks a question nobody has answered yet, or ends. */
  async settle(): Promise<void> {
    await Promise.race([this.people.idle(), this.done]);
  }

  /** Ends a run still waiting (people abort); resolves with its outcome. */
  async stop(reason: string): Promise<RehearsalOutcome> {
    await this.settle();
    if (this.outcome === undefined && this.people.waiting !== undefined) this.people.refuse(new KeyriteError('CEREMONY_ABORTED', reason));
    return this.done;
  }

  eventsOf(type: string): TranscriptEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

/**
 * The objects on a finished run's rehearsal token, read by a fresh module
 * logged in as the user (secret keys are private objects).
 */
export async function tokenObjects(run: RecoveryRun): Promise<ObjectDescription[]> {
  const mapping = run.outcome?.mappings[0];
  const library = findSoftHsm();
  if (mapping === undefined || library === null) throw new Error('the run made no rehearsal token');
  const previous = process.env['SOFTHSM2_CONF'];
  process.env['SOFTHSM2_CONF'] = join(run.out, 'rehearsal-hsm', 'softhsm2.conf');
  const module = HsmModule.load(library, { rehearsal: true });
  try {
    const session = await module.openSession({ serial: mapping.serial, label: mapping.label });
    try {
      await session.login('user', secret(REHEARSAL_USER_PIN));
      return (await takeInventory(session)).objects;
    } finally {
      await session.close();
    }
  } finally {
    await module.close();
    if (previous === undefined) delete process.env['SOFTHSM2_CONF'];
    else process.env['SOFTHSM2_CONF'] = previous;
  }
}
