import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStillMounted, listRemovableMedia, liveMediaSources, type MediaSources, type MountCheck } from './media-inventory.ts';
import { Medium } from './schemas.ts';
import { sysfsFixture } from './fixtures/sysfs-fixture.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const sources = (over: Partial<MediaSources>): MediaSources => ({
  platform: 'linux',
  readProcMounts: () => fixture('linux-laptop/proc-mounts.txt'),
  sys: sysfsFixture(new URL('./fixtures/linux-laptop/sysfs.json', import.meta.url)),
  runMacMount: async () => fixture('macos-mount.txt'),
  runWindowsQuery: async () => fixture('windows-logicaldisk.json'),
  space: async (path) => (path === '/mnt/usb' ? null : { freeBytes: 1000, totalBytes: 4000 }),
  ...over,
});

describe('listing removable media', () => {
  it('Linux: adds free space from statfs, null where statfs fails, sorted by mount point, valid against the schema', async () => {
    const media = await listRemovableMedia(sources({}));
    expect(media.map((m) => m.mountPoint)).toEqual([
      '/media/alice/3A1F-22B0',
      '/media/alice/custody',
      '/media/alice/d-live 12.8.0 xf amd64',
      '/media/alice/KEYRITE-A',
      '/mnt/usb',
      '/run/media/bob/SHARE 2',
    ]);
    expect(media.find((m) => m.mountPoint === '/mnt/usb')).toMatchObject({ freeBytes: null, totalBytes: null });
    expect(media[0]).toMatchObject({ freeBytes: 1000, totalBytes: 4000 });
    for (const m of media) Medium.parse(m);
  });

  it('macOS and Windows go through their own parsers; Windows sizes come from the query itself', async () => {
    expect((await listRemovableMedia(sources({ platform: 'darwin' }))).map((m) => m.label)).toEqual(['Custody', 'KEYRITE A', 'NO NAME']);
    const windows = await listRemovableMedia(sources({ platform: 'win32' }));
    expect(windows.map((m) => [m.device, m.freeBytes])).toEqual([['D:', 15512428544], ['E:', 61408051200]]);
  });

  it('a mount table that cannot be read is DEVICES_MEDIA_LIST_FAILED; an unknown OS is DEVICES_MEDIA_UNSUPPORTED', async () => {
    const unreadable = sources({ readProcMounts: () => { throw new Error('EACCES'); } });
    await expect(listRemovableMedia(unreadable)).rejects.toMatchObject({ code: 'DEVICES_MEDIA_LIST_FAILED' });
    const failedShell = sources({ platform: 'win32', runWindowsQuery: () => Promise.reject(new Error('powershell.exe not found')) });
    await expect(listRemovableMedia(failedShell)).rejects.toMatchObject({ code: 'DEVICES_MEDIA_LIST_FAILED' });
    await expect(listRemovableMedia(sources({ platform: 'freebsd' }))).rejects.toMatchObject({ code: 'DEVICES_MEDIA_UNSUPPORTED' });
  });

  it('live on this machine: a list (this container has no removable medium), never a throw', async () => {
    const media = await listRemovableMedia(liveMediaSources);
    for (const m of media) Medium.parse(m);
    expect(media.every((m) => m.mountPoint !== '/')).toBe(true);
  });
});

describe('isStillMounted: the guard a writer calls between chunks', () => {
  const stick = { platform: 'linux' as const, device: '/dev/sdb1', mountPoint: '/media/alice/KEYRITE-A' };
  const check = (over: Partial<MountCheck>): MountCheck => ({
    platform: 'linux',
    readProcMounts: () => fixture('linux-laptop/proc-mounts.txt'),
    deviceNumberOf: () => null,
    exists: () => true,
    ...over,
  });

  it('Linux: true while the same device is mounted at the same place', () => {
    expect(isStillMounted(stick, check({}))).toBe(true);
  });

  it('Linux: false once unmounted, once another device sits there, or once the folder is gone', () => {
    const withoutStick = fixture('linux-laptop/proc-mounts.txt').split('\n').filter((l) => !l.startsWith('/dev/sdb1 ')).join('\n');
    expect(isStillMounted(stick, check({ readProcMounts: () => withoutStick }))).toBe(false);
    expect(isStillMounted({ ...stick, device: '/dev/sdz1' }, check({}))).toBe(false);
    expect(isStillMounted(stick, check({ exists: () => false }))).toBe(false);
  });

  it('treats an unreadable mount table as gone (the write then fails cleanly)', () => {
    expect(isStillMounted(stick, check({ readProcMounts: () => { throw new Error('EIO'); } }))).toBe(false);
  });

  it('macOS: a mount point is one while its device number differs from its parent folder', () => {
    const mac = { platform: 'darwin' as const, device: '/dev/disk4s1', mountPoint: '/Volumes/KEYRITE A' };
    const devices = (own: number | null) => (path: string) => (path === '/Volumes' ? 16777230 : own);
    expect(isStillMounted(mac, check({ platform: 'darwin', deviceNumberOf: devices(16777240) }))).toBe(true);
    expect(isStillMounted(mac, check({ platform: 'darwin', deviceNumberOf: devices(16777230) }))).toBe(false); // a plain folder left behind
    expect(isStillMounted(mac, check({ platform: 'darwin', deviceNumberOf: devices(null) }))).toBe(false);
  });

  it('Windows: the drive root must exist', () => {
    const win = { platform: 'win32' as const, device: 'E:', mountPoint: 'E:\\' };
    expect(isStillMounted(win, check({ platform: 'win32', exists: (p) => p === 'E:\\' }))).toBe(true);
    expect(isStillMounted(win, check({ platform: 'win32', exists: () => false }))).toBe(false);
  });
});
