import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShareFile, shareFileName, writeShareFile } from './medium.ts';
import { toArmour } from './armour.ts';
import { testSplit } from './test-fixtures.ts';

let folder: string;
let outside: string;
let armour: Uint8Array;
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'keyrite-medium-'));
  outside = mkdtempSync(join(tmpdir(), 'keyrite-outside-'));
  const set = await testSplit({ m: 2, n: 2 });
  armour = new TextEncoder().encode(toArmour(set.shares[0]?.envelope ?? new Uint8Array()));
});
const codeOf = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'thrown');

describe("writing to a custodian's medium", () => {
  it('writes, leaves no temp file, and reads back the same bytes', async () => {
    const { path } = await writeShareFile(folder, 'alice.share', armour);
    expect(path).toBe(join(folder, 'alice.share'));
    expect(readdirSync(folder)).toEqual(['alice.share']);
    expect(new Uint8Array(readFileSync(path))).toEqual(armour);
    expect(await readShareFile(folder, 'alice.share')).toEqual(armour);
  });

  it('names share files from the set and index, so any custodian name is safe', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const share = set.shares[0];
    if (share === undefined) throw new Error('fixture');
    const name = shareFileName(share);
    expect(name).toBe(`keyrite-share-${set.setId.slice(0, 8)}-${String(share.index).padStart(3, '0')}.share`);
    expect((await writeShareFile(folder, name, armour)).path).toBe(join(folder, name));
  });

  it('never overwrites an existing file', async () => {
    writeFileSync(join(folder, 'alice.share'), 'precious');
    expect(await codeOf(writeShareFile(folder, 'alice.share', armour))).toBe('SHARE_FILE_EXISTS');
    expect(readFileSync(join(folder, 'alice.share'), 'utf8')).toBe('precious');
    expect(readdirSync(folder)).toEqual(['alice.share']);
  });

  it('refuses names that leave the folder', async () => {
    for (const name of ['../escape.share', 'a/b.share', '..', '.hidden', `sub${'\\'}x.share`, '']) {
      expect([name, await codeOf(writeShareFile(folder, name, armour))]).toEqual([name, 'SHARE_PATH_ESCAPE']);
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses to write through or read through a symlink that leads out', async () => {
    symlinkSync(join(outside, 'target.share'), join(folder, 'link.share'));
    expect(await codeOf(writeShareFile(folder, 'link.share', armour))).toBe('SHARE_FILE_EXISTS');
    expect(readdirSync(outside)).toEqual([]);
    writeFileSync(join(outside, 'real.share'), armour);
    symlinkSync(join(outside, 'real.share'), join(folder, 'real-link.share'));
    expect(await codeOf(readShareFile(folder, 'real-link.share'))).toBe('SHARE_PATH_ESCAPE');
  });

  it('writes into a folder reached through a symlink (the folder itself is resolved once)', async () => {
    mkdirSync(join(outside, 'stick'));
    symlinkSync(join(outside, 'stick'), join(folder, 'mnt'));
    const { path } = await writeShareFile(join(folder, 'mnt'), 'bob.share', armour);
    expect(path).toBe(join(outside, 'stick', 'bob.share'));
  });

  it('refuses to call a non-share a written share (read-back parses it)', async () => {
    expect(await codeOf(writeShareFile(folder, 'junk.share', new TextEncoder().encode('not a share')))).toBe('SHARE_WRITE_NOT_VERIFIED');
  });

  it('refuses oversized files unread', async () => {
    writeFileSync(join(folder, 'big.share'), Buffer.alloc(1024 * 1024, 0x41));
    expect(await codeOf(readShareFile(folder, 'big.share'))).toBe('SHARE_TOO_LARGE');
  });
});
