/**
 * The removable media a custodian may choose from, on this machine, with
 * their free space; and the guard a writer calls to learn that a medium has
 * gone. The parsing is in media-linux.ts, media-macos.ts and
 * media-windows.ts (pure, tested over recorded fixtures); this file only
 * reads the live sources.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyriteError } from '../../../shared/result.ts';
import { linuxRemovableVolumes, parseProcMounts, type MediumCandidate } from './media-linux.ts';
import { liveSysfs, type SysfsReader } from './sysfs-reader.ts';
import { macRemovableVolumes, parseMacMount } from './media-macos.ts';
import { parseWindowsVolumes, WINDOWS_REMOVABLE_QUERY } from './media-windows.ts';
import type { Medium } from './schemas.ts';

const run = (file: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 10_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      if (error !== null) reject(error);
      else resolve(stdout);
    });
  });

export interface MediaSources {
  platform: NodeJS.Platform;
  /** /proc/self/mounts text (Linux). */
  readProcMounts(): string;
  sys: SysfsReader;
  /** `mount` output (macOS). */
  runMacMount(): Promise<string>;
  /** JSON of WINDOWS_REMOVABLE_QUERY (Windows). */
  runWindowsQuery(): Promise<string>;
  /** Free and total bytes of the filesystem at a path, or null. */
  space(path: string): Promise<{ freeBytes: number; totalBytes: number } | null>;
}

export const liveMediaSources: MediaSources = {
  platform: process.platform,
  readProcMounts: () => readFileSync('/proc/self/mounts', 'utf8'),
  sys: liveSysfs,
  runMacMount: () => run('/sbin/mount', []),
  runWindowsQuery: () => run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_REMOVABLE_QUERY]),
  async space(path) {
    try {
      const s = await statfs(path);
      // bavail: blocks available to an unprivileged user, which is what a write can use.
      return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      return null;
    }
  },
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

async function candidates(sources: MediaSources): Promise<Array<MediumCandidate & { freeBytes?: number | null; totalBytes?: number | null }>> {
  switch (sources.platform) {
    case 'linux':
      return linuxRemovableVolumes(parseProcMounts(sources.readProcMounts()), sources.sys);
    case 'darwin':
      return macRemovableVolumes(parseMacMount(await sources.runMacMount()));
    case 'win32':
      return parseWindowsVolumes(await sources.runWindowsQuery());
    default:
      throw new KeyriteError('DEVICES_MEDIA_UNSUPPORTED', `Removable media cannot be listed on ${sources.platform}.`);
  }
}

/**
 * Mounted removable volumes, sorted by mount point, each with its free space
 * (null when statfs fails). Rejects with DEVICES_MEDIA_LIST_FAILED when the
 * mount table itself cannot be read.
 */
export async function listRemovableMedia(sources: MediaSources = liveMediaSources): Promise<Medium[]> {
  let found: Awaited<ReturnType<typeof candidates>>;
  try {
    found = await candidates(sources);
  } catch (error) {
    if (error instanceof KeyriteError) throw error;
    throw new KeyriteError('DEVICES_MEDIA_LIST_FAILED', `Could not list removable media: ${messageOf(error)}`);
  }
  const media: Medium[] = [];
  for (const candidate of found) {
    const space = candidate.freeBytes !== undefined && candidate.freeBytes !== null
      ? { freeBytes: candidate.freeBytes, totalBytes: candidate.totalBytes ?? null }
      : await sources.space(candidate.mountPoint);
    media.push({ ...candidate, freeBytes: space?.freeBytes ?? null, totalBytes: space?.totalBytes ?? null });
  }
  return media.sort((a, b) => a.mountPoint.localeCompare(b.mountPoint, 'en'));
}

export interface MountCheck {
  platform: NodeJS.Platform;
  readProcMounts(): string;
  /** Device number of the filesystem holding a path, or null when the path is gone. */
  deviceNumberOf(path: string): number | null;
  exists(path: string): boolean;
}

export const liveMountCheck: MountCheck = {
  platform: process.platform,
  readProcMounts: () => readFileSync('/proc/self/mounts', 'utf8'),
  deviceNumberOf(path) {
    try {
      return statSync(path).dev;
    } catch {
      return null;
    }
  },
  exists: existsSync,
};

/**
 * Is this medium still there, at the same place? Cheap enough to call
 * between the chunks of a write.
 * - Linux: the same device is still mounted at the same mount point.
 * - macOS: the mount point exists and is still a mount point (its device
 *   number differs from its parent folder's).
 * - Windows: the drive's root still exists.
 */
export function isStillMounted(medium: Pick<Medium, 'device' | 'mountPoint' | 'platform'>, check: MountCheck = liveMountCheck): boolean {
  try {
    switch (check.platform) {
      case 'linux':
        return check.exists(medium.mountPoint) && parseProcMounts(check.readProcMounts()).some((m) => m.mountPoint === medium.mountPoint && m.device === medium.device);
      case 'darwin': {
        const own = check.deviceNumberOf(medium.mountPoint);
        return own !== null && own !== check.deviceNumberOf(dirname(medium.mountPoint));
      }
      default:
        return check.exists(medium.mountPoint);
    }
  } catch {
    return false; // cannot tell: treat as gone, the write fails cleanly
  }
}
