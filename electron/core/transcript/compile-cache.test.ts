import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('is not used where the folder cannot be made', () => {
    // A file where the cache's parent folder would be.
    expect(privateCompileCache({ XDG_CACHE_HOME: '/dev/null' })).toBeUndefined();
  });
});
