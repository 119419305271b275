/**
 * Test helpers for rehearsals: fresh output folders, and reading back what
 * a run left in them. (Running `keyrite` itself lives in the CLI's test:
 * the engine never imports the CLI.)
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freshOut = (): string => join(mkdtempSync(join(tmpdir(), 'keyrite-rehearse-')), 'out');

export interface RecordedEvent {
  seq: number;
  type: string;
  step: string | null;
  actors: string[];
  payload: Record<string, unknown>;
}

/** The events of the exported bundle's journal. */
export function bundleEvents(out: string): RecordedEvent[] {
  return readFileSync(join(out, 'bundle', 'transcript.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RecordedEvent);
}

/** Every file under `folder`, as text (binary files decode lossily; fine for searching for leaked text). */
export function allFileText(folder: string): string {
  let text = '';
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    text += statSync(path).isDirectory() ? allFileText(path) : readFileSync(path, 'latin1');
  }
  return text;
}

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const CEREMONIES = join(import.meta.dirname, '..', '..', '..', '..', 'assets', 'ceremonies');
