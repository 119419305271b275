/**
 * The few filesystem moves the transcript needs, each durable before it
 * returns: fsync the file, and fsync the folder when a name appears in it
 * (a new file's directory entry is not durable until its folder is synced).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function fsyncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** mkdir -p, then fsync the new folder's parent so the folder survives a crash. */
export function makeFolderDurably(folder: string): void {
  mkdirSync(folder, { recursive: true });
  fsyncFolder(folder);
  fsyncFolder(dirname(folder));
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

/** Write to a temporary name, fsync, rename over `path`, fsync the folder. */
export function writeFileAtomically(path: string, bytes: Uint8Array, options: { exclusive?: boolean } = {}): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (options.exclusive === true) {
    // Refuse to replace an existing file: link-free check, the caller owns the folder.
    const probe = (() => { try { return openSync(path, 'r'); } catch { return -1; } })();
    if (probe >= 0) {
      closeSync(probe);
      throw new Error(`${path} already exists`);
    }
  }
  renameSync(temporary, path);
  fsyncFolder(dirname(path));
}
