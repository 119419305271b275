/**
 * Reads an evidence bundle (docs/formats/transcript.md §6) from a folder or
 * its .tar archive into bundle paths. Apart from the exporter, so that
 * `keyrite verify` does not load the report renderers (pdf-lib) to read one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { readTar } from './tar.ts';

// The file's bytes as a Uint8Array, without copying them (new Uint8Array(buffer) would).
function readBytes(path: string): Uint8Array {
  const buffer = readFileSync(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
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
