import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, verifyBundle } from '../../../shared/transcript/bundle.ts';
import { SHARED_FROM_BYTES, readBundle } from './bundle-read.ts';
import { nodeSha256 } from './node-sha256.ts';
import { bundleFiles, tamperFixture, type TamperFixture } from './tamper-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-bundle-read-'));
let fixture: TamperFixture;
beforeAll(async () => {
  fixture = await tamperFixture();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading a bundle folder', () => {
  it('reads a large file into shared memory (for the verifier\'s threads) and a small one the ordinary way, every byte as on disk', () => {
    const large = Uint8Array.from({ length: SHARED_FROM_BYTES + 12_345 }, (_, i) => (i * 31 + (i >> 9)) & 0xff);
    const small = Uint8Array.of(1, 2, 3);
    mkdirSync(join(root, 'b', 'checkpoints'), { recursive: true });
    writeFileSync(join(root, 'b', 'transcript.jsonl'), large);
    writeFileSync(join(root, 'b', 'checkpoints', 'x.note'), small);
    const files = readBundle(join(root, 'b'));
    expect([...files.keys()].sort()).toEqual(['checkpoints/x.note', 'transcript.jsonl']);
    const journal = files.get('transcript.jsonl') as Uint8Array;
    expect(journal.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.compare(Buffer.from(journal), Buffer.from(large))).toBe(0);
    expect(files.get('checkpoints/x.note')?.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect([...(files.get('checkpoints/x.note') as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('a journal in shared memory verifies as it does in ordinary memory, intact and edited', () => {
    for (const journal of [fixture.journal, fixture.journal.map((b, i) => (i === 900 ? 0x41 : b))]) {
      const files = bundleFiles(fixture.keys, journal, fixture.checkpoints);
      const shared = new Uint8Array(new SharedArrayBuffer(journal.length));
      shared.set(journal);
      const inShared = new Map(files).set(JOURNAL_PATH, shared);
      expect(verifyBundle(inShared, { trustedKeys: fixture.keys, sha256: nodeSha256 })).toStrictEqual(verifyBundle(files, { trustedKeys: fixture.keys, sha256: nodeSha256 }));
    }
  });
});
