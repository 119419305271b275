/**
 * A ceremony driven the way the UI drives it: through the router (real
 * schemas, real secret-input handling) into the engine's ceremony session,
 * on real SoftHSM rehearsal tokens. Built-in ceremony 7 (smallest cast),
 * with people's mistakes along the way — each refused, recorded, explained
 * and asked again — and every message the renderer would receive scanned
 * for the passphrases and the PIN.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CeremonyView, PendingRequest } from '../../../../shared/contract/ceremony.ts';
import type { KeyriteEvent } from '../../../../shared/contract.ts';
import { createRouter } from '../../../ipc/router.ts';
import { createEngine, type Engine } from '../../engine.ts';

const SENDER = { webContentsId: 1, isTopFrame: true, frameUrl: 'app://keyrite/index.html' };
const PASSPHRASES = { ada: 'ada rehearsal passphrase', wendy: 'wendy rehearsal passphrase' };
const PIN = '12345678';
const secret = (text: string): Uint8Array => new TextEncoder().encode(text);

let dataDir: string;
let engine: Engine;
const received: unknown[] = [];
let route: (command: string, payload: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'keyrite-session-'));
  engine = createEngine({ dataDir, host: 'test-bridge', version: '0.0.0-test' });
  engine.onEvent((event) => received.push(event));
  const router = createRouter({ handlers: engine.handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' } });
  route = async (command, payload) => {
    const answer = (await router.route(SENDER, command, payload)) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    received.push(answer);
    return answer;
  };
});
afterAll(async () => {
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The latest view, once the engine waits for a new request (or the ceremony ended). */
async function nextRequest(after: number): Promise<NonNullable<CeremonyView['session']>> {
  for (let i = 0; i < 6000; i++) {
    const { value } = await route('ceremony/view', {});
    const session = (value as CeremonyView).session;
    if (session !== null && (session.status !== 'running' || (session.request !== null && session.request.id > after))) return session;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the ceremony never asked again');
}

describe('ceremony session: the UI\'s way through a ceremony', () => {
  it('runs ceremony 7 to a verified bundle, refusing and re-asking each mistake, and never sends a secret to the renderer', { timeout: 180_000 }, async () => {
    const listed = await route('ceremony/listScripts', {});
    const scripts = (listed.value as { scripts: { handle: string; id: string }[] }).scripts;
    expect(scripts.map((s) => s.id)).toContain('hsm-inventory-and-policy');
    const handle = scripts.find((s) => s.id === 'hsm-inventory-and-policy')?.handle as string;
    expect((await route('ceremony/start', { handle })).ok).toBe(true);
    expect((await route('ceremony/start', { handle })).error?.code).toBe('CEREMONY_ALREADY_RUNNING');

    const refusals: string[] = [];
    const exceptionSigners: string[] = [];
    const mistakes = { enrolWrongRole: true, wrongPin: true, wrongSigner: true, wrongPassphrase: true, staleAnswer: true, exceptionTooEarly: true, exceptionNotAllowed: true, exception: true };
    let last = 0;
    let session = await nextRequest(last);
    while (session.status === 'running') {
      const request = session.request as PendingRequest;
      last = request.id;
      if (session.lastRefusal !== null) refusals.push(session.lastRefusal.code);
      const answer = async (command: string, payload: Record<string, unknown>) => {
        const result = await route(command, { requestId: request.id, ...payload });
        expect(result.error).toBeUndefined();
      };
      switch (request.kind) {
        case 'witness-time':
          await answer('ceremony/submit', { input: { kind: 'witness-time', time: new Date().toISOString() } });
          break;
        case 'participant': {
          if (mistakes.exceptionTooEarly) {
            // Nobody could sign it yet: refused in words, the question stays.
            mistakes.exceptionTooEarly = false;
            const early = await route('ceremony/raiseException', { expected: 'a quiet room', actual: 'a phone rang', decision: 'continue' });
            expect(early.error?.code).toBe('CEREMONY_EXCEPTION_TOO_EARLY');
          }
          if (request.enrolled === 0) {
            // Two entries that differ are refused before anything is derived.
            const mismatch = await route('ceremony/enrol', { requestId: request.id, id: 'ada', name: 'Ada Admin', role: 'administrator', passphrase: secret(PASSPHRASES.ada), confirmation: secret('not the same') });
            expect(mismatch.error?.code).toBe('CEREMONY_INPUT_MISMATCH');
            await answer('ceremony/enrol', { id: 'ada', name: 'Ada Admin', role: 'administrator', passphrase: secret(PASSPHRASES.ada), confirmation: secret(PASSPHRASES.ada) });
          } else if (request.enrolled === 1 && mistakes.enrolWrongRole) {
            // A second administrator: the script allows one; the state machine refuses, the person enrols again.
            mistakes.enrolWrongRole = false;
            await answer('ceremony/enrol', { id: 'wendy', name: 'Wendy Witness', role: 'administrator', passphrase: secret(PASSPHRASES.wendy), confirmation: secret(PASSPHRASES.wendy) });
          } else if (request.enrolled === 1) {
            const early = await route('ceremony/enrolmentComplete', { requestId: request.id });
            expect(early.error?.code).toBe('CEREMONY_ENROLMENT_INCOMPLETE');
            await answer('ceremony/enrol', { id: 'wendy', name: 'Wendy Witness', role: 'witness', passphrase: secret(PASSPHRASES.wendy), confirmation: secret(PASSPHRASES.wendy) });
          } else {
            await answer('ceremony/enrolmentComplete', {});
          }
          break;
        }
        case 'pin':
          await answer('ceremony/submit', { input: { kind: 'pin', pin: secret(mistakes.wrongPin ? '87654321' : PIN) } });
          mistakes.wrongPin = false;
          break;
        case 'signer': {
          if (request.stage === 'exception') {
            // The administrator, then the witness quorum, sign the raised exception.
            const signer = session.participants.find((p) => p.role === (exceptionSigners.length === 0 ? 'administrator' : 'witness')) as { id: 'ada' | 'wendy' };
            exceptionSigners.push(signer.id);
            await answer('ceremony/signOff', { participantId: signer.id, passphrase: secret(PASSPHRASES[signer.id]) });
            break;
          }
          if (request.step === 'login' && mistakes.exceptionNotAllowed) {
            mistakes.exceptionNotAllowed = false;
            const refused = await route('ceremony/raiseException', { expected: 'the token label read aloud', actual: 'nobody read it', decision: 'continue' });
            expect(refused.error?.code).toBe('CEREMONY_EXCEPTION_NOT_ALLOWED');
          }
          if (request.step === 'policy' && mistakes.exception) {
            // The exception button: set the sign-off aside, sign the exception, then the same sign-off is asked again.
            mistakes.exception = false;
            const raised = await route('ceremony/raiseException', { expected: 'the HSM label matches the script', actual: 'the label on the HSM is smudged', decision: 'continue' });
            expect(raised.error).toBeUndefined();
            break;
          }
          if (mistakes.staleAnswer) {
            mistakes.staleAnswer = false;
            const stale = await route('ceremony/signOff', { requestId: request.id - 1, participantId: 'ada', passphrase: secret(PASSPHRASES.ada) });
            expect(stale.error?.code).toBe('CEREMONY_REQUEST_STALE');
          }
          const requirement = session.current?.requirements.find((r) => r.signed.length < r.count);
          const role = requirement?.roles[0] ?? 'witness';
          const right = session.participants.find((p) => p.role === role && !requirement?.signed.includes(p.id));
          const wrong = session.participants.find((p) => p.role !== role);
          if (mistakes.wrongSigner && wrong !== undefined && session.current?.stage === 'approval') {
            mistakes.wrongSigner = false;
            await answer('ceremony/signOff', { participantId: wrong.id, passphrase: secret(PASSPHRASES[wrong.id as 'ada']) });
          } else if (mistakes.wrongPassphrase && right !== undefined) {
            mistakes.wrongPassphrase = false;
            await answer('ceremony/signOff', { participantId: right.id, passphrase: secret('somebody else entirely') });
          } else {
            await answer('ceremony/signOff', { participantId: right?.id, passphrase: secret(PASSPHRASES[right?.id as 'ada']) });
          }
          break;
        }
        default:
          throw new Error(`ceremony 7 asked for ${request.kind}`);
      }
      session = await nextRequest(last);
    }

    expect(session.failure).toBeNull();
    expect(session.status).toBe('closed');
    expect(session.bundle?.verified).toBe(true);
    expect(session.bundle?.rootWords).toHaveLength(24);
    // Each mistake was explained on screen with the engine's reason.
    expect(refusals).toEqual(expect.arrayContaining(['CEREMONY_ROLE_FULL', 'HSM_PIN_INCORRECT', 'CEREMONY_SIGN_OFF_WRONG_ROLE', 'CEREMONY_CREDENTIAL_MISMATCH']));
    // ... and recorded in the transcript, the ceremony continuing.
    const journal = readFileSync(join(session.bundle?.folder as string, 'transcript.jsonl'), 'utf8');
    for (const code of ['CEREMONY_ROLE_FULL', 'HSM_PIN_INCORRECT', 'CEREMONY_SIGN_OFF_WRONG_ROLE', 'CEREMONY_CREDENTIAL_MISMATCH']) expect(journal).toContain(code);
    expect(journal.split('\n').filter((l) => l.includes('"input/refused"'))).toHaveLength(4);
    // The raised exception: signed by the administrator and the witness, recorded at its step, and the ceremony went on.
    expect(exceptionSigners).toEqual(['ada', 'wendy']);
    const exception = journal.split('\n').filter((l) => l.includes('"exception/recorded"')).map((l) => JSON.parse(l) as { step: string; actors: string[]; payload: Record<string, unknown> });
    expect(exception).toHaveLength(1);
    expect(exception[0]).toMatchObject({ step: 'policy', actors: ['ada', 'wendy'], payload: { raisedBy: 'people', decision: 'continue', actual: 'the label on the HSM is smudged' } });

    // The live timeline got every event with its sequence number, and checkpoint roots as words.
    const events = received.filter((m): m is KeyriteEvent => typeof m === 'object' && m !== null && 'name' in m);
    const recorded = events.filter((e) => e.name === 'ceremony/recorded').map((e) => (e.payload as { seq: number }).seq);
    expect(recorded).toEqual(recorded.map((_, i) => i));
    expect(events.some((e) => e.name === 'ceremony/checkpoint')).toBe(true);

    // No secret, in any form, in anything the renderer received.
    const everything = JSON.stringify(received);
    for (const text of [...Object.values(PASSPHRASES), PIN, '87654321']) {
      const bytes = Buffer.from(text, 'utf8');
      for (const form of [text, bytes.toString('hex'), bytes.toString('base64')]) expect(everything).not.toContain(form);
    }

    expect((await route('ceremony/dismiss', {})).ok).toBe(true);
    expect(((await route('ceremony/view', {})).value as CeremonyView).session).toBeNull();
  });

  it('refuses to start an unknown script, and answers nothing when no ceremony is open', async () => {
    expect((await route('ceremony/start', { handle: 'built-in:../../etc/passwd' })).error?.code).toBe('CEREMONY_SCRIPT_UNKNOWN');
    // Key destruction acts on a key an earlier rehearsal made: it starts only with that run named (one of this data folder's).
    const scripts = ((await route('ceremony/listScripts', {})).value as { scripts: { handle: string; id: string; needsEarlierTokens: boolean }[] }).scripts;
    expect(scripts.filter((s) => s.needsEarlierTokens).map((s) => s.id)).toEqual(['root-key-destruction']);
    const destruction = scripts.find((s) => s.needsEarlierTokens)?.handle;
    expect((await route('ceremony/start', { handle: destruction })).error?.code).toBe('CEREMONY_EARLIER_RUN_REQUIRED');
    expect((await route('ceremony/start', { handle: destruction, earlier: '../../tmp' })).error?.code).toBe('CEREMONY_EARLIER_RUN_REQUIRED');
    expect((await route('ceremony/enrolmentComplete', { requestId: 1 })).error?.code).toBe('CEREMONY_NOT_STARTED');
    expect((await route('ceremony/signOff', { requestId: 1, participantId: 'ada', passphrase: 'a string is not a secret input' })).error?.code).toBe('BOUNDARY_INVALID_REQUEST');
  });

  it('shows every problem of a script file with its line, and refuses to start it', async () => {
    const checked = await route('ceremony/checkScript', { name: 'bad.yaml', text: 'keyrite: ceremony-script\nmetadata:\n  formatVersion: 1\n  id: Not An Id\nsteps: []\n' });
    const value = checked.value as { ok: boolean; problems: { path: string; line: number | null }[] };
    expect(value.ok).toBe(false);
    expect(value.problems.length).toBeGreaterThan(1);
    expect(value.problems.find((p) => p.path.includes('metadata.id'))?.line).toBe(4);
  });

  it('assesses a passphrase in main and wipes the bytes it was sent', async () => {
    const bytes = secret('short');
    const weak = await route('ceremony/assessPassphrase', { passphrase: bytes });
    expect(weak.value).toMatchObject({ acceptable: false, strength: 'too-short' });
    expect([...bytes].every((b) => b === 0)).toBe(true);
    const strong = await route('ceremony/assessPassphrase', { passphrase: secret('correct horse battery staple 42!') });
    expect(strong.value).toMatchObject({ acceptable: true, strength: 'strong' });
  });
});

describe('ceremony session: resuming an interrupted ceremony', () => {
  it('lists a ceremony that stopped without closing, resumes it (what was lost said, the PIN asked again) and closes it with a verified bundle', { timeout: 240_000 }, async () => {
    // The first machine dies while the ceremony waits at the policy check: its data folder is what a crash leaves.
    const crashed = mkdtempSync(join(tmpdir(), 'keyrite-crashed-'));
    const first = createEngine({ dataDir: crashed, host: 'test-bridge', version: '0.0.0-test' });
    const firstRoute = routeTo(first);
    const handle = ((await firstRoute('ceremony/listScripts', {})).value as { scripts: { handle: string; id: string }[] }).scripts.find((s) => s.id === 'hsm-inventory-and-policy')?.handle;
    await firstRoute('ceremony/start', { handle });
    await driveHappily(firstRoute, (session) => session.request?.kind === 'signer' && session.request.step === 'policy');
    const image = mkdtempSync(join(tmpdir(), 'keyrite-image-'));
    cpSync(join(crashed, 'ceremonies'), join(image, 'ceremonies'), { recursive: true });
    await first.close();

    const second = createEngine({ dataDir: image, host: 'test-bridge', version: '0.0.0-test' });
    const secondRoute = routeTo(second);
    try {
      // Home lists the tokens first (the app's own rehearsal module loads); the resume must still load the run's tokens.
      expect((await secondRoute('hsm/listTokens', {})).ok).toBe(true);
      const listed = ((await secondRoute('ceremony/listInterrupted', {})).value as { ceremonies: { handle: string; resumable: boolean; lastEvent: string }[] }).ceremonies;
      expect(listed).toHaveLength(1);
      expect(listed[0]?.resumable).toBe(true);
      expect((await secondRoute('ceremony/resume', { handle: '../elsewhere' })).error?.code).toBe('CEREMONY_RESUME_UNKNOWN');
      expect((await secondRoute('ceremony/resume', { handle: listed[0]?.handle })).ok).toBe(true);
      const pins: number[] = [];
      const ended = await driveHappily(secondRoute, (session) => session.status !== 'running', (request) => {
        if (request.kind === 'pin') pins.push(request.id);
      });
      expect(ended.status).toBe('closed');
      expect(ended.bundle?.verified).toBe(true);
      // What the crash lost is said on screen, and the HSM login was re-established with the PIN typed again.
      expect(ended.resumed?.lost.join(' ')).toMatch(/login|session/i);
      expect(pins).toHaveLength(1);
      const journal = readFileSync(join(ended.bundle?.folder as string, 'transcript.jsonl'), 'utf8');
      expect(journal).toContain('"ceremony/resumed"');
      expect(((await secondRoute('ceremony/listInterrupted', {})).value as { ceremonies: unknown[] }).ceremonies).toEqual([]);
    } finally {
      await second.close();
      rmSync(crashed, { recursive: true, force: true });
      rmSync(image, { recursive: true, force: true });
    }
  });
});

type Route = (command: string, payload: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

function routeTo(target: Engine): Route {
  const router = createRouter({ handlers: target.handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' } });
  return async (command, payload) => (await router.route(SENDER, command, payload)) as Awaited<ReturnType<Route>>;
}

/** Answers every request the right way until `stop` holds for the view. */
async function driveHappily(to: Route, stop: (session: NonNullable<CeremonyView['session']>) => boolean, seen: (request: PendingRequest) => void = () => {}): Promise<NonNullable<CeremonyView['session']>> {
  let last = 0;
  for (;;) {
    let session: NonNullable<CeremonyView['session']> | null = null;
    for (let i = 0; i < 6000; i++) {
      session = ((await to('ceremony/view', {})).value as CeremonyView).session;
      if (session !== null && (session.status !== 'running' || (session.request !== null && session.request.id > last))) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (session === null) throw new Error('no ceremony');
    if (stop(session)) return session;
    const request = session.request as PendingRequest;
    seen(request);
    last = request.id;
    const give = async (command: string, payload: Record<string, unknown>) => {
      const answer = await to(command, { requestId: request.id, ...payload });
      if (!answer.ok) throw new Error(`${command}: ${answer.error?.code ?? ''} ${answer.error?.message ?? ''}`);
    };
    switch (request.kind) {
      case 'witness-time':
        await give('ceremony/submit', { input: { kind: 'witness-time', time: new Date().toISOString() } });
        break;
      case 'participant':
        if (request.enrolled === 0) await give('ceremony/enrol', { id: 'ada', name: 'Ada Admin', role: 'administrator', passphrase: secret(PASSPHRASES.ada), confirmation: secret(PASSPHRASES.ada) });
        else if (request.enrolled === 1) await give('ceremony/enrol', { id: 'wendy', name: 'Wendy Witness', role: 'witness', passphrase: secret(PASSPHRASES.wendy), confirmation: secret(PASSPHRASES.wendy) });
        else await give('ceremony/enrolmentComplete', {});
        break;
      case 'pin':
        await give('ceremony/submit', { input: { kind: 'pin', pin: secret(PIN) } });
        break;
      case 'signer': {
        const requirement = session.current?.requirements.find((r) => r.signed.length < r.count);
        const who = session.participants.find((p) => (requirement?.roles as string[] | undefined)?.includes(p.role) && !requirement?.signed.includes(p.id)) as { id: 'ada' | 'wendy' };
        await give('ceremony/signOff', { participantId: who.id, passphrase: secret(PASSPHRASES[who.id]) });
        break;
      }
      default:
        throw new Error(`ceremony 7 asked for ${request.kind}`);
    }
  }
}
