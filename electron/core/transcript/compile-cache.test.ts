import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateCompileCache, workerEnvironment } from './compile-cache.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-compile-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the verifier threads\' compile cache', () => {
  it('lives in a folder only this user can write, under XDG_CACHE_HOME, made if need be', () => {
    const folder = privateCompileCache({ XDG_CACHE_HOME: join(root, 'a') });
    expect(folder).toBe(join(root, 'a', 'keyrite', 'node-compile-cache'));
    expect(statSync(folder as string).mode & 0o777).toBe(0o700);
    expect(workerEnvironment({ XDG_CACHE_HOME: join(root, 'a'), KEEP: 'me' })).toEqual({ XDG_CACHE_HOME: join(root, 'a'), KEEP: 'me', NODE_COMPILE_CACHE: folder });
  });

  it('is not used where others could write code into it, nor when Node\'s own switch turns it off', () => {
    const shared = join(root, 'b', 'keyrite', 'node-compile-cache');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'b') })).toBeUndefined();
    chmodSync(shared, 0o720);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'b') })).toBeUndefined();
    chmodSync(shared, 0o700);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'b') })).toBe(shared);
    // Another user's folder (only root can make one here).
    if (process.getuid?.() === 0) {
      chownSync(shared, 65534, 65534);
      expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'b') })).toBeUndefined();
    }
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'b'), NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined();
    expect(workerEnvironment({ XDG_CACHE_HOME: join(root, 'b'), NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ XDG_CACHE_HOME: join(root, 'b'), NODE_DISABLE_COMPILE_CACHE: '1' });
  });

  it('takes XDG_CACHE_HOME only when it is absolute: an empty or relative one would put the cache where keyrite runs (a bundle\'s medium)', () => {
    const home = homedir();
    for (const xdg of ['', 'relative', './x']) expect(privateCompileCache({ XDG_CACHE_HOME: xdg })).toBe(join(home, '.cache', 'keyrite', 'node-compile-cache'));
  });

  it('is not used through a symbolic link, or under a folder others may write in', () => {
    // The cache folder itself a link to a folder of ours.
    mkdirSync(join(root, 'c', 'keyrite'), { recursive: true });
    mkdirSync(join(root, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(root, 'elsewhere'), join(root, 'c', 'keyrite', 'node-compile-cache'));
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'c') })).toBeUndefined();
    // A parent a link.
    symlinkSync(join(root, 'a'), join(root, 'link-to-a'));
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'link-to-a') })).toBeUndefined();
    // keyrite's own folder, or a folder above it, writable by others (not sticky).
    mkdirSync(join(root, 'd', 'keyrite', 'node-compile-cache'), { recursive: true, mode: 0o700 });
    chmodSync(join(root, 'd', 'keyrite'), 0o777);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'd') })).toBeUndefined();
    chmodSync(join(root, 'd', 'keyrite'), 0o700);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'd') })).toBe(join(root, 'd', 'keyrite', 'node-compile-cache'));
    chmodSync(join(root, 'd'), 0o777);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'd') })).toBeUndefined();
    // Sticky, as /tmp is: others cannot rename what is ours there.
    chmodSync(join(root, 'd'), 0o1777);
    expect(privateCompileCache({ XDG_CACHE_HOME: join(root, 'd') })).toBe(join(root, 'd', 'keyrite', 'node-compile-cache'));
  });

  it('is not used where the folder cannot be made', () => {
    // A file where the cache's parent folder would be.
    expect(privateCompileCache({ XDG_CACHE_HOME: '/dev/null' })).toBeUndefined();
  });
});
