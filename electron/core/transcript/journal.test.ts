import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, checkpointFileName } from '../../../shared/transcript/bundle.ts';
import { scanJournal, verifyTranscript } from '../../../shared/transcript/verify.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { Journal } from './journal.ts';
import { fixtureEvent, fixtureSigners } from './fixtures.ts';
import { MemoryTranscript } from './memory-transcript.ts';
import { SoftwareEd25519Signer, type NoteSigner } from './signer.ts';
import { nodeSha256 } from './node-sha256.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = () => join(root, `j${folders++}`);
const ceremony = 'keyrite.example/ceremony/2026-11-28-root';

function journalWith(count: number): { folder: string; bytes: Buffer } {
  const folder = freshFolder();
  const { journal } = Journal.open(folder, ceremony);
  for (let i = 0; i < count; i++) journal.append(fixtureEvent(i));
  journal.close();
  return { folder, bytes: readFileSync(join(folder, JOURNAL_PATH)) };
}

describe('journal', () => {
  it('appends canonical, linked events and signs checkpoints that the verifier accepts, cosignatures included', async () => {
    const folder = freshFolder();
    const { journal, recovery } = Journal.open(folder, ceremony);
    expect(recovery).toBeUndefined();
    for (let i = 0; i < 10; i++) journal.append(fixtureEvent(i));
    const { ceremony: signer, witness } = fixtureSigners();
    await journal.checkpoint(signer);
    journal.append(fixtureEvent(10));
    await journal.checkpoint(signer);
    await journal.cosign(witness);
    await journal.cosign(witness); // cosigning twice replaces, never duplicates
    journal.close();
    const notes = [10, 11].map((size) => ({ name: checkpointFileName(size).split('/')[1] as string, note: readFileSync(join(folder, checkpointFileName(size)), 'utf8') }));
    const result = verifyTranscript({ journal: readFileSync(join(folder, JOURNAL_PATH)), checkpoints: notes, trustedKeys: [signer.verifierKey.text, witness.verifierKey.text] });
    expect(result.status).toBe('verified');
    expect(result.checkpoints.map((c) => c.cosigners.map((s) => s.name))).toEqual([[], [witness.verifierKey.name]]);
    expect(result.events[3]?.payload).toEqual(fixtureEvent(3).payload);
  });

  it('refuses to reopen a journal that lost or changed events a checkpoint covers', async () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    for (let i = 0; i < 4; i++) journal.append(fixtureEvent(i));
    await journal.checkpoint(fixtureSigners().ceremony);
    journal.close();
    const path = join(folder, JOURNAL_PATH);
    const whole = readFileSync(path);
    const threeLines = whole.subarray(0, whole.lastIndexOf(0x0a, whole.length - 2) + 1);
    writeFileSync(path, threeLines);
    expect(() => Journal.open(folder, ceremony)).toThrow(/covers 4 events but the journal holds 3/);
    writeFileSync(path, whole);
    const reopened = Journal.open(folder, ceremony);
    expect(reopened.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    reopened.journal.close();
  });

  it('refuses to start an empty journal when the journal file is gone but signed checkpoints remain', async () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    for (let i = 0; i < 4; i++) journal.append(fixtureEvent(i));
    await journal.checkpoint(fixtureSigners().ceremony);
    journal.close();
    const notePath = join(folder, checkpointFileName(4));
    const note = readFileSync(notePath);
    rmSync(join(folder, JOURNAL_PATH));
    let error: unknown;
    try {
      Journal.open(folder, ceremony);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KeyriteError);
    expect((error as KeyriteError).code).toBe('TRANSCRIPT_DAMAGED');
    expect((error as KeyriteError).message).toMatch(/transcript\.jsonl is missing, but checkpoints\/ holds 1 signed checkpoint \(the last covers 4 events\)/);
    // Nothing was created or changed: no new journal, the signed note as it was.
    expect(existsSync(join(folder, JOURNAL_PATH))).toBe(false);
    expect(readFileSync(notePath).equals(note)).toBe(true);
    // An empty checkpoint file holds no signature, so it alone does not block a fresh journal.
    const other = freshFolder();
    mkdirSync(join(other, 'checkpoints'), { recursive: true });
    writeFileSync(join(other, checkpointFileName(0)), '');
    const fresh = Journal.open(other, ceremony);
    expect(fresh.events).toEqual([]);
    fresh.journal.close();
  });

  it('a second checkpoint at the same size keeps the note and its cosignatures, byte for byte', async () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    for (let i = 0; i < 5; i++) journal.append(fixtureEvent(i));
    const { ceremony: signer, witness } = fixtureSigners();
    await journal.checkpoint(signer);
    await journal.cosign(witness);
    const path = join(folder, checkpointFileName(5));
    const cosigned = readFileSync(path, 'utf8');
    expect(await journal.checkpoint(signer)).toBe(cosigned);
    expect(readFileSync(path, 'utf8')).toBe(cosigned);
    journal.close();
    const result = verifyTranscript({ journal: readFileSync(join(folder, JOURNAL_PATH)), checkpoints: [{ name: '000000000005.note', note: readFileSync(path, 'utf8') }], trustedKeys: [signer.verifierKey.text, witness.verifierKey.text] });
    expect(result.status).toBe('verified');
    expect(result.checkpoints[0]?.cosigners.map((c) => c.name)).toEqual([witness.verifierKey.name]);
  });

  it('refuses to checkpoint over a note of the same size that does not match the journal, and leaves it alone', async () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    for (let i = 0; i < 3; i++) journal.append(fixtureEvent(i));
    const { ceremony: signer } = fixtureSigners();
    // A note of size 3 over other events, put there after opening.
    const other = new MemoryTranscript(ceremony);
    for (let i = 0; i < 3; i++) other.append(fixtureEvent(i + 3));
    const foreign = await other.checkpoint(signer);
    const path = join(folder, checkpointFileName(3));
    writeFileSync(path, foreign);
    await expect(journal.checkpoint(signer)).rejects.toThrow(/does not match the journal/);
    expect(readFileSync(path, 'utf8')).toBe(foreign);
    journal.close();
  });

  it('concurrent cosignatures are all kept (each note change waits for the one before it)', async () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    for (let i = 0; i < 6; i++) journal.append(fixtureEvent(i));
    const { ceremony: signer } = fixtureSigners();
    // Participants who take their time (a PIN, a touch): each signature resolves later than the last read.
    const slow = (name: string, seed: number, delay: number): NoteSigner => {
      const inner = SoftwareEd25519Signer.fromSeed(`keyrite.example/participant/${name}`, new SecretBytes(new Uint8Array(32).fill(seed)), 'cosigner', () => new Date('2026-11-28T12:00:00Z'));
      return { verifierKey: inner.verifierKey, signNote: async (text) => { await new Promise((resolve) => setTimeout(resolve, delay)); return inner.signNote(text); } };
    };
    const cosigners = [slow('wendy', 0x31, 30), slow('walt', 0x32, 10), slow('wanda', 0x33, 20)];
    await journal.checkpoint(signer);
    // Three participants cosign the same note at once.
    const results = await Promise.all(cosigners.map((c) => journal.cosign(c)));
    const note = readFileSync(join(folder, checkpointFileName(6)), 'utf8');
    expect(results.at(-1)).toBe(note);
    // A checkpoint and a cosignature asked for together: the cosignature lands on the new checkpoint.
    journal.append(fixtureEvent(6));
    await Promise.all([journal.checkpoint(signer), journal.cosign(cosigners[1] as NoteSigner)]);
    journal.close();
    const notes = [6, 7].map((size) => ({ name: checkpointFileName(size).split('/')[1] as string, note: readFileSync(join(folder, checkpointFileName(size)), 'utf8') }));
    const result = verifyTranscript({ journal: readFileSync(join(folder, JOURNAL_PATH)), checkpoints: notes, trustedKeys: [signer.verifierKey.text, ...cosigners.map((c) => c.verifierKey.text)] });
    expect(result.status).toBe('verified');
    expect(result.checkpoints.map((c) => c.cosigners.map((s) => s.name))).toEqual([cosigners.map((c) => c.verifierKey.name), [cosigners[1]?.verifierKey.name]]);
  });

  it('refuses an event whose payload names a secret, and writes nothing', () => {
    const folder = freshFolder();
    const { journal } = Journal.open(folder, ceremony);
    expect(() => journal.append({ type: 'custodian/confirmed', payload: { custodian: 'carl', shareValue: 'deadbeef' } })).toThrow(/names a secret/);
    expect(() => journal.append({ type: 'hsm/logged-in', payload: { session: { userPin: '1234' } } })).toThrow(KeyriteError);
    expect(journal.size).toBe(0);
    journal.close();
    expect(readFileSync(join(folder, JOURNAL_PATH)).length).toBe(0);
  });

  it('recovers a torn tail at every byte offset of the last record, keeping every whole event', () => {
    const { bytes } = journalWith(6);
    const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const folder = freshFolder();
    Journal.open(folder, ceremony).journal.close();
    for (let cut = lastStart; cut < bytes.length; cut++) {
      writeFileSync(join(folder, JOURNAL_PATH), bytes.subarray(0, cut));
      const { journal, recovery, events } = Journal.open(folder, ceremony);
      journal.close();
      expect(events.length).toBe(cut === lastStart ? 5 : 6);
      const after = readFileSync(join(folder, JOURNAL_PATH));
      const scanned = scanJournal(after, nodeSha256);
      expect(scanned.firstBadEvent).toBeUndefined();
      expect(after.subarray(0, lastStart)).toEqual(bytes.subarray(0, lastStart));
      if (cut === lastStart) {
        expect(recovery).toBeUndefined();
        expect(scanned.events.length).toBe(5);
      } else {
        expect(recovery).toEqual({ discardedBytes: cut - lastStart, lastSeq: 4 });
        expect(scanned.events.map((e) => e.type)).toEqual([...bytes.subarray(0, lastStart).toString().trim().split('\n').map((l) => JSON.parse(l).type), 'transcript/recovered']);
      }
    }
  });

  it('reports a flipped bit at every byte before the last record (bit chosen by offset), and never repairs it', () => {
    const { bytes } = journalWith(4);
    const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const folder = freshFolder();
    Journal.open(folder, ceremony).journal.close();
    for (let offset = 0; offset < lastStart; offset++) {
      for (const bit of [offset % 8]) {
        const damaged = Buffer.from(bytes);
        damaged[offset] = (damaged[offset] as number) ^ (1 << bit);
        writeFileSync(join(folder, JOURNAL_PATH), damaged);
        let error: unknown;
        try {
          Journal.open(folder, ceremony).journal.close();
        } catch (caught) {
          error = caught;
        }
        expect(error, `bit ${bit} of byte ${offset}`).toBeInstanceOf(KeyriteError);
        expect((error as KeyriteError).code).toBe('TRANSCRIPT_DAMAGED');
        expect(readFileSync(join(folder, JOURNAL_PATH)).equals(damaged)).toBe(true);
      }
    }
  });

  it('survives 200 kills of a child process appending: every journal is a valid prefix holding every acknowledged event', async () => {
    const child = join(import.meta.dirname, 'journal-crash-child.ts');
    let folder = freshFolder();
    let acknowledged = -1;
    for (let kill = 0; kill < 200; kill++) {
      if (kill % 25 === 0) {
        folder = freshFolder();
        acknowledged = -1;
      }
      const seen = await new Promise<number>((resolve, reject) => {
        // The compile cache halves each child's start-up (it is most of the test's time).
        const proc = spawn(process.execPath, ['--no-warnings', child, folder], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_COMPILE_CACHE: join(root, 'compile-cache') } });
        let last = -1;
        let buffered = '';
        let stderr = '';
        // Kill at a random moment after the first acknowledgement.
        const delay = Math.floor(Math.random() * 12);
        proc.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) last = Number(line.slice(4));
          if (last >= 0 && !proc.killed) setTimeout(() => proc.kill('SIGKILL'), delay);
        });
        proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        proc.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(last) : reject(new Error(`child exited by itself: ${stderr}`))));
      });
      acknowledged = Math.max(acknowledged, seen);
      const scanned = scanJournal(readFileSync(join(folder, JOURNAL_PATH)), nodeSha256);
      // Whole lines are all valid; only an unterminated tail may be torn.
      const wholeLines = scanned.lineCount - (scanned.unterminatedBytes > 0 ? 1 : 0);
      expect(scanned.firstBadEvent === undefined || scanned.firstBadEvent.index >= wholeLines).toBe(true);
      expect(scanned.events.length - 1).toBeGreaterThanOrEqual(acknowledged);
    }
    // Opening after the last kill recovers cleanly.
    const { journal } = Journal.open(folder, 'keyrite.test/crash');
    expect(journal.size - 1).toBeGreaterThanOrEqual(acknowledged);
    journal.close();
  }, 120_000);
});

