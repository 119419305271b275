import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureEvent, fixtureCeremonyId, fixtureSigners } from './fixtures.ts';
import { MemoryTranscript } from './memory-transcript.ts';

// docs/formats/transcript.md §8: the worked example's files and its shell
// script are taken from the document itself and run with bash, coreutils,
// xxd and openssl only: no project code checks the example.
const doc = readFileSync(join(import.meta.dirname, '../../../docs/formats/transcript.md'), 'utf8');
const files = new Map([...doc.matchAll(/```text file=(\S+)\n([\s\S]*?)```/g)].map((m) => [m[1] as string, m[2] as string]));
const script = /```sh example-check\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
const root = mkdtempSync(join(tmpdir(), 'keyrite-doc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function runExample(change: (files: Map<string, string>) => void = () => undefined): { status: number | null; out: string } {
  const folder = mkdtempSync(join(root, 'example-'));
  const copy = new Map(files);
  change(copy);
  for (const [path, text] of copy) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  writeFileSync(join(folder, 'check.sh'), script);
  const result = spawnSync('bash', ['check.sh'], { cwd: folder, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe('docs/formats/transcript.md worked example', () => {
  it('re-verifies with standard tools: chain, root, ceremony signature and cosignature', () => {
    expect([...files.keys()].sort()).toEqual(['checkpoints/000000000003.note', 'keys.txt', 'transcript.jsonl']);
    const { status, out } = runExample();
    expect(out).toContain('root matches: PKo9arvh2HsxAh0g0OFwT9HygtHAiySJRt6Bm6ggIak=');
    expect(out.match(/Signature Verified Successfully/g)).toHaveLength(2);
    expect(out).toContain('cosigned at 2026-11-28T12:00:00Z');
    expect(status).toBe(0);
  });

  it('the same script rejects a changed event and a changed signature', () => {
    expect(runExample((f) => f.set('transcript.jsonl', (f.get('transcript.jsonl') ?? '').replace('Carl Custodian', 'Carl Kustodian'))).status).not.toBe(0);
    expect(runExample((f) => f.set('transcript.jsonl', (f.get('transcript.jsonl') ?? '').replace('Ada Admin', 'Ada Admim'))).status).not.toBe(0);
    expect(runExample((f) => f.set('checkpoints/000000000003.note', (f.get('checkpoints/000000000003.note') ?? '').replace('cRnIHwE/', 'cRnIHwF/'))).status).not.toBe(0);
  });

  it('is what the current code writes (the document cannot drift from the format)', async () => {
    const { ceremony, witness } = fixtureSigners();
    const transcript = new MemoryTranscript(fixtureCeremonyId);
    for (let i = 0; i < 3; i++) transcript.append(fixtureEvent(i));
    await transcript.checkpoint(ceremony, [witness]);
    expect(files.get('transcript.jsonl')).toBe(new TextDecoder().decode(transcript.journalBytes()));
    expect(files.get('checkpoints/000000000003.note')).toBe(transcript.checkpoints.get('checkpoints/000000000003.note'));
    expect(files.get('keys.txt')).toBe(`${ceremony.verifierKey.text}\n${witness.verifierKey.text}\n`);
  });
});
