/**
 * Resume after a crash, through the real CLI in child processes: ceremony 2
 * is killed (SIGKILL, no chance to clean up) right after each step in turn,
 * as its progress lines report them, then `keyrite rehearse --resume` goes
 * on with it. Every resumed run must close with a bundle that `keyrite
 * verify` accepts, and its ceremony/resumed event must say what was lost
 * and what was redone: a crash between generating the master secret and
 * loading it redoes the generation (and supersedes the share set), a crash
 * after the load only continues.
 *
 * Cost: the participant KDF is made cheap with the test-only variable the
 * CLI refuses outside vitest (resume-run.ts); two runs at a time.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../shared/transcript/note.ts';
import { parseNote } from '../../shared/transcript/note-format.ts';
import { bytesEqual } from '../../shared/transcript/bytes.ts';
import { loadScriptFile } from '../core/ceremony/index.ts';
import { CEREMONIES, FIXTURES, freshOut } from '../core/ceremony/runner/test-support.ts';
import { participantKdfFromEnvironment } from './resume-run.ts';
import { main } from './keyrite.ts';
import { journalEvents, keyriteChild, type JournalEvent } from './cli-child.test-support.ts';

const SCRIPT = join(CEREMONIES, '02-master-key-split-and-load.yaml');
const ANSWERS = join(FIXTURES, '02-master-key-split-and-load.answers.yaml');

type Event = JournalEvent;

const rehearse = (out: string, killAfter?: RegExp) => keyriteChild(['rehearse', SCRIPT, '--answers', ANSWERS, '--out', out], killAfter);
const resume = (out: string) => keyriteChild(['rehearse', SCRIPT, '--answers', ANSWERS, '--out', out, '--resume']);

async function verifyCli(out: string): Promise<{ code: number; json: { status: string } }> {
  let text = '';
  const code = await main(['verify', join(out, 'bundle.tar'), '--json'], { out: (t) => { text += t; }, error: () => {} });
  return { code, json: JSON.parse(text) as { status: string } };
}

/** Runs `tasks` at most `width` at a time (two cores). */
async function inParallel<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  }));
  return results;
}

describe('keyrite rehearse --resume after SIGKILL at each step of ceremony 2', async () => {
  const parsed = await loadScriptFile(SCRIPT);
  const steps = parsed.script.steps.map((s) => s.id);
  const at = (id: string) => steps.indexOf(id);

  it('refuses the cheap participant KDF outside vitest', () => {
    expect(() => participantKdfFromEnvironment({ KEYRITE_TEST_CHEAP_PARTICIPANT_KDF: '1' })).toThrow(/refused outside vitest/);
    expect(participantKdfFromEnvironment({})).toBeUndefined();
    expect(participantKdfFromEnvironment({ KEYRITE_TEST_CHEAP_PARTICIPANT_KDF: '1', VITEST: 'true' })).toMatchObject({ memoryKiB: 256 });
  });

  it('resumes from every step: the bundle verifies and ceremony/resumed says what was lost and redone', async () => {
    // Kill points: after the token mapping (before any step), then after each step's "done" line.
    const kills = [/HSM backup: .*\n/, ...steps.map((_, i) => new RegExp(`Step ${i + 1}/${steps.length} \\S+: done\\n`))];
    const outcomes = await inParallel(kills.map((killAfter) => async () => {
      const out = freshOut();
      const crashed = await rehearse(out, killAfter);
      const before = journalEvents(out);
      const resumed = await resume(out);
      return { out, killAfter, crashed, before, resumed };
    }), 2);

    for (const { out, killAfter, crashed, before, resumed } of outcomes) {
      const label = `killed after ${String(killAfter)}`;
      expect(crashed.signal, label).toBe('SIGKILL');
      if (before.some((e) => e.type === 'ceremony/closed')) {
        // The kill came after the close was recorded: a closed ceremony is never resumed, and nothing is written.
        expect(resumed.code, label).toBe(3);
        expect(resumed.err).toContain('CEREMONY_RESUME_CLOSED');
        expect(journalEvents(out)).toEqual(before);
        continue;
      }
      expect(resumed.err, label).toBe('');
      expect(resumed.code, label).toBe(0);
      expect(resumed.out).toContain('Lost: the ceremony signing key');
      expect(resumed.out).toContain('the bundle verifies');
      expect((await verifyCli(out)).json.status).toBe('verified');

      const events = journalEvents(out);
      const marker = events.find((e) => e.type === 'ceremony/resumed') as Event;
      expect(marker.seq).toBeGreaterThanOrEqual(before.length);
      const doneBefore = before.filter((e) => e.type === 'step/completed').map((e) => e.step as string);
      const lastDone = doneBefore.length === 0 ? -1 : at(doneBefore.at(-1) as string);
      // The kill lands right after a step's "done" line; the run may have got into the next step, or recorded its result, before it died.
      const interrupted = (marker.payload['interrupted'] as { index: number } | null)?.index ?? steps.length;
      expect(interrupted, label).toBeGreaterThanOrEqual(lastDone + 1);
      expect(interrupted, label).toBeLessThanOrEqual(lastDone + 2);
      // Crashed after the generation and before the load completed: the master secret (and any share set) died with the process.
      const mustRedo = interrupted > at('generate-master') && interrupted <= at('load');
      const redone = marker.payload['redone'] as string[];
      if (mustRedo) {
        expect(redone[0], label).toBe('generate-master');
        expect(marker.payload['lost'] as string[]).toContainEqual(expect.stringContaining("the secret of key 'master'"));
      } else {
        expect(redone, label).toEqual([]);
      }
      // Every step runs to the end from where the resume said, once, in order; nothing before it is repeated.
      const from = mustRedo ? at('generate-master') : interrupted;
      const completedAfter = events.filter((e) => e.seq > marker.seq && e.type === 'step/completed');
      expect(completedAfter.filter((e) => e.payload['note'] === undefined).map((e) => e.step), label).toEqual(steps.slice(from));
      // A completion the crash cut off is recorded at the resume, so every step has one.
      expect(new Set(events.filter((e) => e.type === 'step/completed').map((e) => e.step)), label).toEqual(new Set(steps));
      expect(events.at(-1)?.payload['outcome']).toBe('completed');

      // The auditor sees the key change: checkpoints from the resume on are signed by the key ceremony/resumed names, earlier ones by ceremony/opened's.
      const keyOf = (text: unknown) => parseVerifierKey(String(text))?.keyId as Uint8Array;
      const oldKey = keyOf(events[0]?.payload['signingKey']);
      const newKey = keyOf(marker.payload['signingKey']);
      expect(marker.payload['previousSigningKey']).toBe(events[0]?.payload['signingKey']);
      expect(String(marker.payload['keyChange'])).toContain('died with the crashed process');
      for (const name of readdirSync(join(out, 'bundle', 'checkpoints'))) {
        const note = parseNote(readFileSync(join(out, 'bundle', 'checkpoints', name), 'utf8'));
        if (typeof note === 'string') throw new Error(note);
        const signer = note.signatures[0]?.keyId as Uint8Array;
        expect(bytesEqual(signer, Number(name.slice(0, 12)) > marker.seq ? newKey : oldKey), `${label}: checkpoint ${name}`).toBe(true);
      }
      // Each custodian's medium holds the shares of the last set issued, and nothing of a superseded one.
      const sets = events.filter((e) => e.type === 'share-set/issued').map((e) => String(e.payload['shareSetId']));
      for (const custodian of ['carl', 'dora', 'ed', 'fay', 'gus']) {
        const files = readdirSync(join(out, 'media', custodian));
        expect(files.filter((f) => f.endsWith('.share')), `${label}: ${custodian}`).toHaveLength(1);
        expect(files.every((f) => f.startsWith(`keyrite-share-${(sets.at(-1) ?? '').slice(0, 8)}-`))).toBe(true);
      }
      if (sets.length > 1) expect(marker.payload['supersededShareSets']).toEqual(sets.slice(0, -1));
    }
  }, 1_800_000);
});

describe('keyrite rehearse --resume refuses', () => {
  it('a tampered crashed transcript, and a closed ceremony, changing nothing', async () => {
    const out = freshOut();
    const crashed = await rehearse(out, /Step 6\/\d+ \S+: done\n/);
    expect(crashed.signal).toBe('SIGKILL');
    const path = join(out, 'transcript', 'transcript.jsonl');
    const original = readFileSync(path, 'utf8');
    // A witness's name changed in an acknowledged, checkpointed event.
    const tampered = original.replace('"witness":"wendy"', '"witness":"walt"');
    expect(tampered).not.toBe(original);
    writeFileSync(path, tampered);
    const refused = await resume(out);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('CEREMONY_RESUME_TRANSCRIPT_DAMAGED');
    expect(readFileSync(path, 'utf8')).toBe(tampered);

    // Put back, and the same run resumes and closes; resuming it again is refused.
    writeFileSync(path, original);
    expect((await resume(out)).code).toBe(0);
    const closed = readFileSync(path, 'utf8');
    const again = await resume(out);
    expect(again.code).toBe(3);
    expect(again.err).toContain('CEREMONY_RESUME_CLOSED');
    expect(readFileSync(path, 'utf8')).toBe(closed);
  }, 600_000);

  it('an answers file whose passphrases do not give the enrolled keys', async () => {
    const out = freshOut();
    expect((await rehearse(out, /Step 5\/\d+ \S+: done\n/)).signal).toBe('SIGKILL');
    const answers = join(dirname(out), 'other.answers.yaml');
    writeFileSync(answers, readFileSync(ANSWERS, 'utf8').replace('walt rehearsal passphrase', 'not walt at all'));
    const before = readFileSync(join(out, 'transcript', 'transcript.jsonl'));
    const refused = await keyriteChild(['rehearse', SCRIPT, '--answers', answers, '--out', out, '--resume']);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('CEREMONY_CREDENTIAL_MISMATCH');
    expect(readFileSync(join(out, 'transcript', 'transcript.jsonl'))).toEqual(before);
  }, 600_000);
});

describe('a resumed run that crashes again', () => {
  it('resumes again: the first resume\'s superseded steps are dropped from the replay, and every ceremony key is listed', async () => {
    const out = freshOut();
    expect((await rehearse(out, /Step 9\/\d+ \S+: done\n/)).signal).toBe('SIGKILL');
    // The first resume redoes from the generation; it is killed once its own split is done.
    const first = await keyriteChild(['rehearse', SCRIPT, '--answers', ANSWERS, '--out', out, '--resume'], /Step 9\/\d+ \S+: done\n/);
    expect(first.signal).toBe('SIGKILL');
    const second = await resume(out);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect((await verifyCli(out)).json.status).toBe('verified');
    const events = journalEvents(out);
    const resumed = events.filter((e) => e.type === 'ceremony/resumed');
    expect(resumed).toHaveLength(2);
    expect(resumed[1]?.payload['redone']).toContainEqual('generate-master');
    expect(resumed[1]?.payload['previousSigningKey']).toBe(resumed[0]?.payload['signingKey']);
    // Three splits were issued; the last is the one on the media.
    expect(events.filter((e) => e.type === 'share-set/issued')).toHaveLength(3);
    const keys = readFileSync(join(out, 'bundle', 'keys.txt'), 'utf8');
    for (const key of [events[0]?.payload['signingKey'], ...resumed.map((e) => e.payload['signingKey'])]) expect(keys).toContain(String(key));
  }, 600_000);
});

describe('a resumed ceremony 2 feeds a recovery (ceremony 3)', () => {
  it('takes the last share set the bundle issued, not the superseded one', async () => {
    const root = dirname(freshOut());
    const previous = join(root, 'previous');
    // Killed after the shares were written and before the load: the resume redoes the split and removes the first set's files.
    expect((await rehearse(previous, /Step 10\/\d+ \S+: done\n/)).signal).toBe('SIGKILL');
    expect((await resume(previous)).code).toBe(0);
    expect(journalEvents(previous).filter((e) => e.type === 'share-set/issued').length).toBeGreaterThanOrEqual(1);
    cpSync(join(FIXTURES, '03-recovery.answers.yaml'), join(root, '03.answers.yaml'));
    const recovery = await keyriteChild(['rehearse', join(CEREMONIES, '03-recovery.yaml'), '--answers', join(root, '03.answers.yaml'), '--out', join(root, 'recovery')]);
    expect(recovery.err).toBe('');
    expect(recovery.code).toBe(0);
    expect(existsSync(join(root, 'recovery', 'bundle.tar'))).toBe(true);
  }, 600_000);
});
