/**
 * A custodian's medium disappears while `shares.write` is writing their
 * share (built-in ceremony 2, rehearsed from its answers fixture, with the
 * answers file's `media` sending Dora's share to a folder of our choosing).
 *
 * The pull is real and deterministic: a watcher on Dora's medium pulls it
 * the moment the share's temp file appears there, i.e. after the write has
 * begun and before it can finish. When this process may mount (root, as on
 * the developers' machines and CI), Dora's medium is a real tmpfs and the
 * pull is `umount -l` (the kernel detaches it at once although the writer
 * holds the temp file open, as when a stick is yanked); otherwise the pull
 * deletes the folder with the temp file in it. The test's title says which
 * ran. Nothing about the filesystem is faked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import { PARTIAL_SUFFIX } from '../../devices/index.ts';
import { readShareFile } from '../../shares/index.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { loadScriptFile } from '../read-script.ts';
import { loadAnswersFile } from './answers.ts';
import { runRehearsal } from './run-ceremony.ts';
import { bundleEvents, CEREMONIES, FIXTURES } from './test-support.ts';

/** Low cost for tests only; the production cost is PARTICIPANT_KDF. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };

const root = mkdtempSync(join(tmpdir(), 'keyrite-medium-pull-'));
const stick = join(root, 'dora-stick');
mkdirSync(stick);

/** Mounts a small real tmpfs on Dora's folder when this process is allowed to; false otherwise (then the pull deletes the folder). */
function tryMount(): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'keyrite-dora-stick', stick], { stdio: 'ignore' });
    return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === stick);
  } catch {
    return false;
  }
}
const mounted = process.platform === 'linux' && tryMount();
const isMounted = (): boolean => readFileSync('/proc/self/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === stick);

afterAll(() => {
  if (mounted && isMounted()) execFileSync('umount', ['-l', stick]);
  rmSync(root, { recursive: true, force: true });
});

/** Every file name under `folder`, recursively (relative paths). */
function filesUnder(folder: string, prefix = ''): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

interface Pull {
  /** The temp file that was there, being written, when the medium went. */
  tempFile: string | undefined;
  watcher: FSWatcher;
}

/** Pulls Dora's medium, synchronously, as soon as a share's temp file appears on it. */
function pullWhenWriting(): Pull {
  const pull: Pull = { tempFile: undefined, watcher: watch(stick) };
  pull.watcher.on('error', () => {}); // the watched folder itself goes away; nothing more to watch
  pull.watcher.on('change', (_kind, name) => {
    const file = String(name);
    if (pull.tempFile !== undefined || !file.endsWith(PARTIAL_SUFFIX) || !existsSync(join(stick, file))) return;
    pull.tempFile = file;
    if (mounted) execFileSync('umount', ['-l', stick]);
    else rmSync(stick, { recursive: true, force: true });
    pull.watcher.close();
  });
  return pull;
}

describe(`a custodian's medium pulled in the middle of shares.write (ceremony 2; pull: ${mounted ? 'a real tmpfs, lazily unmounted with umount -l' : 'mount not permitted here, so the folder is deleted'})`, () => {
  it('fails the step with a typed error, recorded in the transcript; no partial share anywhere; earlier shares whole, later ones absent; the bundle verifies', async () => {
    const parsed = await loadScriptFile(join(CEREMONIES, '02-master-key-split-and-load.yaml'));
    // The fixture, plus where Dora's share goes (relative to the answers file, as a person would write it).
    const answersPath = join(root, '02.answers.yaml');
    writeFileSync(answersPath, `${readFileSync(join(FIXTURES, '02-master-key-split-and-load.answers.yaml'), 'utf8')}\nmedia:\n  dora: dora-stick\n`);
    const answers = await loadAnswersFile(answersPath);
    expect(answers.media).toEqual({ dora: stick });

    const out = join(root, 'out');
    const pull = pullWhenWriting();
    const outcome = await runRehearsal({ parsed, inputs: { answers }, outFolder: out, kdfCost: cheap });
    pull.watcher.close();

    // The medium went while Dora's temp file was being written, and the writer noticed it as such.
    expect(pull.tempFile).toMatch(/^\.keyrite-share-[0-9a-f]{8}-\d{3}\.share\.[0-9a-f]{12}\.keyrite-partial$/u);
    const doraShare = (pull.tempFile ?? '').slice(1).split('.share.')[0] + '.share';
    expect(outcome.status).toBe('aborted');
    expect(outcome.failure?.step).toBe('write-shares');
    expect(outcome.failure?.code).toBe('SHARE_MEDIUM_FAILED');
    expect(outcome.failure?.message).toContain('was removed during the write; nothing was kept');

    // Recorded: ceremony/refused naming the step and the code, then the abort; shares.write recorded no result.
    const events = bundleEvents(out);
    const refused = events.filter((e) => e.type === 'ceremony/refused');
    expect(refused.map((e) => [e.step, e.payload['code'], e.payload['step']])).toEqual([['write-shares', 'SHARE_MEDIUM_FAILED', 'write-shares']]);
    expect(events.some((e) => e.type === 'step/result' && e.step === 'write-shares')).toBe(false);
    expect(events.at(-1)?.type).toBe('ceremony/closed');
    expect(events.at(-1)?.payload['outcome']).toBe('aborted');

    // No partial share anywhere: not on the medium's folder (after a lazy unmount, the bare folder on the
    // parent filesystem; the detached tmpfs, which held the temp file, is freed once the writer closed it), not
    // beside it, not in the run's folder.
    if (mounted) {
      expect(isMounted()).toBe(false);
      expect(readdirSync(stick)).toEqual([]);
    } else {
      expect(existsSync(stick)).toBe(false);
    }
    const everything = filesUnder(root);
    expect(everything.filter((f) => f.endsWith(PARTIAL_SUFFIX) || f.endsWith(doraShare) || f.endsWith(doraShare.replace(/\.share$/u, '.pdf')))).toEqual([]);

    // Carl's share (written first, to the rehearsal default) is whole and verified; Ed's, Fay's and Gus's were never written.
    const carl = join(out, 'media', 'carl');
    // Carl's medium holds his share and its paper form (the PDF beside it); nothing else.
    const carlFiles = readdirSync(carl).filter((f) => f.endsWith('.share'));
    expect(carlFiles).toHaveLength(1);
    expect(carlFiles[0]).toMatch(/^keyrite-share-[0-9a-f]{8}-\d{3}\.share$/u);
    expect(readdirSync(carl).sort()).toEqual([carlFiles[0], (carlFiles[0] as string).replace(/\.share$/u, '.pdf')].sort());
    await expect(readShareFile(carl, carlFiles[0] as string)).resolves.toBeInstanceOf(Uint8Array);
    for (const custodian of ['ed', 'fay', 'gus']) expect(filesUnder(join(out, 'media', custodian))).toEqual([]);
    expect(everything.filter((f) => f.endsWith('.share'))).toEqual([`out/media/carl/${carlFiles[0] as string}`]);

    // The aborted run's bundle verifies.
    const verification = verifyBundle(readBundle(join(out, 'bundle')));
    expect([verification.status, verification.summary]).toEqual(['verified', verification.summary]);
  });
});
