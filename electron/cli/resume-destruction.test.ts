/**
 * Resuming a key destruction after a crash: ceremony 5 (over ceremony 1's
 * root key) is killed right after its destruction is scheduled, then
 * resumed. The resumed run must know what the deprecation and the schedule
 * decided (taken back from their recorded results), and its rehearsal
 * clock must go on from where the recorded jumps took it, never back: the
 * destruction then waits (jumps) to the scheduled date, destroys the key,
 * and the bundle verifies.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CEREMONIES, FIXTURES } from '../core/ceremony/runner/test-support.ts';
import { main } from './keyrite.ts';
import { journalEvents, keyriteChild } from './cli-child.test-support.ts';



describe('keyrite rehearse --resume: a key destruction killed after its schedule', () => {
  it('resumes with the deprecation and schedule it recorded, the clock going on forward, and destroys the key', { timeout: 300_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'keyrite-resume-destruction-'));
    const one = await keyriteChild(['rehearse', join(CEREMONIES, '01-root-key-generation.yaml'), '--answers', join(FIXTURES, '01-root-key-generation.answers.yaml'), '--out', join(root, 'previous')]);
    expect(one.code, one.err).toBe(0);
    const answers = join(root, 'answers.yaml');
    cpSync(join(FIXTURES, '05-key-destruction.answers.yaml'), answers);
    const script = join(CEREMONIES, '05-key-destruction.yaml');
    const out = join(root, 'out');

    const killed = await keyriteChild(['rehearse', script, '--answers', answers, '--out', out], /Step \d+\/\d+ schedule: done/);
    expect(killed.signal).toBe('SIGKILL');
    const before = journalEvents(out);
    expect(before.some((e) => e.type === 'step/completed' && e.step === 'schedule')).toBe(true);
    expect(before.some((e) => e.type === 'key/destroyed')).toBe(false);
    const jumpsBefore = before.filter((e) => e.type === 'rehearsal/clock-advanced');
    expect(jumpsBefore).toHaveLength(1);

    const resumed = await keyriteChild(['rehearse', script, '--answers', answers, '--out', out, '--resume']);
    expect(resumed.code, resumed.err + resumed.out).toBe(0);
    const events = journalEvents(out);
    expect(events.some((e) => e.type === 'ceremony/resumed')).toBe(true);
    expect(events.at(-1)?.payload['outcome']).toBe('completed');
    // The second jump starts no earlier than the first one ended, and lands on the recorded notBefore.
    const jumps = events.filter((e) => e.type === 'rehearsal/clock-advanced');
    expect(jumps).toHaveLength(2);
    const schedule = events.find((e) => e.type === 'step/result' && e.step === 'schedule')?.payload['result'] as Record<string, unknown>;
    expect(Date.parse(String(jumps[1]?.payload['from']))).toBeGreaterThanOrEqual(Date.parse(String(jumps[0]?.payload['to'])));
    expect(jumps[1]?.payload['to']).toBe(schedule['notBefore']);
    const destroyed = events.find((e) => e.type === 'step/result' && e.step === 'destroy')?.payload['result'] as Record<string, unknown>;
    expect(Date.parse(String(destroyed['destroyedAt']))).toBeGreaterThanOrEqual(Date.parse(String(schedule['notBefore'])));
    let text = '';
    expect(await main(['verify', join(out, 'bundle.tar'), '--json'], { out: (t) => { text += t; }, error: () => {} })).toBe(0);
    expect((JSON.parse(text) as { status: string }).status).toBe('verified');
  });
});
