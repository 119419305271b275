/**
 * Reads an evidence bundle (docs/formats/transcript.md §6) from a folder or
 * its .tar archive into bundle paths. Apart from the exporter, so that
 * `keyrite verify` does not load the report renderers (pdf-lib) to read one.
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readTar } from './tar.ts';

/** Files from this size on are read into shared memory. */
export const SHARED_FROM_BYTES = 1_000_000;

// The file's bytes as a Uint8Array, without copying them (new Uint8Array(buffer) would).
function readBytes(path: string): Uint8Array {
  return readShared(path) ?? readWhole(path);
}

function readWhole(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/**
 * A large file (a journal) read straight into shared memory, which the
 * verifier's worker threads then read where it is (verify-in-parallel.ts):
 * copying 30 MB there afterwards cost 10-40 ms (bench:verify). Undefined
 * for a small file, or one whose size changed while it was read (then it is
 * read again the ordinary way).
 */
function readShared(path: string): Uint8Array | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < SHARED_FROM_BYTES) return undefined;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let read = 0; read < size; ) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return readSync(fd, new Uint8Array(1), 0, 1, size) === 0 ? bytes : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads a bundle from a folder or a .tar archive into bundle paths. */
export function readBundle(path: string): Map<string, Uint8Array> {
  if (!statSync(path).isDirectory()) return readTar(readBytes(path));
  const files = new Map<string, Uint8Array>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(relative(path, full).split(sep).join('/'), readBytes(full));
    }
  };
  walk(path);
  return files;
}
