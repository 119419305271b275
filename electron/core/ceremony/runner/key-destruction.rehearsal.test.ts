/**
 * Ceremony 5 (key destruction) over ceremony 1's output, through the
 * runner with the cheap test KDF: what it refuses, each recorded with a
 * typed error, nothing destroyed, the aborted run's bundle verifying. (The
 * whole ceremony through `keyrite rehearse` is in electron/cli/rehearse-command.test.ts.)
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import { generateKey, takeInventory } from '../../hsm/index.ts';
import { destroyKey } from '../../hsm/key-destruction.ts';
import { restoreKeyLifecycle } from '../actions/key-lifecycle.ts';
import type { PublicValue, Step } from '../../../../shared/ceremony/index.ts';
import type { RunContext } from './context.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { nodeSha256 } from '../../transcript/node-sha256.ts';
import { loadScriptFile } from '../read-script.ts';
import { loadAnswersFile } from './answers.ts';
import { onRehearsalToken } from './rehearsal-token-support.ts';
import { runRehearsal, type RehearsalOutcome } from './run-ceremony.ts';
import { bundleEvents, CEREMONIES, FIXTURES, freshOut, type RecordedEvent } from './test-support.ts';

/** Low cost for tests only; the production cost is PARTICIPANT_KDF. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };
const ROOT_LABEL = 'Root signing key 2026';

let ceremony1: { out: string; events: RecordedEvent[] };

beforeAll(async () => {
  const out = freshOut();
  const parsed = await loadScriptFile(join(CEREMONIES, '01-root-key-generation.yaml'));
  const outcome = await runRehearsal({ parsed, inputs: { answers: await loadAnswersFile(join(FIXTURES, '01-root-key-generation.answers.yaml')) }, outFolder: out, kdfCost: cheap });
  expect(outcome.status).toBe('closed');
  ceremony1 = { out, events: bundleEvents(out) };
}, 60_000);

const rootFingerprint = () => String(ceremony1.events.find((e) => e.type === 'key/created')?.payload['fingerprint']);

interface Chained { outcome: RehearsalOutcome; events: RecordedEvent[]; out: string; previous: string }

/**
 * Ceremony 5 over a fresh copy of ceremony 1's output (./previous, as the
 * fixture answers name it); `prepare` may change the copy first, `script`
 * the script text.
 */
async function chain(options: { script?: (text: string) => string; prepare?: (previous: string) => Promise<void> | void; answers?: (answers: Record<string, unknown>) => Record<string, unknown> } = {}): Promise<Chained> {
  const root = dirname(freshOut());
  const previous = join(root, 'previous');
  cpSync(ceremony1.out, previous, { recursive: true });
  await options.prepare?.(previous);
  const answers = parse(readFileSync(join(FIXTURES, '05-key-destruction.answers.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'answers.yaml'), stringify(options.answers?.(answers) ?? answers));
  const scriptPath = join(root, '05.yaml');
  const text = readFileSync(join(CEREMONIES, '05-key-destruction.yaml'), 'utf8');
  writeFileSync(scriptPath, options.script?.(text) ?? text);
  const out = join(root, 'out');
  const outcome = await runRehearsal({ parsed: await loadScriptFile(scriptPath), inputs: { answers: await loadAnswersFile(join(root, 'answers.yaml')) }, outFolder: out, kdfCost: cheap });
  return { outcome, events: bundleEvents(out), out, previous };
}

/** What every refusal here must show: the typed error at the step, recorded, nothing destroyed, an aborted close, a bundle that verifies. */
function expectRefused(run: Chained, code: string, step: string): string {
  expect(run.outcome.status).toBe('aborted');
  expect(run.outcome.failure).toMatchObject({ code, step });
  const refused = run.events.find((e) => e.type === 'ceremony/refused');
  expect(refused?.payload['code']).toBe(code);
  expect(refused?.step).toBe(step);
  expect(run.events.some((e) => e.type === 'key/destroyed')).toBe(false);
  expect(run.events.at(-1)?.payload['outcome']).toBe('aborted');
  expect(verifyBundle(readBundle(join(run.out, 'bundle')), { sha256: nodeSha256 }).status).toBe('verified');
  return String(refused?.payload['message']);
}

const labelsOnToken = (rehearsalHsm: string) => onRehearsalToken(rehearsalHsm, 'primary', async (s) => (await takeInventory(s)).objects.map((o) => `${o.class}:${o.label}`).sort());

describe('ceremony 5 refuses and records', () => {
  it('production mode: destruction before its not-before date is refused naming the date, the clock never jumps, and the key stays', async () => {
    // A production script must enforce the air gap and this machine is online, so the air-gap step is left out; no grace period, so the
    // schedule can be made today and only the 30-day waiting period stands between it and the destruction.
    const run = await chain({
      script: (t) => t.replace('mode: rehearsal', 'mode: production').replace('airGap: warn', 'airGap: enforce').replace('graceDays: 7', 'graceDays: 0')
        .replace(/ {2}- id: air-gap\n(?: {4}.*\n)+/u, ''),
    });
    const message = expectRefused(run, 'CEREMONY_NOT_YET', 'destroy');
    const schedule = run.events.find((e) => e.type === 'step/result' && e.step === 'schedule')?.payload['result'] as { notBefore: string; scheduledAt: string };
    expect(Date.parse(schedule.notBefore) - Date.parse(schedule.scheduledAt)).toBe(30 * 86_400_000);
    expect(message).toContain(schedule.notBefore);
    expect(message).toContain('resume');
    expect(run.events.some((e) => e.type === 'rehearsal/clock-advanced')).toBe(false);
    expect(run.events[0]?.payload['mode']).toBe('production');
    // The key pair is still on the token.
    expect(await labelsOnToken(join(run.out, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
  });

  it('a different key under the same label (swapped in on the token after ceremony 1): refused before anything changes, both fingerprints named', async () => {
    let swapped = '';
    const run = await chain({
      prepare: (previous) => onRehearsalToken(join(previous, 'rehearsal-hsm'), 'primary', async (session) => {
        await destroyKey(session, { label: ROOT_LABEL });
        swapped = (await generateKey(session, { label: ROOT_LABEL, algorithm: 'ec-p384', usages: ['sign', 'verify'] })).publicKey?.fingerprint.hex ?? '';
      }),
    });
    const message = expectRefused(run, 'CEREMONY_KEY_MISMATCH', 'deprecate');
    expect(swapped).toMatch(/^[0-9a-f]{64}$/);
    expect(swapped).not.toBe(rootFingerprint());
    expect(message).toContain(swapped);
    expect(message).toContain(rootFingerprint());
    // The earlier bundle did verify (recorded), and the deprecation never happened.
    expect(run.events.find((e) => e.type === 'previous/verified')?.payload['fingerprint']).toBe(rootFingerprint());
    expect(run.events.some((e) => e.type === 'step/result' && e.step === 'deprecate')).toBe(false);
    expect(await labelsOnToken(join(run.out, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
  });

  it('another rehearsal\'s token (its own root key, same label): refused as the wrong token before any key is looked at', async () => {
    const other = freshOut();
    const parsed = await loadScriptFile(join(CEREMONIES, '01-root-key-generation.yaml'));
    expect((await runRehearsal({ parsed, inputs: { answers: await loadAnswersFile(join(FIXTURES, '01-root-key-generation.answers.yaml')) }, outFolder: other, kdfCost: cheap })).status).toBe('closed');
    const run = await chain({
      prepare: (previous) => {
        rmSync(join(previous, 'rehearsal-hsm'), { recursive: true });
        cpSync(join(other, 'rehearsal-hsm'), join(previous, 'rehearsal-hsm'), { recursive: true });
      },
    });
    const message = expectRefused(run, 'CEREMONY_TOKEN_MISMATCH', 'deprecate');
    const token = (events: RecordedEvent[]) => (events.find((e) => e.type === 'rehearsal/tokens-mapped')?.payload['mappings'] as { serial: string }[])[0]?.serial ?? '';
    expect(message).toContain(token(ceremony1.events));
    expect(message).toContain(token(bundleEvents(other)));
    expect(await labelsOnToken(join(run.out, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
  });

  it('an earlier bundle that does not verify (one recorded byte changed): refused, nothing taken from it, nothing changed on the token', async () => {
    const run = await chain({
      prepare: (previous) => {
        const journal = join(previous, 'bundle', 'transcript.jsonl');
        const text = readFileSync(journal, 'utf8');
        const at = text.indexOf(rootFingerprint());
        // One hex digit of the recorded fingerprint, as if someone edited which key ceremony 1 made.
        writeFileSync(journal, text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1));
      },
    });
    const message = expectRefused(run, 'CEREMONY_PREVIOUS_UNVERIFIED', 'deprecate');
    expect(message).toContain('does not verify');
    expect(run.events.some((e) => e.type === 'previous/verified')).toBe(false);
    expect(await labelsOnToken(join(run.out, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
  });

  it('a folder that holds no earlier rehearsal tokens is refused before any step, recorded', async () => {
    const run = await chain({ answers: (a) => ({ ...a, previous: { ...(a['previous'] as object), rehearsalHsm: 'previous/bundle' } }) });
    // Named at the first step, which never ran: the runner names the step it stood at.
    const message = expectRefused(run, 'CEREMONY_REHEARSAL_TOKENS_MISSING', 'air-gap');
    expect(message).toContain(join(run.previous, 'bundle'));
    expect(run.events.filter((e) => e.type === 'step/completed')).toEqual([]);
  });
});

describe('ceremony 5 leaves ceremony 1\'s evidence alone', () => {
  it('destroys the key on its own copy of the token: ceremony 1\'s token still holds the key pair', async () => {
    const run = await chain();
    expect(run.outcome.status).toBe('closed');
    expect(await labelsOnToken(join(run.out, 'rehearsal-hsm'))).toEqual([]);
    expect(await labelsOnToken(join(run.previous, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
    expect(await labelsOnToken(join(ceremony1.out, 'rehearsal-hsm'))).toEqual([`private-key:${ROOT_LABEL}`, `public-key:${ROOT_LABEL}`]);
    // A resumed run can take back what deprecate and schedule decided from their recorded results alone.
    const script = (await loadScriptFile(join(CEREMONIES, '05-key-destruction.yaml'))).script;
    const restored = { keyLifecycle: new Map() } as unknown as RunContext; // only the field restoreKeyLifecycle fills
    for (const e of run.events.filter((x) => x.type === 'step/result')) restoreKeyLifecycle(restored, script.steps.find((s) => s.id === e.step) as Step, e.payload['result'] as PublicValue);
    const result = (step: string) => run.events.find((e) => e.type === 'step/result' && e.step === step)?.payload['result'] as Record<string, string>;
    expect([...restored.keyLifecycle.entries()]).toEqual([
      ['deprecate', { kind: 'deprecated', key: 'root', hsm: 'primary', fingerprint: rootFingerprint(), deprecatedAt: new Date(String(result('deprecate')['deprecatedAt'])), graceEndsAt: new Date(String(result('deprecate')['graceEndsAt'])) }],
      ['schedule', { kind: 'scheduled', key: 'root', hsm: 'primary', fingerprint: rootFingerprint(), scheduledAt: new Date(String(result('schedule')['scheduledAt'])), notBefore: new Date(String(result('schedule')['notBefore'])) }],
    ]);
  });
});
