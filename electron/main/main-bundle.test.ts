/**
 * The main process wiring, end to end without an Electron binary: the real
 * vite.main.config.ts builds the real bundle, and main-bundle.harness.ts
 * runs it in a child Node process with a fake `electron` module, reporting
 * what the wiring did. The pure policies have their own tests; this one
 * proves index.ts plugs them in, in the right order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandChannel, commandNames } from '../../shared/contract.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';
import { readCaptureLines } from './e2e-capture.ts';
import { mainWebPreferences } from './window-options.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const harness = fileURLToPath(new URL('./main-bundle.harness.ts', import.meta.url));
let work = '';
let bundle = '';

type Report = Record<string, unknown> & { timeline: string[] };

function runBundle(extraArgs: string[] = [], env: Record<string, string> = {}): Report {
  const userData = mkdtempSync(path.join(work, 'user-data-'));
  const child = spawnSync(process.execPath, [harness, bundle, userData, ...extraArgs], {
    cwd: root,
    encoding: 'utf8',
    // pkcs11js is external to the bundle: resolve it from the repository's node_modules.
    env: { PATH: process.env['PATH'] ?? '', NODE_PATH: path.join(root, 'node_modules'), ...env },
    timeout: 30_000,
  });
  expect(child.status, child.stderr).toBe(0);
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Report;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'keyrite-main-bundle-'));
  const outDir = path.join(work, '.vite', 'build');
  await build({ configFile: path.join(root, 'vite.main.config.ts'), root, logLevel: 'silent', build: { outDir } });
  bundle = path.join(outDir, 'main.cjs');
  const rendererDir = path.join(work, '.vite', 'renderer', 'main_window');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Keyrite</title>');
}, 60_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the built main process, run against a fake electron', () => {
  let report: Report;
  beforeAll(() => {
    report = runBundle();
  });

  it('registers app:// as privileged and enables the sandbox before the app is ready', () => {
    expect(report.timeline[0]).toBe('registerSchemesAsPrivileged:[{"scheme":"app","privileges":{"standard":true,"secure":true}}]:ready=false');
    expect(report.timeline[1]).toBe('enableSandbox:ready=false');
    expect(report.timeline[2]).toBe('singleInstanceLock');
  });

  it('hardens the session and serves app:// before it opens the window', () => {
    const order = (entry: string) => report.timeline.indexOf(entry);
    expect(order('protocol.handle:app')).toBeGreaterThan(-1);
    expect(order('protocol.handle:app')).toBeLessThan(order('BrowserWindow'));
    expect(order('spellchecker:false')).toBeLessThan(order('BrowserWindow'));
    expect(report.timeline).toContain('setApplicationMenu:null');
  });

  it('opens the window with the hardened preferences and the built preload, on app://keyrite', () => {
    const options = report['windowOptions'] as { webPreferences: Record<string, unknown> };
    const preload = options.webPreferences['preload'] as string;
    expect(path.basename(preload)).toBe('preload.cjs');
    expect(path.dirname(preload)).toBe(path.dirname(bundle));
    expect(options.webPreferences).toEqual(mainWebPreferences(preload));
    expect(report['loaded']).toBe('app://keyrite/index.html');
  });

  it('registers one IPC channel per contract command and nothing else', () => {
    expect(report['channels']).toEqual(commandNames.map(commandChannel).sort());
  });

  it('answers our window and refuses another origin, reporting the refusal to the window', () => {
    expect(report['describe']).toEqual({ ok: true, value: { name: 'Keyrite', version: '0.1.0-test', host: 'electron', rehearsal: true } });
    expect(report['foreign']).toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNTRUSTED_SENDER' } });
    const sent = report['sent'] as { channel: string; payload: { name: string; payload: { kind?: string; type?: string } } }[];
    expect(sent.every((message) => message.channel === 'keyrite:event')).toBe(true);
    expect(sent.some((message) => message.payload.name === 'boundary/refused' && message.payload.payload.kind === 'ipc')).toBe(true);
    expect(sent.some((message) => message.payload.name === 'audit/recorded' && message.payload.payload.type === 'boundary.refused')).toBe(true);
  });

  it('wires navigation, window.open and network refusal into the window and its session', () => {
    expect(report['navigationPrevented']).toBe(true);
    expect(report['windowOpen']).toEqual({ action: 'deny' });
    expect(report['networkResponse']).toEqual({ cancel: true });
    expect(report['sessionHandlers']).toEqual(['bluetoothPairing', 'devicePermission', 'onBeforeRequest', 'permissionCheck', 'permissionRequest', 'protocol:app', 'usbProtectedClasses']);
  });

  it('serves the renderer on app:// with the CSP and nosniff, and refuses traversal with them too', () => {
    expect(report['page']).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY, nosniff: 'nosniff', body: '<!doctype html><title>Keyrite</title>' });
    expect(report['traversal']).toEqual({ status: 403, csp: CONTENT_SECURITY_POLICY });
  });
});

describe("the e2e project's record of what the renderer received (test only)", () => {
  const playwright = ['--inspect=0', '--remote-debugging-port=0'];

  it('unpackaged, with KEYRITE_E2E_RECEIVED: starts under Playwright\'s two switches and records every answer and every event as the renderer got them', () => {
    const file = path.join(mkdtempSync(path.join(work, 'e2e-')), 'received.jsonl');
    const report = runBundle(playwright, { KEYRITE_HARNESS_UNPACKAGED: '1', KEYRITE_E2E_RECEIVED: file });
    expect(report['exited']).toBeUndefined();
    const received = readCaptureLines(readFileSync(file, 'utf8')).map((line) => ('received' in line ? line.received : line));
    const sent = (report['sent'] as { payload: unknown }[]).map((message) => message.payload);
    expect(sent.length).toBeGreaterThan(0);
    expect(received.filter((message) => !('ok' in (message as object)))).toEqual(sent);
    expect(received.filter((message) => 'ok' in (message as object))).toEqual([report['describe'], report['foreign']]);
  });

  it('packaged, with KEYRITE_E2E_RECEIVED: refuses to start and writes nothing', () => {
    const file = path.join(mkdtempSync(path.join(work, 'e2e-')), 'received.jsonl');
    const report = runBundle([], { KEYRITE_E2E_RECEIVED: file });
    expect(report['exited']).toBe(78);
    expect(report.timeline).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it("unpackaged, without it: Playwright's switches are refused like any debugger", () => {
    const report = runBundle(playwright, { KEYRITE_HARNESS_UNPACKAGED: '1' });
    expect(report['exited']).toBe(78);
  });
});

describe('the built main process refuses to start under a debugger', () => {
  it.each([[['--inspect=9229'], {}], [['--remote-debugging-port=9222'], {}], [[], { ELECTRON_RUN_AS_NODE: '1' }]] as const)('argv %j env %j: exits before registering anything', (args, env) => {
    const report = runBundle([...args], { ...env });
    expect(report['exited']).toBe(78);
    expect(report.timeline).toEqual([]);
  });
});
