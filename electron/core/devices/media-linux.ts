/**
 * Removable volumes on Linux, from what the kernel publishes:
 * - /proc/self/mounts (proc(5)): one mount per line, fields separated by
 *   spaces, with space, tab, newline and backslash written as octal escapes
 *   (\040 \011 \012 \134) by the kernel's mangle() (fs/proc_namespace.c);
 * - /sys/block/<disk>/removable: 1 for media the kernel calls removable
 *   (USB sticks, card readers, optical drives). A partition (sdb1) is
 *   resolved to its disk (sdb) through sysfs; a device-mapper volume (an
 *   encrypted stick, dm-0) through its `slaves` folder.
 * A volume counts when it is mounted where desktop automounters (udisks2)
 * put media, /media/<user>/… or /run/media/<user>/…, or when its disk's
 * removable flag is 1 wherever it is mounted.
 */
import type { Medium } from './schemas.ts';
import type { SysfsReader } from './sysfs-reader.ts';

export type { SysfsReader } from './sysfs-reader.ts';

export interface MountEntry {
  device: string;
  mountPoint: string;
  filesystem: string;
  options: string[];
}

export type MediumCandidate = Omit<Medium, 'freeBytes' | 'totalBytes'>;

/** Undoes the kernel's octal escapes: only these four are ever written. */
export function unescapeMountField(field: string): string {
  return field.replace(/\\(040|011|012|134)/gu, (_match, code: string) => String.fromCharCode(Number.parseInt(code, 8)));
}

/** Parses /proc/self/mounts (or /proc/mounts, /etc/mtab: same format). Malformed lines are skipped. */
export function parseProcMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 4) continue;
    const [device, mountPoint, filesystem, options] = fields as [string, string, string, string];
    if (device === '' || mountPoint === '' || filesystem === '') continue;
    entries.push({
      device: unescapeMountField(device),
      mountPoint: unescapeMountField(mountPoint),
      filesystem: unescapeMountField(filesystem),
      options: unescapeMountField(options).split(','),
    });
  }
  return entries;
}

const MEDIA_FOLDERS = ['/media/', '/run/media/'];

/**
 * The whole disk a block device belongs to: sdb1 → sdb, nvme0n1p2 → nvme0n1,
 * dm-0 (LUKS on sdc1) → sdc. Uses sysfs when it can, names otherwise.
 */
export function diskOf(blockName: string, sys: SysfsReader, sysRoot = '/sys', depth = 0): string {
  if (depth > 4) return blockName;
  const classPath = `${sysRoot}/class/block/${blockName}`;
  const slaves = sys.list(`${classPath}/slaves`);
  if (slaves !== null && slaves.length > 0 && slaves[0] !== undefined) return diskOf(slaves[0], sys, sysRoot, depth + 1);
  if (sys.readText(`${classPath}/partition`) !== null) {
    const real = sys.realpath(classPath);
    const parent = real?.split('/').slice(-2, -1)[0];
    if (parent !== undefined && parent !== '') return parent;
  }
  // Whole disks (sr0, sdb, mmcblk0) are the entries of /sys/block.
  if (sys.readText(`${sysRoot}/block/${blockName}/removable`) !== null) return blockName;
  const named = /^((?:nvme\d+n\d+)|(?:mmcblk\d+)|(?:loop\d+))p\d+$/u.exec(blockName) ?? /^([a-z]+)\d+$/u.exec(blockName);
  return named?.[1] ?? blockName;
}

/** Volume labels from /dev/disk/by-label, whose names escape unsafe bytes as \xHH (udev). */
function labelOf(device: string, sys: SysfsReader, devRoot: string): string | null {
  const realDevice = sys.realpath(device) ?? device;
  for (const name of sys.list(`${devRoot}/disk/by-label`) ?? []) {
    if (sys.realpath(`${devRoot}/disk/by-label/${name}`) === realDevice) {
      return name.replace(/\\x([0-9a-fA-F]{2})/gu, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
  }
  return null;
}

const lastComponent = (path: string): string => path.split('/').filter((p) => p !== '').pop() ?? path;

/** The removable volumes among the mounts. One entry per mount point. */
export function linuxRemovableVolumes(mounts: readonly MountEntry[], sys: SysfsReader, roots: { sysRoot?: string; devRoot?: string } = {}): MediumCandidate[] {
  const sysRoot = roots.sysRoot ?? '/sys';
  const devRoot = roots.devRoot ?? '/dev';
  const seen = new Set<string>();
  const volumes: MediumCandidate[] = [];
  for (const mount of mounts) {
    if (!mount.device.startsWith('/dev/') || seen.has(mount.mountPoint)) continue;
    const realDevice = sys.realpath(mount.device) ?? mount.device;
    const disk = diskOf(lastComponent(realDevice), sys, sysRoot);
    const removableFlag = sys.readText(`${sysRoot}/block/${disk}/removable`) === '1';
    const inMediaFolder = MEDIA_FOLDERS.some((folder) => mount.mountPoint.startsWith(folder));
    if (!removableFlag && !inMediaFolder) continue;
    seen.add(mount.mountPoint);
    volumes.push({
      id: `linux:${mount.device}@${mount.mountPoint}`,
      platform: 'linux',
      label: labelOf(mount.device, sys, devRoot) ?? lastComponent(mount.mountPoint),
      mountPoint: mount.mountPoint,
      device: mount.device,
      filesystem: mount.filesystem,
      readOnly: mount.options.includes('ro'),
      removableBecause: removableFlag ? 'removable-flag' : 'media-folder',
    });
  }
  return volumes;
}
