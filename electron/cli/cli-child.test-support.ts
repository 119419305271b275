/**
 * Test support: the `keyrite` CLI in a child process (the cheap participant
 * KDF switched on, which the CLI accepts only under vitest), killed with
 * SIGKILL the moment its progress output matches, as a crash would; and
 * the events a run's journal holds.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const KEYRITE = join(import.meta.dirname, 'keyrite.ts');
const env = { ...process.env, KEYRITE_TEST_CHEAP_PARTICIPANT_KDF: '1' };

export interface JournalEvent { seq: number; type: string; step: string | null; payload: Record<string, unknown> }

export const journalEvents = (out: string): JournalEvent[] =>
  readFileSync(join(out, 'transcript', 'transcript.jsonl'), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JournalEvent);

/** Runs `keyrite` in a child process; with `killAfter`, SIGKILLs it as soon as its stdout has a line matching it. */
export function keyriteChild(args: string[], killAfter?: RegExp): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KEYRITE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfter !== undefined && killAfter.test(out)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}
