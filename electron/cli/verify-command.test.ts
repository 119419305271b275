import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBytes } from '../../shared/transcript/bytes.ts';
import { digestAsWords } from '../../shared/transcript/words.ts';
import { buildManifest } from '../../shared/transcript/bundle.ts';
import { exportBundle, readBundle, type ExportedBundle } from '../core/transcript/bundle-export.ts';
import { fixtureCeremonyId, fixtureEvent, fixtureSigners } from '../core/transcript/fixtures.ts';
import { Journal } from '../core/transcript/journal.ts';
import { main } from './keyrite.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let bundle: ExportedBundle;
let keys: string[];

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), error: (t) => (err += t) });
  return { code, out, err };
}

beforeAll(async () => {
  const folder = join(root, 'transcript');
  const { journal } = Journal.open(folder, fixtureCeremonyId);
  const { ceremony, witness } = fixtureSigners();
  for (let i = 0; i < 12; i++) journal.append(fixtureEvent(i));
  await journal.checkpoint(ceremony);
  journal.append({ type: 'ceremony/closed', actors: ['ada'], payload: { outcome: 'completed' } });
  await journal.checkpoint(ceremony);
  await journal.cosign(witness);
  journal.close();
  keys = [ceremony.verifierKey.text, witness.verifierKey.text];
  bundle = await exportBundle(folder, join(root, 'bundle'), keys, new Date('2026-11-28T18:00:00Z'));
});

describe('keyrite verify', () => {
  it('exports a bundle that verifies from the folder and from the archive, with the report inside', async () => {
    expect(bundle.verification.status).toBe('verified');
    for (const path of [bundle.folder, bundle.archive]) {
      const { code, out } = await run('verify', path, '--key', keys[0] as string, '--key', keys[1] as string);
      expect(code).toBe(0);
      expect(out).toMatch(/^VERIFIED: All 13 events verified/);
      expect(out).toContain('cosigned by keyrite.example/participant/wendy');
    }
    const html = readFileSync(join(bundle.folder, 'report.html'), 'utf8');
    const rootHex = bundle.verification.rootHex as string;
    expect(html).toContain(rootHex);
    expect(html).toContain(digestAsWords(hexToBytes(rootHex)).join(' '));
    expect(html).toContain('Printer jammed on envelope 2.');
    expect(html).toContain('c0ffee'.repeat(8));
    const pdf = readFileSync(join(bundle.folder, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('the archive opens with the standard tar tool and holds the same files', () => {
    const listing = execFileSync('tar', ['-tf', bundle.archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(listing).toEqual(['checkpoints/', 'checkpoints/000000000012.note', 'checkpoints/000000000013.note', 'keys.txt', 'manifest.json', 'report.html', 'report.pdf', 'transcript.jsonl']);
    const out = join(root, 'untarred');
    mkdirSync(out);
    execFileSync('tar', ['-xf', bundle.archive, '-C', out]);
    expect(readFileSync(join(out, 'transcript.jsonl'))).toEqual(readFileSync(join(bundle.folder, 'transcript.jsonl')));
  });

  it('refuses to overwrite an existing bundle', async () => {
    await expect(exportBundle(join(root, 'transcript'), bundle.folder, keys)).rejects.toThrow(/already exists/);
  });

  it('--json prints the result and the exit codes tell tampered, unsigned tail and unreadable apart', async () => {
    const json = await run('verify', bundle.archive, '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { status: string; trust: string; rootWords: string[] };
    expect(parsed.status).toBe('verified');
    expect(parsed.trust).toBe('bundle-keys');
    expect(parsed.rootWords).toHaveLength(24);

    const tampered = join(root, 'tampered');
    execFileSync('cp', ['-r', bundle.folder, tampered]);
    const journalPath = join(tampered, 'transcript.jsonl');
    writeFileSync(journalPath, readFileSync(journalPath, 'utf8').replace('Carl Custodian', 'Carl Kustodian'));
    const bad = await run('verify', tampered, '--json');
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.out) as { firstBadEvent: { index: number } }).firstBadEvent.index).toBe(2);
    // Any number of threads says the same, word for word (below 4 MB the journal is checked on one thread either way).
    expect(await run('verify', tampered, '--json', '--threads', '1')).toEqual(bad);
    expect(await run('verify', tampered, '--json', '--threads', '4')).toEqual(bad);
    for (const threads of ['0', '5', '1.5', 'two', '0x2', '2e0', ' 2', '']) expect((await run('verify', tampered, '--threads', threads)).code).toBe(64);

    const tail = join(root, 'tail');
    execFileSync('cp', ['-r', bundle.folder, tail]);
    const lines = readFileSync(join(tail, 'transcript.jsonl'), 'utf8').trim().split('\n');
    // The journal is unchanged; without the last checkpoint its last event is unsigned.
    rmSync(join(tail, 'checkpoints', '000000000013.note'));
    const unsigned = await run('verify', tail);
    expect(unsigned.code).toBe(2);
    expect(unsigned.out).toContain(`Events 12 to ${lines.length - 1} are not covered`);

    expect((await run('verify', join(root, 'nothing-here'))).code).toBe(3);
    writeFileSync(join(root, 'junk.tar'), 'not a tar');
    expect((await run('verify', join(root, 'junk.tar'))).code).toBe(3);
    expect((await run('verify')).code).toBe(64);
    expect((await run('frobnicate')).code).toBe(64);
  });

  it('a bundle cut at a checkpoint (later checkpoint deleted, manifest rebuilt for another ceremony) exits 1 and says events may have been removed', async () => {
    const cut = join(root, 'cut');
    execFileSync('cp', ['-r', bundle.folder, cut]);
    const journalPath = join(cut, 'transcript.jsonl');
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    // Keep the 12 events checkpoint 12 covers; drop the close and its checkpoint.
    writeFileSync(journalPath, `${lines.slice(0, 12).join('\n')}\n`);
    rmSync(join(cut, 'checkpoints', '000000000013.note'));
    rmSync(join(cut, 'manifest.json'));
    const files = readBundle(cut);
    writeFileSync(join(cut, 'manifest.json'), JSON.stringify(buildManifest('keyrite.example/ceremony/something-else', '2026-11-28T18:00:00.000Z', files)));
    const text = await run('verify', cut, '--key', keys[0] as string, '--key', keys[1] as string);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^TAMPERED: The transcript is incomplete: it ends at event 11 without ceremony\/closed; events after checkpoint 12 may have been removed\./);
    expect(text.out).toContain('first bad event: 12 (the transcript ends without ceremony/closed: events after checkpoint 12 may have been removed)');
    expect(text.out).toContain('manifest: manifest.json names ceremony keyrite.example/ceremony/something-else, the transcript is ceremony keyrite.example/ceremony/2026-11-28-root');
    // With the right ceremony in the manifest it is still tampered.
    writeFileSync(join(cut, 'manifest.json'), JSON.stringify(buildManifest(fixtureCeremonyId, '2026-11-28T18:00:00.000Z', files)));
    const json = await run('verify', cut, '--json', '--key', keys[0] as string);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as { firstBadEvent: { index: number } }).firstBadEvent.index).toBe(12);
  });

  it('a manifest naming another ceremony makes an intact bundle tampered', async () => {
    const renamed = join(root, 'renamed');
    execFileSync('cp', ['-r', bundle.folder, renamed]);
    const manifestPath = join(renamed, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(fixtureCeremonyId, 'keyrite.example/ceremony/another'));
    const result = await run('verify', renamed);
    expect(result.code).toBe(1);
    expect(result.out).toContain('manifest: manifest.json names ceremony keyrite.example/ceremony/another');
  });

  it('each command has --help, and the real process exits with the verify status', async () => {
    const help = await run('verify', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit status: 0 verified, 1 tampered, 2 unsigned tail');
    expect(help.out).toContain('does not end with ceremony/closed');
    expect((await run('--help')).out).toMatch(/ verify +verify an evidence bundle offline\n/);
    const child = spawnSync(process.execPath, ['--no-warnings', join(import.meta.dirname, 'keyrite.ts'), 'verify', join(root, 'tampered')], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stdout).toMatch(/^TAMPERED: Event 2 is not as it was recorded/);
  });
});
