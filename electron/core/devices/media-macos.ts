/**
 * Removable volumes on macOS, from the output of `/sbin/mount` (no
 * arguments), one line per mount:
 *   /dev/disk4s1 on /Volumes/KEYRITE A (msdos, local, nodev, nosuid, noowners)
 * The first word in the parentheses is the filesystem, the rest are flags;
 * `read-only` marks a read-only mount. Spaces in paths are printed as is,
 * so the line is split on " on " and on the last " (".
 * External disks and card readers are mounted under /Volumes; the system's
 * own volumes are under / and /System/Volumes. `nobrowse` mounts (Time
 * Machine snapshots, hidden system volumes) are never offered.
 * WARNING: a mounted disk image (.dmg) also lives in /Volumes and cannot be
 * told apart from a stick without `diskutil info`; the custodian sees its
 * label and device and chooses.
 */
import type { MediumCandidate } from './media-linux.ts';

export interface MacMountEntry {
  device: string;
  mountPoint: string;
  filesystem: string;
  flags: string[];
}

const LINE = /^(.+?) on (.+) \(([^()]*)\)$/u;

export function parseMacMount(text: string): MacMountEntry[] {
  const entries: MacMountEntry[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line.trimEnd());
    if (match === null) continue;
    const [, device, mountPoint, inside] = match as unknown as [string, string, string, string];
    const [filesystem, ...flags] = inside.split(',').map((part) => part.trim());
    if (filesystem === undefined || filesystem === '') continue;
    entries.push({ device, mountPoint, filesystem, flags });
  }
  return entries;
}

export function macRemovableVolumes(entries: readonly MacMountEntry[]): MediumCandidate[] {
  return entries
    .filter((e) => e.device.startsWith('/dev/') && e.mountPoint.startsWith('/Volumes/') && !e.flags.includes('nobrowse'))
    .map((e) => ({
      id: `darwin:${e.device}@${e.mountPoint}`,
      platform: 'darwin' as const,
      label: e.mountPoint.slice('/Volumes/'.length),
      mountPoint: e.mountPoint,
      device: e.device,
      filesystem: e.filesystem,
      readOnly: e.flags.includes('read-only'),
      removableBecause: 'volumes-folder' as const,
    }));
}
