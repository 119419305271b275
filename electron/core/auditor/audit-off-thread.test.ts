/**
 * The audit runs on a worker thread, so the engine's thread (Electron's
 * main process) keeps answering while a big bundle verifies, and a cancel
 * stops it mid-verification; the in-thread fallback gives the same report.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditorProgress } from '../../../shared/contract/auditor.ts';
import { exportBundle } from '../transcript/bundle-export.ts';
import { fixtureTranscript } from '../transcript/fixtures.ts';
import { startAudit, type AuditRequest } from './audit-off-thread.ts';

let work: string;
const request = (path: string): AuditRequest => ({ path, kind: 'folder', handle: `bundle-${'c'.repeat(32)}`, name: 'bundle' });

async function bundleOf(events: number, name: string): Promise<string> {
  const { transcript, keys } = await fixtureTranscript(events, [Math.floor(events / 2), events]);
  const source = join(work, `${name}-transcript`);
  mkdirSync(join(source, 'checkpoints'), { recursive: true });
  for (const [path, bytes] of transcript.files()) writeFileSync(join(source, path), bytes);
  return (await exportBundle(source, join(work, name), keys)).folder;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyrite-audit-thread-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('auditing off the engine thread', () => {
  it('runs on a worker and gives the same report as the in-thread fallback', async () => {
    const bundle = await bundleOf(40, 'small');
    const phases: AuditorProgress['phase'][] = [];
    const onWorker = startAudit(request(bundle), (phase) => phases.push(phase));
    const here = startAudit(request(bundle), () => undefined, { useWorker: false });
    const [a, b] = await Promise.all([onWorker.done, here.done]);
    expect(onWorker.where()).toBe('worker');
    expect(here.where()).toBe('this-thread');
    expect(a.report).toEqual(b.report);
    expect(a.report.verification.status).toBe('verified');
    expect(phases).toEqual(['reading', 'verifying', 'summarising']);
  });

  it('stops a verification in progress when cancelled: no summary ever comes', async () => {
    const bundle = await bundleOf(5_000, 'large');
    const phases: AuditorProgress['phase'][] = [];
    let cancel = (): void => undefined;
    const audit = startAudit(request(bundle), (phase) => {
      phases.push(phase);
      if (phase === 'verifying') cancel();
    });
    cancel = audit.cancel;
    await expect(audit.done).rejects.toMatchObject({ code: 'AUDITOR_CANCELLED' });
    expect(audit.where()).toBe('worker');
    expect(phases).toEqual(['reading', 'verifying']);
  });

  it('reports a typed failure from the worker as the same typed error', async () => {
    const audit = startAudit({ ...request(join(work, 'missing')), kind: 'folder' }, () => undefined);
    await expect(audit.done).rejects.toMatchObject({ code: 'AUDITOR_BUNDLE_MISSING' });
  });
});
