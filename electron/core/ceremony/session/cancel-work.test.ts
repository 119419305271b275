/**
 * `ceremony/cancelWork` through the router into the engine: any payload but
 * `{}` is refused by the contract before a handler runs, and a well-formed
 * cancel is refused in words when nothing cancellable runs (no ceremony; a
 * ceremony waiting for people), leaving the question where it was. The
 * cancel of a running KDF is proved in ../runner/work-progress.test.ts and,
 * through the screen, in e2e/specs/ceremony-work-progress.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CeremonyView } from '../../../../shared/contract/ceremony.ts';
import type { KeyriteEvent } from '../../../../shared/contract.ts';
import { createRouter, type Refusal } from '../../../ipc/router.ts';
import { createEngine, type Engine } from '../../engine.ts';

const SENDER = { webContentsId: 1, isTopFrame: true, frameUrl: 'app://keyrite/index.html' };
type Answer = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

let dataDir: string;
let engine: Engine;
const refused: Refusal[] = [];
const audited: string[] = [];
let route: (command: string, payload: unknown) => Promise<Answer>;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'keyrite-cancel-'));
  engine = createEngine({ dataDir, host: 'test-bridge', version: '0.0.0-test' });
  engine.onEvent((event: KeyriteEvent) => {
    if (event.name === 'audit/recorded') audited.push(`${event.payload.type}: ${event.payload.summary}`);
  });
  const router = createRouter({ handlers: engine.handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' }, onRefused: (r) => refused.push(r) });
  route = async (command, payload) => (await router.route(SENDER, command, payload)) as Answer;
});
afterAll(async () => {
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Plain objects with no own member are the one valid payload. */
const isEmptyObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

describe('ceremony/cancelWork at the boundary', () => {
  it('refuses every payload but {} as malformed, before any handler runs', async () => {
    const fixed: unknown[] = [null, undefined, [], 'cancel', 1, { requestId: 1 }, { reason: 'stop' }, JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: {} }, { toString: 'x' }];
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...fixed), fc.anything().filter((v) => !isEmptyObject(v))), async (payload) => {
        const answer = await route('ceremony/cancelWork', payload);
        expect(answer.ok).toBe(false);
        expect(answer.error?.code).toBe('BOUNDARY_INVALID_REQUEST');
        expect(answer.error?.message).toContain('ceremony/cancelWork');
      }),
      { numRuns: 200 },
    );
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(refused.every((r) => r.command === 'ceremony/cancelWork' && r.code === 'BOUNDARY_INVALID_REQUEST')).toBe(true);
  });

  it('refuses a cancel in words when no ceremony is open, and when the ceremony waits for people; the question stays', { timeout: 120_000 }, async () => {
    expect((await route('ceremony/cancelWork', {})).error?.code).toBe('CEREMONY_NOT_STARTED');
    const scripts = ((await route('ceremony/listScripts', {})).value as { scripts: { handle: string; id: string }[] }).scripts;
    const handle = scripts.find((s) => s.id === 'hsm-inventory-and-policy')?.handle as string;
    expect((await route('ceremony/start', { handle })).ok).toBe(true);
    let view: CeremonyView['session'] = null;
    for (let i = 0; i < 3000 && (view?.request ?? null) === null; i++) {
      view = ((await route('ceremony/view', {})).value as CeremonyView).session;
      if ((view?.request ?? null) === null) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const waiting = view?.request?.id;
    expect(waiting).toBeGreaterThan(0);
    const answer = await route('ceremony/cancelWork', {});
    expect(answer.error?.code).toBe('CEREMONY_NOTHING_TO_CANCEL');
    expect(answer.error?.message).toMatch(/only sealing or opening a share can be/);
    expect(audited.some((line) => line.startsWith('ceremony.cancel-refused: Nothing that can be cancelled'))).toBe(true);
    expect(((await route('ceremony/view', {})).value as CeremonyView).session?.request?.id).toBe(waiting);
    await route('ceremony/abort', { reason: 'test over' });
  });
});
