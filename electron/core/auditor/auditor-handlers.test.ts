/**
 * The auditor's commands on the real engine, over real bundles written by
 * the bundle exporter. The host's chooser is scripted (a native dialog
 * cannot exist in a test); everything behind it is real.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditReport, ReadableDigest, type BundleKind } from '../../../shared/contract/auditor.ts';
import type { KeyriteEvent } from '../../../shared/contract.ts';
import { wordsToDigest } from '../../../shared/human-value.ts';
import { bytesToHex } from '../../../shared/transcript/bytes.ts';
import { createEngine, type Engine } from '../engine.ts';
import type { HostChooser } from '../engine-services.ts';
import { exportBundle } from '../transcript/bundle-export.ts';
import { fixtureTranscript } from '../transcript/fixtures.ts';
import { clip, readableDigest } from './audit-report.ts';
import { unreadableReason } from './open-bundle.ts';

let work: string;
let bundle: string;

/** A chooser that answers from a queue, as a person at the dialog would. */
function scripted(answers: (string | null)[]): HostChooser {
  const next = (): Promise<string | null> => Promise.resolve(answers.length === 0 ? null : (answers.shift() ?? null));
  return { chooseBundle: next, chooseReportFolder: next };
}

async function withEngine(answers: (string | null)[], use: (engine: Engine, events: KeyriteEvent[]) => Promise<void>): Promise<void> {
  const engine = createEngine({ dataDir: join(work, 'data'), host: 'cli', version: '0.0.0-test', chooser: scripted(answers) });
  const events: KeyriteEvent[] = [];
  engine.onEvent((event) => events.push(event));
  try {
    await use(engine, events);
  } finally {
    await engine.close();
  }
}

async function open(engine: Engine, kind: BundleKind = 'folder'): Promise<AuditReport> {
  const { chosen } = await engine.handlers['auditor/chooseBundle']({ kind });
  if (chosen === null) throw new Error('nothing chosen');
  return engine.handlers['auditor/openBundle']({ handle: chosen.handle });
}

/** A copy of the bundle with one byte of event `seq`'s payload flipped (a character of its JSON changed). */
function tamperedCopy(seq: number): string {
  const copy = join(mkdtempSync(join(work, 'tampered-')), 'bundle');
  cpSync(bundle, copy, { recursive: true });
  const lines = readFileSync(join(copy, 'transcript.jsonl'), 'latin1').split('\n');
  const line = lines[seq] ?? '';
  const at = line.indexOf('"payload":{"') + 12;
  lines[seq] = `${line.slice(0, at)}${String.fromCharCode(line.charCodeAt(at) ^ 0x01)}${line.slice(at + 1)}`;
  writeFileSync(join(copy, 'transcript.jsonl'), lines.join('\n'), 'latin1');
  return copy;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'keyrite-auditor-'));
  const { transcript, keys } = await fixtureTranscript(30, [10, 20, 30]);
  const source = join(work, 'transcript');
  mkdirSync(join(source, 'checkpoints'), { recursive: true });
  for (const [path, bytes] of transcript.files()) writeFileSync(join(source, path), bytes);
  bundle = (await exportBundle(source, join(work, 'bundle'), keys)).folder;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('auditor: open a bundle', () => {
  it('verifies a good bundle, folder or archive, and reports its people, keys, share sets, sign-offs and exceptions', async () => {
    for (const [kind, path] of [['folder', bundle], ['archive', `${bundle}.tar`]] as const) {
      await withEngine([path], async (engine, events) => {
        const report = await open(engine, kind);
        expect(AuditReport.parse(report)).toEqual(report);
        expect(report.verification).toMatchObject({ status: 'verified', eventCount: 30, signedSize: 30, firstBadEvent: null, trust: 'bundle-keys' });
        expect(report.bundleName).toBe(kind === 'folder' ? 'bundle' : 'bundle.tar');
        expect(report.participants.items.map((p) => `${p.name} (${p.role})`)).toEqual(['Ada Admin (administrator)', 'Carl Custodian (custodian)', 'Wendy Witness (witness)']);
        expect(report.keys.items[0]?.label).toBe('root-2026');
        expect(report.shareSets.items[0]).toMatchObject({ id: 'ss-1', policy: '2 of 3', custodians: 'carl, dora, ed' });
        expect(report.signOffs.items.map((s) => s.witness)).toEqual(['wendy']);
        expect(report.exceptions.items[0]?.description).toBe('Printer jammed on envelope 2.');
        expect(report.timeline.total).toBe(30);
        // The root's words are the root: any BIP-39 tool gives the hex back.
        expect(bytesToHex(wordsToDigest(report.root?.words ?? []))).toBe(report.root?.hex);
        const phases = events.flatMap((e) => (e.name === 'auditor/progress' ? [e.payload.phase] : []));
        expect(phases).toEqual(['reading', 'verifying', 'summarising']);
        expect(events.some((e) => e.name === 'audit/recorded' && e.payload.type === 'auditor.bundle-checked' && e.payload.summary.includes('checked offline: VERIFIED'))).toBe(true);
      });
    }
  });

  it('names the first bad event when one byte of an event is changed, and the event before it', async () => {
    await withEngine([tamperedCopy(12)], async (engine) => {
      const report = await open(engine);
      expect(report.verification.status).toBe('tampered');
      expect(report.verification.firstBadEvent?.index).toBe(12);
      expect(report.verification.firstBadEvent?.after?.seq).toBe(11);
      expect(report.verification.firstBadEvent?.reason.length).toBeGreaterThan(0);
      expect(report.timeline.items.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    });
  });

  it('lists nothing from the first bad event on: a changed sign-off is not shown as a sign-off', async () => {
    // Fixture events: 6 is the sign-off, 7 the exception (transcript/fixtures.ts).
    await withEngine([tamperedCopy(6)], async (engine) => {
      const report = await open(engine);
      expect(report.verification.firstBadEvent?.index).toBe(6);
      expect(report.signOffs).toEqual({ items: [], total: 0 });
      expect(report.exceptions).toEqual({ items: [], total: 0 });
      expect(report.participants.total).toBe(3);
    });
  });

  it('says a file that is not a bundle is unreadable, and refuses a folder chosen as an archive', async () => {
    const notABundle = join(work, 'not-a-bundle.tar');
    writeFileSync(notABundle, 'hello');
    await withEngine([notABundle, bundle], async (engine) => {
      const unreadable = (await open(engine, 'archive')).verification;
      expect(unreadable.status).toBe('unreadable');
      expect(unreadable.summary).toBe('The bundle could not be read: tar archive ends without its end marker');
      await expect(open(engine, 'archive')).rejects.toMatchObject({ code: 'AUDITOR_NOT_A_BUNDLE' });
    });
  });

  it('says why a bundle could not be read without naming its path', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/media/auditor/bundle/keys.txt'"), { code: 'EACCES' });
    expect(unreadableReason(denied)).toBe('a file in it could not be read (EACCES)');
    expect(unreadableReason(new Error('tar header checksum mismatch'))).toBe('tar header checksum mismatch');
  });

  it('stops an open that is cancelled, and records it', async () => {
    await withEngine([bundle], async (engine, events) => {
      const { chosen } = await engine.handlers['auditor/chooseBundle']({ kind: 'folder' });
      const handle = chosen?.handle ?? '';
      const opening = engine.handlers['auditor/openBundle']({ handle });
      expect(await engine.handlers['auditor/cancelOpen']({ handle })).toEqual({ cancelled: true });
      await expect(opening).rejects.toMatchObject({ code: 'AUDITOR_CANCELLED' });
      expect(events.some((e) => e.name === 'audit/recorded' && e.payload.type === 'auditor.open-cancelled')).toBe(true);
      expect(await engine.handlers['auditor/cancelOpen']({ handle })).toEqual({ cancelled: false });
    });
  });

  it('answers null when the person cancels the chooser, and refuses handles it never gave and hosts without a chooser', async () => {
    await withEngine([null], async (engine) => {
      expect(await engine.handlers['auditor/chooseBundle']({ kind: 'folder' })).toEqual({ chosen: null });
      await expect(Promise.resolve().then(() => engine.handlers['auditor/openBundle']({ handle: `bundle-${'0'.repeat(32)}` }))).rejects.toMatchObject({ code: 'AUDITOR_UNKNOWN_BUNDLE' });
    });
    const engine = createEngine({ dataDir: join(work, 'data'), host: 'cli', version: '0.0.0-test' });
    await expect(engine.handlers['auditor/chooseBundle']({ kind: 'folder' })).rejects.toMatchObject({ code: 'AUDITOR_NO_CHOOSER' });
    await engine.close();
  });

  it('pages the timeline in order', async () => {
    await withEngine([bundle], async (engine) => {
      const { handle } = await open(engine);
      const page = await engine.handlers['auditor/timeline']({ handle, from: 25, count: 10 });
      expect(page.total).toBe(30);
      expect(page.entries.map((e) => e.seq)).toEqual([25, 26, 27, 28, 29]);
    });
  });
});

describe('auditor: export the report', () => {
  it('writes the HTML and PDF report into the chosen folder, and never overwrites one', async () => {
    const out = mkdtempSync(join(work, 'report-'));
    await withEngine([bundle, out, out], async (engine) => {
      const { handle } = await open(engine);
      const { written } = await engine.handlers['auditor/exportReport']({ handle });
      expect(written?.files).toEqual(['keyrite.example-ceremony-2026-11-28-root-audit-report.html', 'keyrite.example-ceremony-2026-11-28-root-audit-report.pdf']);
      const [html, pdf] = (written?.files ?? []).map((name) => readFileSync(join(out, name)));
      expect(html?.toString('utf8')).toContain('data-status="verified"');
      expect(pdf?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await expect(engine.handlers['auditor/exportReport']({ handle })).rejects.toMatchObject({ code: 'AUDITOR_REPORT_EXISTS' });
    });
  });
});

describe('auditor: a hostile bundle', () => {
  it('fails a bundle with a file its manifest does not list, and names the file', async () => {
    const copy = join(mkdtempSync(join(work, 'extra-')), 'bundle');
    cpSync(bundle, copy, { recursive: true });
    copyFileSync(join(copy, 'keys.txt'), join(copy, 'keys-copy.txt'));
    await withEngine([copy], async (engine) => {
      const report = await open(engine);
      expect(AuditReport.safeParse(report).success).toBe(true);
      expect(report.verification.status).toBe('tampered');
      expect(report.verification.manifestProblems).toEqual(['keys-copy.txt is not in the manifest']);
    });
  });

  it('clips any text to its bound, keeping short text as it is', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.integer({ min: 2, max: 2000 }), (value, max) => {
        const clipped = clip(value, max);
        expect(clipped.length).toBeLessThanOrEqual(max);
        if (value.length <= max) expect(clipped).toBe(value);
        else expect(value.startsWith(clipped.slice(0, -1))).toBe(true);
      }),
    );
  });

  it('gives any recorded digest as hex and words within bounds, and words that round-trip for BIP-39 lengths', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 3000 }), fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => bytesToHex(b))), (recorded) => {
        const digest = readableDigest(recorded);
        expect(ReadableDigest.safeParse(digest).success).toBe(true);
        if ([32, 40, 48, 56, 64].includes(recorded.length) && /^[0-9a-f]+$/.test(recorded)) expect(bytesToHex(wordsToDigest(digest.words))).toBe(recorded);
      }),
    );
  });
});
