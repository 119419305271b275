import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diskOf, linuxRemovableVolumes, parseProcMounts, unescapeMountField } from './media-linux.ts';
import { macRemovableVolumes, parseMacMount } from './media-macos.ts';
import { parseWindowsVolumes } from './media-windows.ts';
import { sysfsFixture } from './fixtures/sysfs-fixture.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const laptopSysfs = sysfsFixture(new URL('./fixtures/linux-laptop/sysfs.json', import.meta.url));

/** What the kernel's mangle() does to a mount field (fs/proc_namespace.c: " \t\n\\"). */
const kernelEscape = (s: string): string => s.replace(/[ \t\n\\]/gu, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

describe('Linux: /proc/self/mounts', () => {
  it('undoes the kernel escapes in mount points', () => {
    const mounts = parseProcMounts(fixture('linux-laptop/proc-mounts.txt'));
    expect(mounts.map((m) => m.mountPoint)).toContain('/run/media/bob/SHARE 2');
    expect(mounts.find((m) => m.device === '/dev/sr0')).toMatchObject({ mountPoint: '/media/alice/d-live 12.8.0 xf amd64', filesystem: 'iso9660', options: expect.arrayContaining(['ro']) });
  });

  it('round-trips any device and mount point the kernel could print (property)', () => {
    const field = fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '\n', '\\', '/', '-', 'é', '0', '4') });
    fc.assert(
      fc.property(field, field, (device, mountPoint) => {
        const line = `${kernelEscape(device)} ${kernelEscape(mountPoint)} vfat rw,nosuid 0 0`;
        const [entry] = parseProcMounts(line);
        expect(entry).toEqual({ device, mountPoint, filesystem: 'vfat', options: ['rw', 'nosuid'] });
      }),
    );
  });

  it('leaves a backslash that is not one of the four escapes alone', () => {
    expect(unescapeMountField('a\\041b\\134c')).toBe('a\\041b\\c');
  });

  it('skips malformed lines', () => {
    expect(parseProcMounts('\n/dev/sdb1 /media/x\n  \n')).toEqual([]);
  });
});

describe('Linux: partitions resolved to their disk through sysfs', () => {
  it.each([
    ['sdb1', 'sdb'],
    ['nvme0n1p2', 'nvme0n1'],
    ['mmcblk0p1', 'mmcblk0'],
    ['dm-0', 'sdd'], // LUKS on sdd1: through slaves, then the partition
    ['sr0', 'sr0'], // a whole disk stays itself
  ])('%s → %s', (name, disk) => {
    expect(diskOf(name, laptopSysfs)).toBe(disk);
  });

  it('falls back to names when sysfs says nothing', () => {
    const empty = { readText: () => null, realpath: () => null, list: () => null };
    expect(diskOf('sdx3', empty)).toBe('sdx');
    expect(diskOf('nvme1n1p3', empty)).toBe('nvme1n1');
  });
});

describe('Linux: removable volumes on a recorded laptop', () => {
  const volumes = linuxRemovableVolumes(parseProcMounts(fixture('linux-laptop/proc-mounts.txt')), laptopSysfs);

  it('offers the sticks, the encrypted stick, the SD card and the DVD, not the system disk or the USB hard disk at /mnt/backup', () => {
    expect(volumes.map((v) => [v.mountPoint, v.removableBecause])).toEqual([
      ['/media/alice/KEYRITE-A', 'removable-flag'],
      ['/run/media/bob/SHARE 2', 'removable-flag'],
      ['/media/alice/custody', 'removable-flag'],
      ['/media/alice/3A1F-22B0', 'media-folder'],
      ['/mnt/usb', 'removable-flag'],
      ['/media/alice/d-live 12.8.0 xf amd64', 'removable-flag'],
    ]);
  });

  it('takes labels from /dev/disk/by-label (udev \\x escapes undone), else the mount folder name', () => {
    expect(volumes.map((v) => v.label)).toEqual(['KEYRITE-A', 'SHARE 2', 'custody', '3A1F-22B0', 'usb', 'd-live 12.8.0 xf amd64']);
  });

  it('carries filesystem, device and the read-only flag', () => {
    expect(volumes[0]).toMatchObject({ device: '/dev/sdb1', filesystem: 'vfat', readOnly: false, id: 'linux:/dev/sdb1@/media/alice/KEYRITE-A' });
    expect(volumes[5]).toMatchObject({ filesystem: 'iso9660', readOnly: true });
  });
});

describe('macOS: mount output', () => {
  const volumes = macRemovableVolumes(parseMacMount(fixture('macos-mount.txt')));

  it('offers /Volumes mounts of local devices, with spaces in names, never nobrowse or network shares', () => {
    expect(volumes.map((v) => [v.label, v.device, v.filesystem, v.readOnly])).toEqual([
      ['KEYRITE A', '/dev/disk4s1', 'msdos', false],
      ['Custody', '/dev/disk5s2', 'apfs', false],
      ['NO NAME', '/dev/disk6s1', 'exfat', true],
    ]);
  });

  it('parses a line whose mount point contains " on " and parentheses', () => {
    const [entry] = parseMacMount('/dev/disk7s1 on /Volumes/Keys on (Bag 12) (msdos, local, nodev)');
    expect(entry).toEqual({ device: '/dev/disk7s1', mountPoint: '/Volumes/Keys on (Bag 12)', filesystem: 'msdos', flags: ['local', 'nodev'] });
  });
});

describe('Windows: PowerShell JSON', () => {
  it('reads Win32_LogicalDisk: removable drives with a medium, Access 1 as read-only, no label → the letter', () => {
    expect(parseWindowsVolumes(fixture('windows-logicaldisk.json'))).toEqual([
      { id: 'win32:D:@D:\\', platform: 'win32', label: 'KEYRITE-A', mountPoint: 'D:\\', device: 'D:', filesystem: 'FAT32', freeBytes: 15512428544, totalBytes: 15518924800, readOnly: false, removableBecause: 'drive-type' },
      { id: 'win32:E:@E:\\', platform: 'win32', label: 'E:', mountPoint: 'E:\\', device: 'E:', filesystem: 'exFAT', freeBytes: 61408051200, totalBytes: 61505273856, readOnly: true, removableBecause: 'drive-type' },
    ]);
  });

  it('reads the single object ConvertTo-Json prints for one drive, and empty output', () => {
    expect(parseWindowsVolumes(fixture('windows-logicaldisk-single.json')).map((v) => v.label)).toEqual(['CUSTODY']);
    expect(parseWindowsVolumes('\r\n')).toEqual([]);
  });

  it('reads Get-Volume output, keeping only removable drives with a letter', () => {
    expect(parseWindowsVolumes(fixture('windows-get-volume.json'))).toMatchObject([{ device: 'E:', label: 'SHARE 2', filesystem: 'exFAT', freeBytes: 61408051200 }]);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseWindowsVolumes('Get-CimInstance : Access denied')).toThrow(SyntaxError);
  });
});
