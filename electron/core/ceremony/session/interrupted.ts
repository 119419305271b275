/**
 * Ceremonies of the data folder that stopped without closing: their
 * transcript's first event opened them and no `ceremony/closed` follows (a
 * torn last line counts as not closed; resume cuts it and says so). Each is
 * matched to the script it ran by the script hash `ceremony/opened` records,
 * so a ceremony is only ever resumed with the very script it began.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedScript } from '../../../../shared/ceremony/index.ts';

export interface Interrupted {
  handle: string;
  folder: string;
  ceremonyId: string;
  title: string;
  startedAt: string;
  events: number;
  lastEvent: string;
  parsed: ParsedScript | undefined;
}

interface Line {
  type?: unknown;
  ceremony?: unknown;
  at?: unknown;
  step?: unknown;
  payload?: Record<string, unknown>;
}

const parseLine = (line: string): Line | undefined => {
  try {
    return JSON.parse(line) as Line;
  } catch {
    return undefined;
  }
};

/** Interrupted ceremonies under `<data dir>/ceremonies/`, newest first; `busy` (the running one) is left out. */
export function findInterrupted(dataDir: string, scripts: readonly ParsedScript[], busy: string | undefined): Interrupted[] {
  const root = join(dataDir, 'ceremonies');
  if (!existsSync(root)) return [];
  const out: Interrupted[] = [];
  for (const name of readdirSync(root).sort().reverse()) {
    const folder = join(root, name);
    const journal = join(folder, 'transcript', 'transcript.jsonl');
    if (folder === busy || !existsSync(journal)) continue;
    const lines = readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '');
    const first = parseLine(lines[0] ?? '');
    if (first?.type !== 'ceremony/opened') continue;
    const events = lines.map(parseLine);
    if (events.some((e) => e?.type === 'ceremony/closed')) continue;
    const last = events.filter((e) => e !== undefined).at(-1);
    const sha = first.payload?.['scriptSha256'];
    out.push({
      handle: name,
      folder,
      ceremonyId: String(first.ceremony ?? name),
      title: String(first.payload?.['title'] ?? name).slice(0, 256),
      startedAt: String(first.at ?? ''),
      events: lines.length,
      lastEvent: `${String(last?.type ?? '?')}${typeof last?.step === 'string' ? ` (${last.step})` : ''}`.slice(0, 512),
      parsed: scripts.find((s) => s.scriptSha256 === sha),
    });
  }
  return out;
}

/** Earlier runs of the data folder that left rehearsal HSM tokens (a key a later ceremony acts on lives there), newest first. */
export function earlierRuns(dataDir: string): { handle: string; ceremonyId: string; title: string; closed: boolean }[] {
  const root = join(dataDir, 'ceremonies');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .reverse()
    .filter((name) => existsSync(join(root, name, 'rehearsal-hsm')) && existsSync(join(root, name, 'transcript', 'transcript.jsonl')))
    .map((name) => {
      const lines = readFileSync(join(root, name, 'transcript', 'transcript.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
      const first = parseLine(lines[0] ?? '');
      return {
        handle: name,
        ceremonyId: String(first?.ceremony ?? name).slice(0, 256),
        title: String(first?.payload?.['title'] ?? name).slice(0, 256),
        closed: lines.some((l) => parseLine(l)?.type === 'ceremony/closed'),
      };
    });
}
