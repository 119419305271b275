/**
 * Writing a share to a custodian's medium (a USB stick's folder) and reading
 * it back. Let's Encrypt's ceremony tool refuses an output that exists and
 * re-checks every output; so do we. The write itself is the devices
 * module's one writer (electron/core/devices/media-write.ts): temp file
 * (O_EXCL), chunks with a check that the medium is still there, fsync,
 * no-clobber link (rename on FAT), fsync of the folder, read back and
 * compare; a share file is whole and verified, or absent.
 *
 * A file name is a bare name in the chosen folder: no separators, no "..",
 * and the folder's real path (symlinks resolved) must contain the result.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { MediumWriteError, writeFileToFolder, writeFileToMedium } from '../devices/media-write.ts';
import type { Medium } from '../devices/schemas.ts';
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

/**
 * Writes `content` as `fileName` in `folder`; succeeds only once the bytes
 * read back from the medium are identical. With `medium` (from the devices
 * inventory), the write also fails cleanly if that medium is removed
 * midway; without it, `folder` is a plain folder that must keep existing.
 */
export async function writeShareFile(folder: string, fileName: string, content: Uint8Array, medium?: Medium): Promise<{ path: string; sha256: string }> {
  const target = await confinedPath(folder, fileName);
  const real = dirname(target);
  const source = fileName;
  // What would not read back as a share is refused before anything is written.
  try {
    readShareInput({ kind: 'file', name: fileName, bytes: content });
  } catch {
    throw new ShareRejection('SHARE_WRITE_NOT_VERIFIED', { source }, 'it is not a share file, so nothing was written.');
  }
  try {
    if (medium === undefined) return await writeFileToFolder(real, fileName, content);
    const inside = relative(resolve(medium.mountPoint), real);
    if (inside.startsWith('..')) throw new ShareRejection('SHARE_PATH_ESCAPE', { source }, `the folder is not on the medium "${medium.label}".`);
    return await writeFileToMedium(medium, fileName, content, { folder: inside === '' ? '.' : inside });
  } catch (error) {
    if (!(error instanceof MediumWriteError)) throw error;
    switch (error.code) {
      case 'DEVICES_MEDIUM_FILE_EXISTS':
        throw new ShareRejection('SHARE_FILE_EXISTS', { source }, 'a file of that name is already there; Keyrite never overwrites a share.');
      case 'DEVICES_MEDIUM_VERIFY_FAILED':
        throw new ShareRejection('SHARE_WRITE_NOT_VERIFIED', { source }, 'what was read back from the medium is not what was written; it was removed.');
      case 'DEVICES_MEDIUM_BAD_NAME':
        throw new ShareRejection('SHARE_PATH_ESCAPE', { source }, 'its file name is not a plain name Keyrite writes (letters, digits, . _ -).');
      default:
        throw new ShareRejection('SHARE_MEDIUM_FAILED', { source }, error.message);
    }
  }
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
