import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashAppBundle, liveEnvironmentSources, parseCoreLimit, parseProcSwaps, recordEnvironment, utcOffsetMinutes, type EnvironmentSources } from './environment.ts';
import { EnvironmentRecord } from './schemas.ts';

const made: string[] = [];
const folder = (): string => {
  const path = mkdtempSync(join(tmpdir(), 'keyrite-bundle-'));
  made.push(path);
  return path;
};
afterAll(() => {
  for (const path of made) rmSync(path, { recursive: true, force: true });
});

function fakeApp(root: string, order: 'forward' | 'backward' = 'forward'): void {
  const files: Array<[string, string]> = [
    ['resources/app.asar', 'ASAR-bytes'],
    ['keyrite', '\x7fELF...'],
    ['resources/zh-CN.pak', 'pak'],
    ['LICENSE', 'MIT'],
    ['resources/Z-upper.txt', 'sorted before lower case in byte order'],
  ];
  for (const [rel, content] of order === 'forward' ? files : [...files].reverse()) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  mkdirSync(join(root, 'empty-folder'));
}

describe('app bundle hash', () => {
  it('a single file: the SHA-256 of its bytes (what sha256sum prints)', async () => {
    const path = join(folder(), 'Keyrite.AppImage');
    writeFileSync(path, 'AppImage bytes');
    expect(await hashAppBundle(path)).toEqual({ algorithm: 'sha256', digest: createHash('sha256').update('AppImage bytes').digest('hex'), kind: 'file', fileCount: 1 });
  });

  it('a folder: the documented shell pipeline (find | sort | sha256sum | sha256sum) gives the same digest', async () => {
    const root = folder();
    fakeApp(root);
    const shell = execFileSync('sh', ['-c', "find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum"], { cwd: root, encoding: 'utf8' });
    const hash = await hashAppBundle(root);
    expect(hash.digest).toBe(shell.split(' ')[0]);
    expect(hash).toMatchObject({ kind: 'folder', fileCount: 5 });
  });

  it('does not depend on creation order, and changes with one byte, a rename or a symlink target', async () => {
    const a = folder();
    const b = folder();
    fakeApp(a, 'forward');
    fakeApp(b, 'backward');
    const base = (await hashAppBundle(a)).digest;
    expect((await hashAppBundle(b)).digest).toBe(base);
    writeFileSync(join(b, 'LICENSE'), 'MIT.');
    expect((await hashAppBundle(b)).digest).not.toBe(base);
    writeFileSync(join(b, 'LICENSE'), 'MIT');
    rmSync(join(b, 'LICENSE'));
    writeFileSync(join(b, 'LICENCE'), 'MIT');
    expect((await hashAppBundle(b)).digest).not.toBe(base);
    symlinkSync('keyrite', join(a, 'current'));
    const withLink = (await hashAppBundle(a)).digest;
    rmSync(join(a, 'current'));
    symlinkSync('LICENSE', join(a, 'current'));
    expect((await hashAppBundle(a)).digest).not.toBe(withLink);
    expect(readdirSync(a)).toContain('empty-folder');
  });
});

describe('swap and core-dump parsers', () => {
  it('/proc/swaps: header only is no swap; devices and files with sizes otherwise', () => {
    expect(parseProcSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n')).toEqual([]);
    const text = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/nvme0n1p3                          partition\t16777212\t0\t\t-2\n/swap\\040file                              file\t\t2097148\t\t0\t\t-3\n';
    expect(parseProcSwaps(text)).toEqual([
      { name: '/dev/nvme0n1p3', type: 'partition', sizeKiB: 16777212 },
      { name: '/swap file', type: 'file', sizeKiB: 2097148 },
    ]);
  });

  it('/proc/self/limits: the core file size row, soft then hard', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax core file size        0                    unlimited            bytes     \n';
    expect(parseCoreLimit(limits)).toEqual({ soft: 0, hard: 'unlimited' });
    expect(parseCoreLimit(limits.replace(' 0   ', ' 1048576')).soft).toBe(1048576);
    expect(parseCoreLimit('nothing here')).toEqual({ soft: null, hard: null });
  });
});

describe('environment record', () => {
  const sys = (files: Record<string, string>) => ({ readText: (p: string) => files[p] ?? null, realpath: () => null, list: () => null });
  const src = (over: Partial<EnvironmentSources>): EnvironmentSources => ({
    platform: 'linux',
    os: { type: () => 'Linux', release: () => '6.1.0-28-amd64', version: () => '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1', arch: () => 'x64' },
    sys: sys({
      '/proc/swaps': 'Filename\tType\tSize\tUsed\tPriority\n/dev/zram0 partition 8388604 0 100',
      '/proc/self/limits': 'Max core file size        0                    unlimited            bytes',
      '/proc/sys/kernel/core_pattern': '|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h',
    }),
    now: () => new Date('2026-07-01T12:00:00Z'),
    monotonicNs: () => 123456789012n,
    timeZone: () => 'Europe/Berlin',
    ...over,
  });

  it('records OS, app, swap, core dumps and the clock with its zone offset', async () => {
    const bundle = join(folder(), 'Keyrite.AppImage');
    writeFileSync(bundle, 'x');
    const record = EnvironmentRecord.parse(await recordEnvironment({ appVersion: '0.7.0', bundlePath: bundle }, src({})));
    expect(record.os).toMatchObject({ platform: 'linux', release: '6.1.0-28-amd64', arch: 'x64' });
    expect(record.app.bundle?.digest).toBe(createHash('sha256').update('x').digest('hex'));
    expect(record.swap).toMatchObject({ state: 'on', detail: 'swap is on, compressed in RAM only (zram)' });
    expect(record.coreDumps).toMatchObject({ state: 'disabled', soft: 0, hard: 'unlimited', pattern: expect.stringContaining('systemd-coredump') });
    expect(record.clock).toEqual({ utc: '2026-07-01T12:00:00.000Z', monotonicNs: '123456789012', timeZone: 'Europe/Berlin', utcOffsetMinutes: 120 });
  });

  it('reports what it cannot know instead of guessing: another OS, a missing bundle', async () => {
    const record = await recordEnvironment({ appVersion: '0.7.0', bundlePath: '/nonexistent/Keyrite.app' }, src({ platform: 'darwin' }));
    expect(record.app).toEqual({ version: '0.7.0', bundle: null, bundleError: 'could not hash the app bundle: ENOENT' });
    expect(record.swap.state).toBe('unknown');
    expect(record.coreDumps.state).toBe('unknown');
  });

  it('time-zone offsets come from the zone, not from the process', () => {
    expect(utcOffsetMinutes('Asia/Kolkata', new Date('2026-01-01T00:00:00Z'))).toBe(330);
    expect(utcOffsetMinutes('America/New_York', new Date('2026-01-15T00:00:00Z'))).toBe(-300);
    expect(utcOffsetMinutes('UTC', new Date())).toBe(0);
  });

  it('live on this machine: valid against the schema, clock in UTC', async () => {
    const record = EnvironmentRecord.parse(await recordEnvironment({ appVersion: '0.0.0-test', bundlePath: null }, liveEnvironmentSources));
    expect(record.os.platform).toBe(process.platform);
    expect(record.app.bundleError).toBe('no app bundle (development run)');
    expect(Math.abs(Date.parse(record.clock.utc) - Date.now())).toBeLessThan(60_000);
    if (process.platform === 'linux') expect(['on', 'off']).toContain(record.swap.state);
  });
});
