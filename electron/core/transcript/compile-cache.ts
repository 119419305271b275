/**
 * Node's module compile cache (NODE_COMPILE_CACHE, module.enableCompileCache)
 * for the verifier's threads. Run from source, Node strips the types of
 * every TypeScript file it loads and compiles it; a worker thread starts
 * with nothing, and loading the verifier's modules took about 170 ms of a
 * worker's 250 ms start, where the cache brings the start to about 100 ms
 * (bench:verify). The cache holds code Node runs, so it lives in a folder
 * only this user can write (XDG_CACHE_HOME, else ~/.cache), never the
 * shared temporary folder; where no such folder can be had, nothing is
 * cached. NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switch).
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * The private compile cache folder, made if need be; undefined where it is
 * not this user's alone. XDG_CACHE_HOME counts only when it is an absolute
 * path (the XDG Base Directory specification says to ignore any other):
 * an empty or relative one would put the cache in the folder keyrite runs
 * in, which may be the bundle's own medium.
 */
export function privateCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
  const uid = process.getuid?.();
  // Without POSIX owners there is nothing to check the folder against.
  if (uid === undefined) return undefined;
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  const folder = join(base, 'keyrite', 'node-compile-cache');
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    return onlyOwnersWrite(folder, uid) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * No one but this user and root can change what `folder` holds: neither it
 * nor any folder above it is a symbolic link, is owned by anyone else, or
 * lets group or others write in it (a sticky folder, like /tmp, excepted
 * above keyrite's own: there others cannot rename or remove what is ours).
 * Otherwise someone could put their own cache in its place after this
 * check (CWE-367) and have the verifier run it.
 */
function onlyOwnersWrite(folder: string, uid: number): boolean {
  const own = new Set([folder, dirname(folder)]);
  for (let path = folder; ; path = dirname(path)) {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink() || !stat.isDirectory()) return false;
    const ours = own.has(path);
    if (ours ? stat.uid !== uid : stat.uid !== uid && stat.uid !== 0) return false;
    const othersWrite = (stat.mode & 0o022) !== 0;
    if (othersWrite && (ours || (stat.mode & 0o1000) === 0)) return false;
    if (dirname(path) === path) return true;
  }
}

/** A worker thread's environment: this one's, with the private compile cache where there is one. */
export function workerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const folder = privateCompileCache(env);
  return folder === undefined ? env : { ...env, NODE_COMPILE_CACHE: folder };
}
