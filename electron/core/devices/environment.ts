/**
 * The environment record of the pre-flight: what ran the ceremony, and the
 * two places a secret could leave memory for disk (swap, core dumps). Only
 * public values: no host name, no user name, no paths but the swap devices.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { BundleHash, EnvironmentRecord } from './schemas.ts';
import { liveSysfs, type SysfsReader } from './sysfs-reader.ts';

// ---------------------------------------------------------------- bundle hash

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Byte order of the UTF-8 names, as `LC_ALL=C sort` orders them. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

async function manifestLines(root: string, relative: string, lines: Array<[string, string]>): Promise<void> {
  for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) await manifestLines(root, rel, lines);
    else if (entry.isSymbolicLink()) lines.push([rel, sha256Hex(`symlink:${await readlink(join(root, rel))}`)]);
    else if (entry.isFile()) lines.push([rel, await hashFile(join(root, rel))]);
    // sockets, fifos and devices have no content to vouch for; an app bundle has none.
  }
}

/**
 * SHA-256 of the app bundle.
 * - A file (AppImage, .exe, .asar): the SHA-256 of its bytes, what
 *   `sha256sum FILE` prints.
 * - A folder (.app, unpacked app): the SHA-256 of a manifest with one line
 *   `<sha256 of the content>  <relative path>\n` per file, paths with `/`,
 *   sorted by their UTF-8 bytes; a symbolic link's "content" is
 *   `symlink:<target>` (never followed: it could point outside). Empty
 *   folders do not count. For a folder without links or unusual names an
 *   auditor reproduces it with
 *   `cd DIR && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum`.
 */
export async function hashAppBundle(path: string): Promise<BundleHash> {
  const info = await lstat(path);
  if (info.isFile()) return { algorithm: 'sha256', digest: await hashFile(path), kind: 'file', fileCount: 1 };
  if (!info.isDirectory()) throw new Error(`${path} is neither a file nor a folder`);
  const lines: Array<[string, string]> = [];
  await manifestLines(path, '', lines);
  lines.sort(([a], [b]) => byBytes(a, b));
  const manifest = lines.map(([rel, digest]) => `${digest}  ${rel}\n`).join('');
  return { algorithm: 'sha256', digest: sha256Hex(manifest), kind: 'folder', fileCount: lines.length };
}

// ---------------------------------------------------------------- swap and core dumps

type Swap = EnvironmentRecord['swap'];
type CoreDumps = EnvironmentRecord['coreDumps'];

/** /proc/swaps: a header, then `Filename Type Size(KiB) Used Priority`; spaces in names are \040. */
export function parseProcSwaps(text: string): Swap['devices'] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/u))
    .filter((f) => f.length >= 3 && f[0] !== '')
    .map(([name, type, size]) => ({ name: (name ?? '').replace(/\\040/gu, ' '), type: type ?? 'unknown', sizeKiB: Number.parseInt(size ?? '0', 10) || 0 }));
}

function swapOf(platform: NodeJS.Platform, sys: SysfsReader): Swap {
  if (platform !== 'linux') return { state: 'unknown', devices: [], detail: `swap is not checked on ${platform}` };
  const text = sys.readText('/proc/swaps');
  if (text === null) return { state: 'unknown', devices: [], detail: '/proc/swaps is not readable' };
  const devices = parseProcSwaps(text);
  if (devices.length === 0) return { state: 'off', devices, detail: 'no swap device or file is active' };
  const zram = devices.every((d) => d.name.startsWith('/dev/zram'));
  return { state: 'on', devices, detail: zram ? 'swap is on, compressed in RAM only (zram)' : 'swap is on: memory pages can reach a disk' };
}

const limitValue = (text: string | undefined): number | 'unlimited' | null =>
  text === undefined ? null : text === 'unlimited' ? 'unlimited' : /^\d+$/u.test(text) ? Number(text) : null;

/** The `Max core file size` row of /proc/<pid>/limits: soft and hard limits in bytes. */
export function parseCoreLimit(limits: string): { soft: number | 'unlimited' | null; hard: number | 'unlimited' | null } {
  const row = limits.split('\n').find((line) => line.startsWith('Max core file size'));
  const fields = row?.slice('Max core file size'.length).trim().split(/\s+/u) ?? [];
  return { soft: limitValue(fields[0]), hard: limitValue(fields[1]) };
}

function coreDumpsOf(platform: NodeJS.Platform, sys: SysfsReader): CoreDumps {
  if (platform !== 'linux') return { state: 'unknown', soft: null, hard: null, pattern: null };
  const limits = sys.readText('/proc/self/limits');
  const { soft, hard } = limits === null ? { soft: null, hard: null } : parseCoreLimit(limits);
  const pattern = sys.readText('/proc/sys/kernel/core_pattern');
  return { state: soft === null ? 'unknown' : soft === 0 ? 'disabled' : 'enabled', soft, hard, pattern };
}

// ---------------------------------------------------------------- the record

/** Minutes east of UTC in a named zone at an instant ("GMT+05:30" → 330), from Intl's tz data. */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/u.exec(name);
  if (match === null) return 0; // "GMT" alone: UTC
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

export interface EnvironmentSources {
  platform: NodeJS.Platform;
  os: { type(): string; release(): string; version(): string; arch(): string };
  sys: SysfsReader;
  now(): Date;
  monotonicNs(): bigint;
  timeZone(): string;
}

export const liveEnvironmentSources: EnvironmentSources = {
  platform: process.platform,
  os,
  sys: liveSysfs,
  now: () => new Date(),
  monotonicNs: () => process.hrtime.bigint(),
  timeZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};

export interface EnvironmentParams {
  appVersion: string;
  /** The packaged app (AppImage, .app folder, install folder); null when there is none (development). */
  bundlePath: string | null;
}

/** Never rejects: a bundle that cannot be hashed is reported in `bundleError`. */
export async function recordEnvironment(params: EnvironmentParams, src: EnvironmentSources = liveEnvironmentSources): Promise<EnvironmentRecord> {
  let bundle: BundleHash | null = null;
  let bundleError: string | null = params.bundlePath === null ? 'no app bundle (development run)' : null;
  if (params.bundlePath !== null) {
    try {
      bundle = await hashAppBundle(params.bundlePath);
    } catch (error) {
      bundleError = `could not hash the app bundle: ${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))}`;
    }
  }
  const now = src.now();
  const timeZone = src.timeZone();
  return {
    os: { platform: src.platform, type: src.os.type(), release: src.os.release(), version: src.os.version(), arch: src.os.arch() },
    app: { version: params.appVersion, bundle, bundleError },
    swap: swapOf(src.platform, src.sys),
    coreDumps: coreDumpsOf(src.platform, src.sys),
    clock: {
      utc: now.toISOString(),
      monotonicNs: src.monotonicNs().toString(),
      timeZone,
      utcOffsetMinutes: utcOffsetMinutes(timeZone, now),
    },
  };
}
