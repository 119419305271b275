/**
 * Threats to the auditor's commands from a compromised renderer, through
 * the same router the Electron main process and the test bridge use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../ipc/router.ts';
import type { SenderInfo } from '../../ipc/sender-policy.ts';
import { createEngine, type Engine } from '../engine.ts';

const ORIGIN = 'app://keyrite';
const page: SenderInfo = { webContentsId: 1, isTopFrame: true, frameUrl: `${ORIGIN}/index.html` };
let work: string;
let engine: Engine;
const asked: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyrite-auditor-security-'));
  // The person at the machine would pick /etc; the renderer never gets to say so itself.
  engine = createEngine({ dataDir: work, host: 'cli', version: '0.0.0-test', chooser: { chooseBundle: (kind) => (asked.push(kind), Promise.resolve('/etc')), chooseReportFolder: () => Promise.resolve(null) } });
});
afterAll(async () => {
  await engine.close();
  rmSync(work, { recursive: true, force: true });
});

const router = () => createRouter({ handlers: engine.handlers, policy: { trustedWebContents: new Set([1]), origin: ORIGIN } });

describe('threat: the renderer names a file for the engine to read', () => {
  it('refuses a path in any auditor request: the contract has no field for one', async () => {
    for (const [command, request] of [
      ['auditor/chooseBundle', { kind: 'folder', path: '/etc/shadow' }],
      ['auditor/openBundle', { handle: `bundle-${'0'.repeat(32)}`, path: '/etc/shadow' }],
      ['auditor/openBundle', { handle: '/etc/shadow' }],
      ['auditor/exportReport', { handle: `bundle-${'0'.repeat(32)}`, folder: '/tmp' }],
    ] as const) {
      await expect(router().route(page, command, request)).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
    }
  });

  it('refuses a well-formed handle it never gave out', async () => {
    await expect(router().route(page, 'auditor/openBundle', { handle: `bundle-${'f'.repeat(32)}` })).resolves.toMatchObject({ ok: false, error: { code: 'AUDITOR_UNKNOWN_BUNDLE' } });
  });

  it('never sends the chosen path back: the renderer learns only a handle and the folder name', async () => {
    const answer = await router().route(page, 'auditor/chooseBundle', { kind: 'folder' });
    expect(answer).toMatchObject({ ok: true, value: { chosen: { name: 'etc', kind: 'folder' } } });
    expect(JSON.stringify(answer)).not.toContain('/etc');
    expect(asked).toEqual(['folder']);
  });
});

describe('threat: the renderer asks for more than a page', () => {
  it('refuses a timeline page larger than the contract allows', async () => {
    await expect(router().route(page, 'auditor/timeline', { handle: `bundle-${'0'.repeat(32)}`, from: 0, count: 1_000_000 })).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
  });
});
