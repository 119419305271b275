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
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The private compile cache folder, made if need be; undefined where it is not this user's alone. */
export function privateCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
  try {
    const folder = join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'keyrite', 'node-compile-cache');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const { uid, mode } = statSync(folder);
    // Another user's folder, or one that group or others may write to, could hold code they wrote.
    if (uid !== process.getuid?.() || (mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

/** A worker thread's environment: this one's, with the private compile cache where there is one. */
export function workerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const folder = privateCompileCache(env);
  return folder === undefined ? env : { ...env, NODE_COMPILE_CACHE: folder };
}
