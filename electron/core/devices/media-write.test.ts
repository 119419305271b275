/**
 * The share writer's contract with the medium: the file is whole and
 * verified, or absent. A temp folder stands in for the stick; "still mounted"
 * is whether that folder is there, or a flag the test flips to play an
 * unmount that leaves the folder behind. The plain-folder writer is also
 * tested on a real tmpfs, lazily unmounted mid-write, where this process
 * may mount (root on Linux, as on the developers' machines and CI).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStillMounted, type MountCheck } from './media-inventory.ts';
import { findPartialFiles, MediumWriteError, writeFileToFolder, writeFileToMedium } from './media-write.ts';
import type { Medium } from './schemas.ts';

const made: string[] = [];
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function folderMedium(over: Partial<Medium> = {}): Medium {
  const mountPoint = mkdtempSync(join(tmpdir(), 'keyrite-stick-'));
  made.push(mountPoint);
  return { id: `linux:/dev/sdb1@${mountPoint}`, platform: 'linux', label: 'KEYRITE-A', mountPoint, device: '/dev/sdb1', filesystem: 'vfat', freeBytes: 1e9, totalBytes: 2e9, readOnly: false, removableBecause: 'removable-flag', ...over };
}

const folderIsThere = (m: Medium): boolean => existsSync(m.mountPoint);
const envelope = randomBytes(300_000); // several chunks

async function failureOf(promise: Promise<unknown>): Promise<MediumWriteError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(MediumWriteError);
  return error as MediumWriteError;
}

describe('writing a share file to a medium', () => {
  it('writes it whole, reads it back, returns its SHA-256, leaves no temp file', async () => {
    const medium = folderMedium();
    const result = await writeFileToMedium(medium, 'share-3-of-5.keyrite', envelope, { isStillMounted: folderIsThere });
    expect(readFileSync(result.path).equals(envelope)).toBe(true);
    expect(result).toMatchObject({ bytes: envelope.length, sha256: createHash('sha256').update(envelope).digest('hex') });
    expect(readdirSync(medium.mountPoint)).toEqual(['share-3-of-5.keyrite']);
  });

  it('medium removed (folder deleted) in the middle of the write: fails with DEVICES_MEDIUM_GONE, no file, no partial file', async () => {
    const medium = folderMedium();
    const chunksSeen: number[] = [];
    const error = await failureOf(
      writeFileToMedium(medium, 'share-1-of-5.keyrite', envelope, {
        isStillMounted: folderIsThere,
        afterChunk: (written) => {
          chunksSeen.push(written);
          if (chunksSeen.length === 2) rmSync(medium.mountPoint, { recursive: true, force: true });
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_GONE');
    expect(error.message).toContain('was removed during the write; nothing was kept');
    expect(error.partialFile).toBeNull();
    expect(chunksSeen).toHaveLength(2); // stopped at the first check after the removal
    expect(existsSync(join(medium.mountPoint, 'share-1-of-5.keyrite'))).toBe(false);
  });

  it('the real Linux guard: the stick\'s line leaves /proc/self/mounts mid-write (udisks unmounts a pulled stick)', async () => {
    const medium = folderMedium();
    const escaped = medium.mountPoint.replace(/ /gu, '\\040');
    let mountTable = `/dev/nvme0n1p2 / ext4 rw 0 0\n/dev/sdb1 ${escaped} vfat rw,nosuid,nodev 0 0\n`;
    const check: MountCheck = { platform: 'linux', readProcMounts: () => mountTable, deviceNumberOf: () => null, exists: existsSync };
    const error = await failureOf(
      writeFileToMedium(medium, 'share-1-of-3.keyrite', envelope, {
        isStillMounted: (m) => isStillMounted(m, check),
        afterChunk: (written) => {
          if (written > 100_000) mountTable = '/dev/nvme0n1p2 / ext4 rw 0 0\n';
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_GONE');
    expect(readdirSync(medium.mountPoint)).toEqual([]);
  });

  it('medium unmounted (folder left behind) mid-write: the temp file is removed, the share file never appears', async () => {
    const medium = folderMedium();
    let mounted = true;
    const error = await failureOf(
      writeFileToMedium(medium, 'share-2-of-5.keyrite', envelope, {
        isStillMounted: () => mounted,
        afterChunk: () => {
          mounted = false;
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_GONE');
    expect(readdirSync(medium.mountPoint)).toEqual([]);
  });

  it('medium removed after the rename, before the read-back: the renamed file is removed too', async () => {
    const medium = folderMedium();
    let mounted = true;
    const error = await failureOf(
      writeFileToMedium(medium, 'share-4-of-5.keyrite', envelope, {
        isStillMounted: () => mounted,
        beforeVerify: (path) => {
          expect(existsSync(path)).toBe(true);
          mounted = false;
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_GONE');
    expect(readdirSync(medium.mountPoint)).toEqual([]);
  });

  it('a read-back that differs fails with DEVICES_MEDIUM_VERIFY_FAILED and keeps nothing', async () => {
    const medium = folderMedium();
    const error = await failureOf(
      writeFileToMedium(medium, 'share-5-of-5.keyrite', envelope, {
        isStillMounted: folderIsThere,
        beforeVerify: (path) => {
          const bytes = readFileSync(path);
          bytes[1000] = (bytes[1000] ?? 0) ^ 1; // one flipped bit on a worn stick
          writeFileSync(path, bytes);
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_VERIFY_FAILED');
    expect(readdirSync(medium.mountPoint)).toEqual([]);
  });

  it('refuses an existing file, a read-only medium, a medium already gone, and names that leave the folder', async () => {
    const medium = folderMedium();
    writeFileSync(join(medium.mountPoint, 'share-1-of-5.keyrite'), 'older');
    const codes = await Promise.all([
      failureOf(writeFileToMedium(medium, 'share-1-of-5.keyrite', envelope, { isStillMounted: folderIsThere })),
      failureOf(writeFileToMedium({ ...medium, readOnly: true }, 'x.keyrite', envelope, { isStillMounted: folderIsThere })),
      failureOf(writeFileToMedium(medium, 'x.keyrite', envelope, { isStillMounted: () => false })),
      failureOf(writeFileToMedium(medium, '../x.keyrite', envelope, { isStillMounted: folderIsThere })),
      failureOf(writeFileToMedium(medium, 'x.keyrite', envelope, { isStillMounted: folderIsThere, folder: '../elsewhere' })),
      failureOf(writeFileToMedium(medium, 'x.keyrite-partial', envelope, { isStillMounted: folderIsThere })),
    ]);
    expect(codes.map((e) => e.code)).toEqual([
      'DEVICES_MEDIUM_FILE_EXISTS',
      'DEVICES_MEDIUM_READ_ONLY',
      'DEVICES_MEDIUM_GONE',
      'DEVICES_MEDIUM_BAD_NAME',
      'DEVICES_MEDIUM_BAD_NAME',
      'DEVICES_MEDIUM_BAD_NAME',
    ]);
    expect(readFileSync(join(medium.mountPoint, 'share-1-of-5.keyrite'), 'utf8')).toBe('older');
  });

  it('a file of the same name that appears during the write is never replaced', async () => {
    const medium = folderMedium();
    const error = await failureOf(
      writeFileToMedium(medium, 'share-1-of-5.keyrite', envelope, {
        isStillMounted: folderIsThere,
        afterChunk: (written) => {
          if (written === 65536) writeFileSync(join(medium.mountPoint, 'share-1-of-5.keyrite'), 'written by someone else');
        },
      }),
    );
    expect(error.code).toBe('DEVICES_MEDIUM_FILE_EXISTS');
    expect(readdirSync(medium.mountPoint)).toEqual(['share-1-of-5.keyrite']);
    expect(readFileSync(join(medium.mountPoint, 'share-1-of-5.keyrite'), 'utf8')).toBe('written by someone else');
  });

  it('lists temp files an interrupted write left on a stick', () => {
    const medium = folderMedium();
    writeFileSync(join(medium.mountPoint, '.share-1-of-5.keyrite.a1b2c3d4e5f6.keyrite-partial'), 'half');
    writeFileSync(join(medium.mountPoint, 'share-2-of-5.keyrite'), 'whole');
    expect(findPartialFiles(medium)).toEqual(['.share-1-of-5.keyrite.a1b2c3d4e5f6.keyrite-partial']);
  });
});

/** Mounts a small real tmpfs on `folder` when this process may (root on Linux); false otherwise. */
function mountTmpfs(folder: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'keyrite-test-stick', folder], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const canMount = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'keyrite-mount-probe-'));
  made.push(probe);
  const ok = mountTmpfs(probe);
  if (ok) execFileSync('umount', [probe]);
  return ok;
})();

describe('writing into a plain folder (not chosen from the media list)', () => {
  it.runIf(canMount)('a real tmpfs lazily unmounted mid-write (its mount folder stays, on the parent filesystem): DEVICES_MEDIUM_GONE, nothing on either filesystem', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'keyrite-folder-stick-'));
    made.push(folder);
    expect(mountTmpfs(folder)).toBe(true);
    let pulled = false;
    const error = await failureOf(writeFileToFolder(folder, 'share-4-of-5.keyrite', envelope, {
      afterChunk: () => {
        if (pulled) return;
        pulled = true;
        execFileSync('umount', ['-l', folder]);
      },
    }));
    expect(pulled).toBe(true);
    expect(error.code).toBe('DEVICES_MEDIUM_GONE');
    expect(error.message).toContain('removed during the write; nothing was kept');
    expect(error.partialFile).toBeNull();
    expect(existsSync(folder)).toBe(true);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a folder that stays where it is: the file is written whole', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'keyrite-folder-'));
    made.push(folder);
    const result = await writeFileToFolder(folder, 'share-5-of-5.keyrite', envelope);
    expect(readFileSync(result.path).equals(envelope)).toBe(true);
    expect(readdirSync(folder)).toEqual(['share-5-of-5.keyrite']);
  });
});
