/**
 * The bundle's single-file form: a POSIX.1-1988 ustar archive, which
 * `tar -xf` opens anywhere. Only what a bundle needs: regular files and
 * folders, paths under 100 bytes, no links. The reader refuses absolute
 * paths, `..`, links and bad header checksums.
 */
const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(path: string, size: number, type: '0' | '5', mtime: number): Uint8Array {
  const name = encoder.encode(path);
  if (name.length > 100) throw new RangeError(`path too long for ustar: ${path}`);
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string | Uint8Array) => block.set(typeof text === 'string' ? encoder.encode(text) : text, offset);
  put(0, name);
  put(100, octal(type === '5' ? 0o755 : 0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(mtime, 12));
  put(148, '        '); // checksum is computed with its own field as spaces
  put(156, type);
  put(257, 'ustar\u000000');
  put(265, 'keyrite');
  put(297, 'keyrite');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** A ustar archive of `files` (sorted by path; folders are added for each parent). */
export function writeTar(files: ReadonlyMap<string, Uint8Array>, mtime: Date): Uint8Array {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const parts: Uint8Array[] = [];
  const folders = new Set<string>();
  for (const path of [...files.keys()].sort()) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = `${segments.slice(0, i).join('/')}/`;
      if (!folders.has(folder)) {
        folders.add(folder);
        parts.push(header(folder, 0, '5', seconds));
      }
    }
    const bytes = files.get(path) as Uint8Array;
    parts.push(header(path, bytes.length, '0', seconds), bytes, new Uint8Array((BLOCK - (bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
}

/** Reads the regular files of a ustar archive; throws on anything it does not expect. */
export function readTar(archive: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) return files;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
    if (Number.parseInt(field(block, 148, 8).trim(), 8) !== sum) throw new Error('tar header checksum mismatch');
    const prefix = field(block, 345, 155);
    const path = prefix === '' ? field(block, 0, 100) : `${prefix}/${field(block, 0, 100)}`;
    const size = Number.parseInt(field(block, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(block[156] ?? 0);
    if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`unsafe path in archive: ${path}`);
    if (!Number.isSafeInteger(size) || offset + BLOCK + size > archive.length) throw new Error('tar entry runs past the end');
    if (type === '0' || type === '\0') files.set(path, archive.slice(offset + BLOCK, offset + BLOCK + size));
    else if (type !== '5') throw new Error(`unsupported tar entry type "${type}" for ${path}`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error('tar archive ends without its end marker');
}
