/**
 * Long work at the ceremony (issue #8): progress reports from the share
 * sealing and opening KDFs, the loads into each HSM and the bundle's
 * verification, and the operator's cancel where it is safe. Real runs of
 * built-in ceremonies 2 and 3 on SoftHSM rehearsal tokens, production share
 * KDF; the cancel is pressed from inside the progress stream, so it lands
 * mid-work whatever the machine's speed.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyriteError } from '../../../../shared/result.ts';
import { SecretBytes } from '../../../../shared/secret-bytes.ts';
import { deriveShareKey, kdfStats, PRODUCTION_KDF } from '../../shares/kdf.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { nodeSha256 } from '../../transcript/node-sha256.ts';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import { loadScriptFile } from '../read-script.ts';
import { loadAnswersFile } from './answers.ts';
import { answersInputs, shareFileAt } from './answers-inputs.ts';
import type { CeremonyInputs, InputNote } from './inputs.ts';
import { runRehearsal } from './run-ceremony.ts';
import { bundleEvents, CEREMONIES, FIXTURES, freshOut } from './test-support.ts';
import { CeremonyWork, type WorkReport } from './work-progress.ts';

/** Low participant-credential cost for tests only (PARTICIPANT_KDF in production); the share KDF stays at production cost. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };
const secret = (text: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(text));

/** The answers file's inputs, with the questions asked and the notes given recorded in order. */
function recordingInputs(inner: CeremonyInputs): CeremonyInputs & { asked: string[]; notes: InputNote[] } {
  const asked: string[] = [];
  const notes: InputNote[] = [];
  return {
    ...inner,
    asked,
    notes,
    sealPassphrase(ask) {
      asked.push(`seal:${ask.custodian}`);
      return inner.sealPassphrase(ask);
    },
    notify(note) {
      notes.push(note);
    },
  };
}

/** Reports of one kind of work, as the screen would see them. */
const of = (reports: WorkReport[], work: WorkReport['work']): WorkReport[] => reports.filter((r) => r.work === work);

/** Every report of one piece of work runs forward: `done` never goes back and stays within `total`. */
function expectForward(reports: WorkReport[]): void {
  for (const [i, r] of reports.entries()) {
    expect(r.done).toBeLessThanOrEqual(r.total);
    if (i > 0) expect(r.done).toBeGreaterThanOrEqual((reports[i - 1] as WorkReport).done);
  }
}

describe('a share\'s KDF stops waiting when its signal aborts', () => {
  it('refuses before deriving when already aborted, and rejects with the reason mid-derivation', async () => {
    const before = kdfStats.derivations;
    const stopped = new AbortController();
    stopped.abort(new KeyriteError('CEREMONY_WORK_CANCELLED', 'cancelled before it began'));
    const passphrase = secret('a share passphrase');
    const salt = new Uint8Array(16).fill(7);
    await expect(deriveShareKey(passphrase, { ...PRODUCTION_KDF, salt }, undefined, stopped.signal)).rejects.toThrow('cancelled before it began');
    expect(kdfStats.derivations).toBe(before);
    const midway = new AbortController();
    const running = deriveShareKey(passphrase, { ...PRODUCTION_KDF, salt }, undefined, midway.signal);
    midway.abort(new KeyriteError('CEREMONY_WORK_CANCELLED', 'cancelled midway'));
    await expect(running).rejects.toThrow('cancelled midway');
    // Nothing is left behind: the same passphrase derives again (the native job's late key was wiped, not handed out).
    const key = await deriveShareKey(passphrase, { ...PRODUCTION_KDF, salt });
    expect(key).toHaveLength(32);
    passphrase.wipe();
  });
});

describe('CeremonyWork', () => {
  it('refuses to cancel when nothing cancellable runs, and reports uncancellable work as such', async () => {
    const reports: WorkReport[] = [];
    const work = new CeremonyWork((r) => reports.push(r));
    expect(work.cancel()).toBe(false);
    work.report({ step: 's', work: 'loading-key', label: 'Loading into HSM 1 of 2', item: 1, items: 2, done: 0, total: 2, state: 'running' });
    expect(work.canCancel).toBe(false);
    expect(work.cancel()).toBe(false);
    expect(reports[0]?.cancellable).toBe(false);
    const done = await work.cancellable({ step: 's', work: 'opening-share', items: 1, label: () => 'Opening' }, async (_signal, progress) => {
      progress(1, 0.5);
      expect(work.canCancel).toBe(true);
      return 42;
    });
    expect(done).toBe(42);
    expect(work.canCancel).toBe(false);
    expect(reports.slice(1).map((r) => [r.state, r.done, r.cancellable])).toEqual([['running', 0, true], ['running', 500, true], ['finished', 1000, false]]);
  });

  it('a cancel ends the work as cancelled by the operator; an abort ends it with the abort itself (not recorded as a cancel)', async () => {
    const work = new CeremonyWork();
    const running = (): Promise<never> => work.cancellable({ step: 's', work: 'sealing-share', items: 2, label: (k) => `Sealing share ${k} of 2` }, (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))));
    const cancelled = running();
    expect(work.cancel()).toBe(true);
    await expect(cancelled).rejects.toMatchObject({ code: 'CEREMONY_WORK_CANCELLED', message: 'Sealing share 1 of 2: cancelled by the operator.' });
    const aborted = running();
    const abort = new KeyriteError('CEREMONY_ABORTED', 'Aborted by the people in the room: fire drill');
    expect(work.cancel(abort)).toBe(true);
    await expect(aborted).rejects.toBe(abort);
    // Work that finishes although its signal was aborted ends the same way.
    const finishing = work.cancellable({ step: 's', work: 'opening-share', items: 1, label: () => 'Opening' }, async () => {
      work.cancel(abort);
      return 1;
    });
    await expect(finishing).rejects.toBe(abort);
  });
});

describe('ceremony 2: sealing shares shows progress and may be cancelled; loads and the close may not', () => {
  let out: string;
  let reports: WorkReport[];
  let inputs: ReturnType<typeof recordingInputs>;
  let cancelledAt: WorkReport | undefined;

  beforeAll(async () => {
    const parsed = await loadScriptFile(join(CEREMONIES, '02-master-key-split-and-load.yaml'));
    const answers = await loadAnswersFile(join(FIXTURES, '02-master-key-split-and-load.answers.yaml'));
    inputs = recordingInputs(answersInputs(answers));
    reports = [];
    const work: CeremonyWork = new CeremonyWork((report) => {
      reports.push(report);
      // The operator presses Cancel once, while share 2 of 5 is being sealed.
      if (cancelledAt === undefined && report.work === 'sealing-share' && report.item === 2 && report.state === 'running') {
        cancelledAt = report;
        expect(work.cancel()).toBe(true);
      }
    });
    out = freshOut();
    const outcome = await runRehearsal({ parsed, inputs, outFolder: out, kdfCost: cheap, observer: { work } });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.status).toBe('closed');
  }, 120_000);

  it('records the cancellation at its step, with nothing written, before the one share set issued', () => {
    const events = bundleEvents(out);
    const cancelled = events.filter((e) => e.type === 'work/cancelled');
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]?.step).toBe('split');
    expect(cancelled[0]?.payload).toMatchObject({ work: 'sealing-share', item: 2, items: 5, label: 'Sealing share 2 of 5, for Dora Custodian', kept: 'No share was kept and nothing was written.' });
    const issued = events.filter((e) => e.type === 'share-set/issued');
    expect(issued).toHaveLength(1);
    expect(events.indexOf(cancelled[0] as never)).toBeLessThan(events.indexOf(issued[0] as never));
    // One share file per custodian on the media: the cancelled sealing wrote none.
    const media = join(out, 'media');
    for (const custodian of readdirSync(media)) expect(readdirSync(join(media, custodian)).filter((n) => n.endsWith('.share'))).toHaveLength(1);
  });

  it('asks the same question again: every custodian\'s share passphrase, from the first', () => {
    const custodians = ['carl', 'dora', 'ed', 'fay', 'gus'].map((c) => `seal:${c}`);
    expect(inputs.asked).toEqual([...custodians, ...custodians]);
    expect(inputs.notes.filter((n) => n.kind === 'refused').map((n) => (n as { code: string }).code)).toEqual(['CEREMONY_WORK_CANCELLED']);
  });

  it('reports the sealing in order, ending cancelled then at its total; each HSM load and the verification, none cancellable', () => {
    const sealing = of(reports, 'sealing-share');
    const cut = sealing.findIndex((r) => r.state === 'cancelled');
    expect(cut).toBeGreaterThan(0);
    expectForward(sealing.slice(0, cut));
    expectForward(sealing.slice(cut + 1));
    expect(sealing.slice(0, cut).every((r) => r.cancellable && r.state === 'running')).toBe(true);
    const last = sealing.at(-1) as WorkReport;
    expect(last).toMatchObject({ state: 'finished', done: last.total, item: 5, items: 5, cancellable: false });
    expect(sealing.slice(cut + 1).map((r) => r.item)).toEqual([...sealing.slice(cut + 1).map((r) => r.item)].sort((a, b) => a - b));

    expect(of(reports, 'loading-key').map((r) => [r.item, r.done, r.total, r.state, r.cancellable])).toEqual([[1, 0, 2, 'running', false], [2, 1, 2, 'running', false], [2, 2, 2, 'finished', false]]);
    expect(of(reports, 'verifying-bundle').map((r) => [r.done, r.total, r.state, r.cancellable])).toEqual([[0, 1, 'running', false], [1, 1, 'finished', false]]);
    // Public values only: nothing a custodian typed is in any report.
    const text = JSON.stringify(reports);
    for (const passphrase of ['carl share passphrase', 'dora share passphrase', 'gus share passphrase']) expect(text).not.toContain(passphrase);
  });

  it('leaves a transcript that verifies', () => {
    expect(verifyBundle(readBundle(join(out, 'bundle')), { sha256: nodeSha256 }).status).toBe('verified');
  });

  describe('ceremony 3 over its shares: opening a share may be cancelled, and the share is presented again', () => {
    let recovery: string;
    let opened: WorkReport[];
    let asked: string[];

    beforeAll(async () => {
      // Ceremony 3's answers file names ./previous: ceremony 2's output, beside it.
      const root = mkdtempSync(join(tmpdir(), 'keyrite-work-'));
      mkdirSync(join(root, 'previous'));
      const answersPath = join(root, 'answers.yaml');
      writeFileSync(answersPath, readFileSync(join(FIXTURES, '03-recovery.answers.yaml')));
      const answers = await loadAnswersFile(answersPath);
      const previous = { bundle: join(out, 'bundle'), shares: Object.fromEntries(Object.keys(answers.previous?.shares ?? {}).map((id) => [id, join(out, 'media', id)])) };
      const inner = answersInputs({ ...answers, previous });
      asked = [];
      let again: string | undefined;
      const inputs: CeremonyInputs = {
        ...inner,
        nextShare(ask) {
          // The cancelled share is presented again by its custodian; the answers file would move on to the next.
          if (again !== undefined) {
            const custodian = again;
            again = undefined;
            asked.push(`share:${custodian}`);
            return Promise.resolve({ custodian, file: shareFileAt(custodian, previous.shares[custodian] as string), passphrase: secret(answers.custodianPassphrases[custodian] as string) });
          }
          return inner.nextShare(ask).then((presented) => {
            if (presented !== undefined && typeof presented === 'object') asked.push(`share:${presented.custodian}`);
            return presented;
          });
        },
        notify(note) {
          if (note.kind === 'refused' && note.code === 'CEREMONY_WORK_CANCELLED') again = asked.at(-1)?.replace('share:', '');
        },
      };
      opened = [];
      let cancelled = false;
      const work: CeremonyWork = new CeremonyWork((report) => {
        if (report.work === 'opening-share') opened.push(report);
        if (!cancelled && report.work === 'opening-share' && report.state === 'running') {
          cancelled = true;
          work.cancel();
        }
      });
      recovery = freshOut();
      const parsed = await loadScriptFile(join(CEREMONIES, '03-recovery.yaml'));
      const outcome = await runRehearsal({ parsed, inputs, outFolder: recovery, kdfCost: cheap, observer: { work } });
      expect(outcome.failure).toBeUndefined();
      expect(outcome.status).toBe('closed');
    }, 120_000);

    it('records the cancelled opening, asks for a share again, and rebuilds from three accepted shares', () => {
      const events = bundleEvents(recovery);
      const cancelled = events.filter((e) => e.type === 'work/cancelled');
      expect(cancelled).toHaveLength(1);
      expect(cancelled[0]?.payload).toMatchObject({ work: 'opening-share', label: 'Opening the share of Carl Custodian' });
      expect(events.filter((e) => e.type === 'share/accepted').map((e) => e.payload['custodian'])).toEqual(['carl', 'ed', 'gus']);
      expect(asked.slice(0, 2)).toEqual(['share:carl', 'share:carl']);
      expect(opened.map((r) => r.state).filter((s) => s !== 'running')).toEqual(['cancelled', 'finished', 'finished', 'finished']);
      expect(verifyBundle(readBundle(join(recovery, 'bundle')), { sha256: nodeSha256 }).status).toBe('verified');
    });
  });
});
