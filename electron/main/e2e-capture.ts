/**
 * TEST ONLY: the Electron e2e project's record of everything the main
 * process sends the renderer, so a spec can scan it for secrets as the
 * chromium project's test bridge lets it (e2e/support/secret-scan.ts).
 *
 * Off unless KEYRITE_E2E_RECEIVED names a file, which the e2e fixture sets
 * (e2e/support/fixtures.ts). Then every command answer and every event is
 * appended to it as one JSON line, after the router's and the outgoing
 * checks, exactly as it leaves for the renderer; an event the outgoing check
 * held back is named (event, code, reason, never its payload), so the
 * fixture fails the test over it as it does on chromium. No fsync: the file
 * is read by the test while the app runs, through the page cache.
 *
 * WARNING: a packaged app refuses to start with the variable set (a
 * ceremony machine never writes what its renderer saw to a file), and in
 * this mode, only, the launch guard lets through the two debugging
 * switches Playwright's Electron support always passes (PLAYWRIGHT_SWITCHES,
 * a debugger on a random loopback port), without which no spec can drive
 * the app. An unpackaged app is a developer's checkout: whoever can set its
 * environment can already change its code.
 */
import { appendFileSync } from 'node:fs';
import type { KeyriteEvent } from '../../shared/contract.ts';
import { KeyriteError } from '../../shared/result.ts';

export const E2E_RECEIVED_VARIABLE = 'KEYRITE_E2E_RECEIVED';

/** What Playwright's `_electron.launch` puts before the app's own arguments (playwright-core server/electron/electron.ts). */
export const PLAYWRIGHT_SWITCHES: readonly string[] = ['--inspect=0', '--remote-debugging-port=0'];

export type E2eMode = { kind: 'off' } | { kind: 'capture'; file: string } | { kind: 'refused'; reason: string };

/** Whether this launch is the e2e project's: the variable set, and the app not packaged. */
export function e2eModeOf(env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): E2eMode {
  const file = env[E2E_RECEIVED_VARIABLE];
  if (file === undefined || file === '') return { kind: 'off' };
  if (isPackaged) return { kind: 'refused', reason: `Keyrite refuses to start with ${E2E_RECEIVED_VARIABLE} set: it is a test-only switch, and a packaged app never writes what its renderer received to a file.` };
  return { kind: 'capture', file };
}

/** One line of the record: a message the renderer received, an event held back, or a message this record could not hold. */
export type CaptureLine = { received: unknown } | { dropped: { event: string; code: string; reason: string } } | { captureFailed: string };

export interface ReceivedCapture {
  /** A command answer or an event, as sent. */
  sent(message: unknown): void;
  /** An event the outgoing check refused to send. */
  dropped(event: KeyriteEvent, error: unknown): void;
}

/**
 * Byte arrays keep their bytes ({"$bytes": base64}); JSON.stringify alone
 * would write {"0":12,...}, and a typed array crosses IPC as one.
 */
function encode(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof ArrayBuffer) return { $bytes: Buffer.from(value).toString('base64') };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const bytes = (value as { $bytes?: unknown }).$bytes;
    if (keys.length === 1 && typeof bytes === 'string') return new Uint8Array(Buffer.from(bytes, 'base64'));
  }
  return value;
}

/** The record's line for `line`, newline included. */
export function captureLineOf(line: CaptureLine): string {
  return `${JSON.stringify(line, encode)}\n`;
}

/** Every line of a record file's text, byte arrays as Uint8Array again. */
export function readCaptureLines(text: string): CaptureLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line, decode) as CaptureLine);
}

/**
 * Appends to `file`. Never throws into the app: a message the record cannot
 * hold (a BigInt, a cycle) becomes a `captureFailed` line, which fails the
 * test, so a scan is never silently short of a message.
 */
export function createReceivedCapture(file: string, append: (file: string, text: string) => void = appendFileSync): ReceivedCapture {
  const write = (line: CaptureLine): void => {
    let text: string;
    try {
      text = captureLineOf(line);
    } catch (error) {
      text = captureLineOf({ captureFailed: error instanceof Error ? error.message : String(error) });
    }
    try {
      append(file, text);
    } catch (error) {
      console.error('[keyrite] the e2e record could not be written:', error);
    }
  };
  return {
    sent: (message) => write({ received: message }),
    dropped: (event, error) =>
      write({ dropped: { event: event.name, code: error instanceof KeyriteError ? error.code : 'UNEXPECTED', reason: error instanceof Error ? error.message : String(error) } }),
  };
}
