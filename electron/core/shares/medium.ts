/**
 * Writing a share to a custodian's medium (a USB stick's folder) and reading
 * it back. Let's Encrypt's ceremony tool refuses an output that exists and
 * re-checks every output; so do we:
 *
 *   temp file (O_EXCL) → write → fsync → link to the final name (fails if it
 *   exists: never overwrites; FAT has no hard links, so there we check and
 *   rename) → fsync the folder → read back, parse, compare byte for byte.
 *
 * A file name is a bare name in the chosen folder: no separators, no "..",
 * and the folder's real path (symlinks resolved) must contain the result.
 */
import { constants } from 'node:fs';
import { link, lstat, open, readFile, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { equalBytes } from '../../../shared/shares/commitments.ts';
import { MAX_ARMOUR_BYTES } from './armour.ts';
import { readShareInput } from './share-input.ts';

/** A file name for a share that is safe on every file system whatever the custodian's name: set prefix and index. */
export function shareFileName(share: { index: number; header: { setId: Uint8Array } }): string {
  const set = Array.from(share.header.setId.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  return `keyrite-share-${set}-${String(share.index).padStart(3, '0')}.share`;
}

const safeName = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,120}$/u;

/** Resolves `fileName` inside `folder`, refusing anything that could land elsewhere. */
export async function confinedPath(folder: string, fileName: string): Promise<string> {
  const source = fileName;
  if (!safeName.test(fileName) || fileName.includes('..') || basename(fileName) !== fileName) {
    throw new ShareRejection('SHARE_PATH_ESCAPE', { source }, 'its file name is not a plain name inside the chosen folder.');
  }
  let real: string;
  try {
    real = await realpath(folder);
  } catch {
    throw new ShareRejection('SHARE_MEDIUM_FAILED', { source }, 'the chosen folder cannot be opened.');
  }
  const target = join(real, fileName);
  if (dirname(target) !== real || !target.startsWith(real + sep)) throw new ShareRejection('SHARE_PATH_ESCAPE', { source }, 'it would be written outside the chosen folder.');
  return target;
}

const isErrno = (error: unknown, ...codes: string[]): boolean => error instanceof Error && 'code' in error && codes.includes(String(error.code));

/**
 * Writes `content` as `fileName` in `folder`; succeeds only once the bytes
 * read back from the medium are identical and parse as a share.
 */
export async function writeShareFile(folder: string, fileName: string, content: Uint8Array): Promise<{ path: string }> {
  const target = await confinedPath(folder, fileName);
  const real = dirname(target);
  const source = fileName;
  const temp = join(real, `.${randomUUID()}.keyrite-tmp`);
  const fail = (why: string): ShareRejection => new ShareRejection('SHARE_MEDIUM_FAILED', { source }, why);
  if (await exists(target)) throw new ShareRejection('SHARE_FILE_EXISTS', { source }, 'a file of that name is already there; Keyrite never overwrites a share.');
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, target);
      await unlink(temp);
    } catch (error) {
      if (isErrno(error, 'EEXIST')) throw new ShareRejection('SHARE_FILE_EXISTS', { source }, 'a file of that name appeared while writing; Keyrite never overwrites a share.');
      if (!isErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS')) throw error;
      if (await exists(target)) throw new ShareRejection('SHARE_FILE_EXISTS', { source }, 'a file of that name is already there; Keyrite never overwrites a share.');
      await rename(temp, target);
    }
    const dir = await open(real, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (error instanceof ShareRejection) throw error;
    throw fail('the medium refused the write (is it full, read-only or removed?).');
  }
  const back = await readShareFile(folder, fileName).catch(() => undefined);
  if (back === undefined || !equalBytes(back, content)) {
    throw new ShareRejection('SHARE_WRITE_NOT_VERIFIED', { source }, 'what was read back from the medium is not what was written; do not rely on this copy.');
  }
  return { path: target };
}

/** Reads a share file from `folder`, bounded in size, refusing symlinks that lead out of it. */
export async function readShareFile(folder: string, fileName: string): Promise<Uint8Array> {
  const target = await confinedPath(folder, fileName);
  const source = fileName;
  let resolved: string;
  try {
    resolved = await realpath(target);
  } catch {
    throw new ShareRejection('SHARE_MEDIUM_FAILED', { source }, 'the file cannot be found or opened.');
  }
  if (resolved !== target) throw new ShareRejection('SHARE_PATH_ESCAPE', { source }, 'it is a link to somewhere else; open the share file itself.');
  const info = await lstat(target);
  if (!info.isFile()) throw new ShareRejection('SHARE_NOT_A_SHARE', { source }, 'it is not a file.');
  if (info.size > MAX_ARMOUR_BYTES) throw new ShareRejection('SHARE_TOO_LARGE', { source }, 'it is larger than any share.');
  const bytes = await readFile(target);
  const owned = Uint8Array.from(bytes);
  // A written share must also read as one (the checks that need no passphrase).
  readShareInput({ kind: 'file', name: fileName, bytes: owned });
  return owned;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
