/**
 * Writes one file to a removable medium so that it is either whole and
 * verified, or absent: temp file (exclusive create), chunks with a mount
 * check after each, fsync, no-clobber link (or rename on FAT), fsync of the folder, read back and
 * compare. If the medium goes away (or anything else fails) on the way, the
 * temp file and any renamed file are removed and a MediumWriteError says
 * why. The share writer calls this with the sealed envelope; nothing here
 * looks at the content.
 *
 * WARNING: a stick pulled mid-write may keep the temp file on its own
 * filesystem, out of our reach. Temp names end in PARTIAL_SUFFIX, which no
 * share file ever does; `findPartialFiles` lists them when the stick is back.
 */
import { randomBytes, createHash } from 'node:crypto';
import { constants, existsSync, readdirSync, statSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { KeyriteError } from '../../../shared/result.ts';
import { isStillMounted as liveIsStillMounted } from './media-inventory.ts';
import type { Medium } from './schemas.ts';

export const PARTIAL_SUFFIX = '.keyrite-partial';

export class MediumWriteError extends KeyriteError {
  /** A temp file that could not be removed (the medium went away with it), by name; null when nothing was left. */
  readonly partialFile: string | null;
  constructor(code: string, message: string, partialFile: string | null, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MediumWriteError';
    this.partialFile = partialFile;
  }
}

export interface WriteOptions {
  /** A folder inside the mount point (relative), created beforehand by the caller. Default: the mount point. */
  folder?: string;
  /** Default 64 KiB. */
  chunkBytes?: number;
  /** Test hooks: the moments at which a custodian could pull the stick. */
  afterChunk?: (bytesWritten: number) => void | Promise<void>;
  beforeVerify?: (path: string) => void | Promise<void>;
}

export interface WriteToMediumOptions extends WriteOptions {
  /** Default: isStillMounted() from media-inventory.ts against the live mount table. */
  isStillMounted?: (medium: Medium) => boolean;
}

/** What the writer needs to know of where it writes; a Medium from the inventory is one. */
export interface WriteTarget {
  mountPoint: string;
  label: string;
  readOnly: boolean;
}

export interface MediumWriteResult {
  path: string;
  bytes: number;
  /** SHA-256 of the content as read back from the medium, lower-case hex. */
  sha256: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/u;

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

async function removeIfThere(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    return codeOf(error) === 'ENOENT' || !existsSync(path);
  }
}

async function syncFolder(path: string): Promise<void> {
  // POSIX: the rename is durable only once the folder is synced. Windows cannot open a folder this way.
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const fileExists = (fileName: string, label: string): MediumWriteError =>
  new MediumWriteError('DEVICES_MEDIUM_FILE_EXISTS', `${fileName} already exists on "${label}"; Keyrite never overwrites a file.`, null);

/**
 * Gives the temp file its final name without ever replacing a file: a hard
 * link fails with EEXIST if the name is taken. FAT and exFAT (most sticks)
 * have no hard links; there the name is checked, then the temp renamed.
 */
async function publish(tempPath: string, finalPath: string, onPublished: () => void): Promise<void> {
  try {
    await link(tempPath, finalPath);
    onPublished();
    await unlink(tempPath);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') throw error;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(codeOf(error) ?? '')) throw error;
    if (existsSync(finalPath)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(tempPath, finalPath);
    onPublished();
  }
}

export function writeFileToMedium(medium: Medium, fileName: string, content: Uint8Array, options: WriteToMediumOptions = {}): Promise<MediumWriteResult> {
  const check = options.isStillMounted ?? ((m: Medium) => liveIsStillMounted(m));
  return writeFileToTarget(medium, () => check(medium), fileName, content, options);
}

/** The device number of the filesystem holding `path`, or null when the path is gone. */
function deviceOf(path: string): bigint | null {
  try {
    return statSync(path, { bigint: true }).dev;
  } catch {
    return null;
  }
}

/**
 * The same write into a plain folder that was not chosen from the removable
 * media list (a rehearsal's output folder, a folder on a mount the person
 * named, a test): "still there" means the folder exists and is still on the
 * filesystem it was on when the write began (same st_dev). A lazily
 * unmounted stick (`umount -l`) leaves its empty mount folder behind, on
 * the parent filesystem: the device number changes, so that counts as gone.
 */
export function writeFileToFolder(folder: string, fileName: string, content: Uint8Array, options: WriteOptions = {}): Promise<MediumWriteResult> {
  const root = resolve(folder);
  const device = deviceOf(root);
  return writeFileToTarget({ mountPoint: root, label: basename(root), readOnly: false }, () => device !== null && deviceOf(root) === device, fileName, content, options);
}

async function writeFileToTarget(medium: WriteTarget, stillThere: () => boolean, fileName: string, content: Uint8Array, options: WriteOptions): Promise<MediumWriteResult> {
  if (!NAME.test(fileName) || fileName.endsWith(PARTIAL_SUFFIX)) {
    throw new MediumWriteError('DEVICES_MEDIUM_BAD_NAME', `"${fileName.slice(0, 80)}" is not a file name Keyrite writes (letters, digits, . _ -).`, null);
  }
  const root = resolve(medium.mountPoint);
  const folder = resolve(root, options.folder ?? '.');
  if (folder !== root && !folder.startsWith(root + sep)) {
    throw new MediumWriteError('DEVICES_MEDIUM_BAD_NAME', 'The folder must be inside the medium.', null);
  }
  const gone = (): MediumWriteError => new MediumWriteError('DEVICES_MEDIUM_GONE', `The medium "${medium.label}" (${medium.mountPoint}) was removed.`, null);
  if (!stillThere()) throw gone();
  if (medium.readOnly) throw new MediumWriteError('DEVICES_MEDIUM_READ_ONLY', `The medium "${medium.label}" is mounted read-only.`, null);

  const finalPath = join(folder, fileName);
  if (existsSync(finalPath)) throw fileExists(fileName, medium.label);
  const tempName = `.${fileName}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`;
  const tempPath = join(folder, tempName);
  let renamed = false;
  try {
    const handle = await open(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const chunk = options.chunkBytes ?? 64 * 1024;
      for (let offset = 0; offset < content.length; offset += chunk) {
        const end = Math.min(offset + chunk, content.length);
        await handle.write(content, offset, end - offset, offset);
        await options.afterChunk?.(end);
        if (!stillThere()) throw gone();
      }
      await handle.sync();
    } finally {
      await handle.close().catch(() => undefined);
    }
    if (!stillThere()) throw gone();
    await publish(tempPath, finalPath, () => {
      renamed = true;
    });
    await syncFolder(folder);
    await options.beforeVerify?.(finalPath);
    if (!stillThere()) throw gone();
    const readBack = await readFile(finalPath);
    if (readBack.length !== content.length || !readBack.equals(content)) {
      throw new MediumWriteError('DEVICES_MEDIUM_VERIFY_FAILED', `${fileName} read back from "${medium.label}" differs from what was written.`, null);
    }
    return { path: finalPath, bytes: content.length, sha256: createHash('sha256').update(readBack).digest('hex') };
  } catch (error) {
    const tempRemoved = await removeIfThere(tempPath);
    const finalRemoved = renamed ? await removeIfThere(finalPath) : true;
    const left = !tempRemoved ? tempName : !finalRemoved ? fileName : null;
    const vanished = !stillThere();
    const kept = left === null ? 'nothing was kept' : `the temporary file ${left} may remain on it`;
    if (error instanceof MediumWriteError && !vanished) throw new MediumWriteError(error.code, error.message, left, { cause: error });
    if (vanished) {
      throw new MediumWriteError('DEVICES_MEDIUM_GONE', `The medium "${medium.label}" (${medium.mountPoint}) was removed during the write; ${kept}.`, left, { cause: error });
    }
    if (codeOf(error) === 'EEXIST') throw fileExists(fileName, medium.label); // appeared while writing
    const reason = codeOf(error) === 'ENOSPC' ? 'the medium is full' : codeOf(error) ?? 'unknown error';
    throw new MediumWriteError(codeOf(error) === 'ENOSPC' ? 'DEVICES_MEDIUM_FULL' : 'DEVICES_MEDIUM_WRITE_FAILED', `Writing ${fileName} to "${medium.label}" failed (${reason}); ${kept}.`, left, { cause: error });
  }
}

/** Temp files a previous, interrupted write left in a folder of the medium. */
export function findPartialFiles(medium: Pick<Medium, 'mountPoint'>, folder = '.'): string[] {
  try {
    return readdirSync(resolve(medium.mountPoint, folder)).filter((name) => name.endsWith(PARTIAL_SUFFIX)).sort();
  } catch {
    return [];
  }
}
