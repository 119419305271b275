/**
 * Removable drives on Windows, from PowerShell's JSON. Two sources are
 * accepted because either may be what a machine offers:
 * - Win32_LogicalDisk (CIM, every Windows since XP): DeviceID "E:",
 *   VolumeName, FileSystem, FreeSpace, Size, DriveType (2 = removable disk),
 *   Access (1 = readable only, 3 = read/write; Microsoft's Win32_LogicalDisk
 *   class documentation);
 * - Get-Volume (Storage module, Windows 8+): DriveLetter, FileSystemLabel,
 *   FileSystem or FileSystemType, SizeRemaining, Size, DriveType (2 or
 *   "Removable", depending on -EnumsAsStrings).
 * ConvertTo-Json prints one object, not an array, when there is one drive.
 * A removable drive with no medium in it (an empty card reader) has no
 * filesystem and no size: it is not offered.
 */
import type { MediumCandidate } from './media-linux.ts';

/** Run with `powershell.exe -NoProfile -NonInteractive -Command <this>`. */
export const WINDOWS_REMOVABLE_QUERY =
  'Get-CimInstance Win32_LogicalDisk -Filter "DriveType=2" | Select-Object DeviceID,VolumeName,FileSystem,FreeSpace,Size,DriveType,Access | ConvertTo-Json -Compress';

export interface WindowsVolume extends MediumCandidate {
  freeBytes: number | null;
  totalBytes: number | null;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);
const isRemovable = (value: unknown): boolean => value === 2 || value === 'Removable';

function fromRecord(record: Json): WindowsVolume | null {
  if (!isRemovable(record.DriveType)) return null;
  const deviceId = str(record.DeviceID) ?? (str(record.DriveLetter) === null ? null : `${str(record.DriveLetter)}:`);
  if (deviceId === null || !/^[A-Za-z]:$/u.test(deviceId)) return null;
  const filesystem = str(record.FileSystem) ?? str(record.FileSystemType);
  if (filesystem === null) return null; // no medium in the drive
  const drive = deviceId.toUpperCase();
  const mountPoint = `${drive}\\`;
  return {
    id: `win32:${drive}@${mountPoint}`,
    platform: 'win32',
    label: str(record.VolumeName) ?? str(record.FileSystemLabel) ?? drive,
    mountPoint,
    device: drive,
    filesystem,
    freeBytes: num(record.FreeSpace) ?? num(record.SizeRemaining),
    totalBytes: num(record.Size),
    readOnly: record.Access === 1,
    removableBecause: 'drive-type',
  };
}

/** Parses either JSON form; throws a SyntaxError only for text that is not JSON. */
export function parseWindowsVolumes(json: string): WindowsVolume[] {
  const trimmed = json.trim();
  if (trimmed === '') return []; // no removable drive: PowerShell prints nothing
  const parsed: unknown = JSON.parse(trimmed);
  const records = Array.isArray(parsed) ? parsed : [parsed];
  return records
    .filter((r): r is Json => typeof r === 'object' && r !== null)
    .map(fromRecord)
    .filter((v): v is WindowsVolume => v !== null);
}
