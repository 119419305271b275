import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyriteEvent } from '../../shared/contract.ts';
import { KeyriteError } from '../../shared/result.ts';
import { captureLineOf, createReceivedCapture, e2eModeOf, readCaptureLines } from './e2e-capture.ts';

const audit: KeyriteEvent = { name: 'audit/recorded', payload: { seq: 0, at: '2026-11-28T23:00:00.000Z', type: 'app.started', summary: 'started' } };

describe('the e2e mode (test only)', () => {
  it('is off without the variable, or with it empty', () => {
    expect(e2eModeOf({}, false)).toEqual({ kind: 'off' });
    expect(e2eModeOf({ KEYRITE_E2E_RECEIVED: '' }, true)).toEqual({ kind: 'off' });
  });

  it('records to the named file in an unpackaged app', () => {
    expect(e2eModeOf({ KEYRITE_E2E_RECEIVED: '/tmp/x/received.jsonl' }, false)).toEqual({ kind: 'capture', file: '/tmp/x/received.jsonl' });
  });

  it('refuses a packaged app started with the variable, saying why', () => {
    const mode = e2eModeOf({ KEYRITE_E2E_RECEIVED: '/tmp/x/received.jsonl' }, true);
    expect(mode).toMatchObject({ kind: 'refused' });
    if (mode.kind === 'refused') expect(mode.reason).toMatch(/KEYRITE_E2E_RECEIVED.*packaged/);
  });
});

describe('the record of what the renderer received (test only)', () => {
  let folder = '';
  afterEach(() => {
    if (folder !== '') rmSync(folder, { recursive: true, force: true });
    folder = '';
  });

  it('appends each message as one line, in order, read back as sent', () => {
    folder = mkdtempSync(join(tmpdir(), 'keyrite-e2e-capture-'));
    const file = join(folder, 'received.jsonl');
    const capture = createReceivedCapture(file);
    const answer = { ok: true, value: { name: 'Keyrite', key: new Uint8Array([0, 1, 2, 250, 255]) } };
    capture.sent(answer);
    capture.sent(audit);
    capture.dropped(audit, new KeyriteError('SECRET_LEAK', 'Event audit/recorded held a secret at $.summary; it was not sent.'));
    const lines = readCaptureLines(readFileSync(file, 'utf8'));
    expect(lines).toEqual([
      { received: answer },
      { received: audit },
      { dropped: { event: 'audit/recorded', code: 'SECRET_LEAK', reason: 'Event audit/recorded held a secret at $.summary; it was not sent.' } },
    ]);
    // The bytes come back as bytes, not as {"0":0,"1":1,...}.
    expect((lines[0] as { received: typeof answer }).received.value.key).toBeInstanceOf(Uint8Array);
  });

  it('names a dropped event by name, code and reason, never its payload', () => {
    const writes: string[] = [];
    const capture = createReceivedCapture('/unused', (_file, text) => writes.push(text));
    capture.dropped({ name: 'audit/recorded', payload: { ...audit.payload, summary: 'the payload text' } }, new Error('outside'));
    expect(writes).toHaveLength(1);
    expect(writes[0]).not.toContain('the payload text');
    expect(readCaptureLines(writes.join(''))).toEqual([{ dropped: { event: 'audit/recorded', code: 'UNEXPECTED', reason: 'outside' } }]);
  });

  it('writes a failure line for a message JSON cannot hold, and never throws into the app', () => {
    const writes: string[] = [];
    const capture = createReceivedCapture('/unused', (_file, text) => writes.push(text));
    expect(() => capture.sent({ ok: true, value: 10n })).not.toThrow();
    expect(readCaptureLines(writes.join(''))).toEqual([{ captureFailed: expect.stringMatching(/BigInt/) as unknown }]);
    const failing = createReceivedCapture('/unused', () => {
      throw new Error('disk full');
    });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => failing.sent(audit)).not.toThrow();
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });

  it('any plain message with byte arrays anywhere reads back equal (typed arrays of every kind as their bytes)', () => {
    const message = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.uint8Array(), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      // '$bytes' is the record's own tag; no contract message has that key.
      object: fc.dictionary(fc.string().filter((k) => k !== '__proto__' && k !== '$bytes'), tie('value'), { maxKeys: 4 }),
    })).value;
    fc.assert(
      fc.property(message, (m) => {
        expect(readCaptureLines(captureLineOf({ received: m }))).toEqual([{ received: m }]);
      }),
    );
    const words = new Uint16Array([0x0102, 0x0304]);
    const [line] = readCaptureLines(captureLineOf({ received: words }));
    expect((line as { received: Uint8Array }).received).toEqual(new Uint8Array(words.buffer));
  });
});
