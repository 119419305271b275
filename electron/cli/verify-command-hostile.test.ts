/**
 * `keyrite verify` on hostile bundles, end to end: the exit code its help
 * documents (1 tampered, 3 unreadable) and the reason in words, from a
 * folder and from its archive, on one thread and two; never a stack trace.
 * The property tests behind these are electron/core/transcript/verify-hostile.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_PATH } from '../../shared/transcript/bundle.ts';
import { utf8ToBytes } from '../../shared/transcript/bytes.ts';
import { bundleFiles, joinLines, tamperFixture, type TamperFixture } from '../core/transcript/tamper-fixtures.ts';
import { writeTar } from '../core/transcript/tar.ts';
import { main } from './keyrite.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-verify-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let fixture: TamperFixture;
beforeAll(async () => {
  fixture = await tamperFixture();
});

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(argv, { out: (t) => (out += t), error: (t) => (out += t) });
  return { code, out };
}

/** The bundle written as a folder and as its archive; the command run on each, with one thread and two. */
async function verifyEverywhere(name: string, files: Map<string, Uint8Array>): Promise<{ code: number; out: string }[]> {
  const folder = join(root, name);
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), bytes);
  }
  writeFileSync(`${folder}.tar`, writeTar(files, new Date('2026-11-28T18:00:00Z')));
  const keys = fixture.keys.flatMap((key) => ['--key', key]);
  const answers = [];
  for (const path of [folder, `${folder}.tar`]) for (const threads of ['1', '2']) answers.push(await run('verify', path, ...keys, '--threads', threads));
  return answers;
}

/** The fixture's journal with line `i` changed by `edit` (the chain left as it was). */
function editedJournal(i: number, edit: (line: string) => string): Uint8Array {
  const lines = [...fixture.lines];
  lines[i] = utf8ToBytes(edit(new TextDecoder().decode(lines[i])));
  return joinLines(lines);
}

describe('keyrite verify on hostile bundles', () => {
  it('exits 1 (tampered) or 3 (unreadable) with the reason in words, never a stack trace', async () => {
    const { keys, journal, checkpoints } = fixture;
    const manifestOnly = bundleFiles(keys, journal, checkpoints);
    manifestOnly.set(MANIFEST_PATH, utf8ToBytes('{"toString":1,"__proto__":{"format":"keyrite-evidence-bundle/v1"},"files":[{"valueOf":{}}]}'));
    const cases: [string, Map<string, Uint8Array>, number, RegExp][] = [
      // Before 4ff79b3: exit 3, "The bundle could not be read: Maximum call stack size exceeded".
      ['deep-payload', bundleFiles(keys, editedJournal(5, (line) => line.replace('"payload":{', `"payload":{"a":${'['.repeat(30_000)}${']'.repeat(30_000)},`)), checkpoints), 1, /^TAMPERED: Event 5 is not as it was recorded: its hash is not the one event 6 recorded/],
      // Before bd00a3a: "missing field".
      ['constructor-member', bundleFiles(keys, editedJournal(7, (line) => line.replace('{"actors"', '{"actors":[],"constructor"')), checkpoints), 1, /^TAMPERED: Event 7 is not as it was recorded: unknown field "constructor"/],
      ['huge-size', bundleFiles(keys, journal, checkpoints.map((c, k) => (k === 0 ? { ...c, note: c.note.replace('\n100\n', '\n99999999999999999999\n') } : c))), 1, /^TAMPERED: Checkpoint 000000000100\.note is not valid: malformed tree size/],
      ['toString-manifest', manifestOnly, 3, /^UNREADABLE: manifest\.json is not a Keyrite bundle manifest/],
    ];
    for (const [name, files, code, says] of cases) {
      for (const answer of await verifyEverywhere(name, files)) {
        expect(answer.code, `${name}: ${answer.out}`).toBe(code);
        expect(answer.out, name).toMatch(says);
        expect(answer.out, name).not.toMatch(/^\s+at /m);
      }
    }
    // An archive cut inside its first entry.
    const cut = join(root, 'cut.tar');
    writeFileSync(cut, writeTar(bundleFiles(keys, journal, checkpoints), new Date('2026-11-28T18:00:00Z')).slice(0, 2048));
    const answer = await run('verify', cut);
    expect(answer.code).toBe(3);
    expect(answer.out).toMatch(/^UNREADABLE: The bundle could not be read: tar entry runs past the end/);
  });
});
