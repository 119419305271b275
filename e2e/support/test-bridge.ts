/**
 * TEST ONLY: the test-process half of the bridge. Every call from the page
 * goes through the same router (sender check, size cap, schemas, secret
 * check) and every event through the same outgoing check as in the Electron
 * main process. Everything the page receives is captured, so a spec can
 * scan it for secrets; every event the outgoing check holds back (a secret
 * in it, or outside the contract) is recorded by name and reason, and the
 * app fixture fails the test over it: a leak the check caught is still a
 * leak the engine tried to make, and the renderer missed an event.
 */
import type { Frame, Page } from '@playwright/test';
import { build } from 'vite';
import { createRouter } from '../../electron/ipc/router.ts';
import { checkOutgoingEvent } from '../../electron/ipc/outgoing-event.ts';
import type { SenderInfo } from '../../electron/ipc/sender-policy.ts';
import type { Engine } from '../../electron/core/engine.ts';
import { KeyriteError } from '../../shared/result.ts';

/** What Playwright tells a binding about its caller. */
interface BindingSource {
  page: Page;
  frame: Frame;
}

/** The one WebContents id the bridge trusts: the page under test. */
const PAGE_ID = 1;

let pageBridgeCode: Promise<string> | null = null;

/** Bundles page-bridge.ts (and the shared/ code it imports) into one script. */
export function pageBridgeScript(): Promise<string> {
  pageBridgeCode ??= (async () => {
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        write: false,
        minify: false,
        lib: { entry: new URL('./page-bridge.ts', import.meta.url).pathname, formats: ['iife'], name: 'KeyriteTestBridge' },
      },
    });
    const first = Array.isArray(output) ? output[0] : output;
    const chunk = first !== undefined && 'output' in first ? first.output[0] : undefined;
    if (chunk === undefined || chunk.type !== 'chunk') throw new Error('could not bundle the page bridge');
    return chunk.code;
  })();
  return pageBridgeCode;
}

/** An event the outgoing check held back: its name, the check's code (SECRET_LEAK, BOUNDARY_INVALID_EVENT) and reason, never its payload. */
export interface DroppedEvent {
  event: string;
  code: string;
  reason: string;
}

export interface TestBridge {
  /** Every message the page received: command answers and events. */
  readonly received: unknown[];
  /** Every event the outgoing check refused to send. */
  readonly dropped: DroppedEvent[];
  detach(): void;
  /** TEST ONLY: the page talks to `engine` from now on (a restart after a simulated power cut); `received` goes on. */
  replaceEngine(engine: Engine): void;
}

export async function attachTestBridge(page: Page, engine: Engine, origin: string): Promise<TestBridge> {
  const received: unknown[] = [];
  const dropped: DroppedEvent[] = [];
  const senderOf = (source: BindingSource): SenderInfo => ({
    webContentsId: source.page === page ? PAGE_ID : null,
    isTopFrame: source.frame.parentFrame() === null,
    frameUrl: source.frame.url(),
  });
  let connection = connect(page, engine, origin, received, dropped);
  await page.exposeBinding('__keyriteTestBridgeInvoke', async (source: BindingSource, name: unknown, request: unknown) => {
    const answer = await connection.router.route(senderOf(source), name, request);
    received.push(answer);
    return answer;
  });
  await page.addInitScript({ content: await pageBridgeScript() });
  return {
    received,
    dropped,
    detach: () => connection.stop(),
    replaceEngine(next) {
      connection.stop();
      connection = connect(page, next, origin, received, dropped);
    },
  };
}

/** One engine behind the page: its router (the same checks as Electron's main process) and its events, checked on the way out. */
function connect(page: Page, engine: Engine, origin: string, received: unknown[], dropped: DroppedEvent[]): { router: ReturnType<typeof createRouter>; stop: () => void } {
  const router = createRouter({
    handlers: engine.handlers,
    policy: { trustedWebContents: new Set([PAGE_ID]), origin },
    onRefused: (refusal) => engine.audit.record('boundary.refused', `Refused ${refusal.command}: ${refusal.reason}`),
    onInternalError: (command, error) => console.error(`[test-bridge] ${command} failed:`, error),
  });
  const stop = engine.onEvent((event) => {
    let checked;
    try {
      checked = checkOutgoingEvent(event);
    } catch (error) {
      console.error('[test-bridge] event not sent:', error);
      dropped.push({ event: event.name, code: error instanceof KeyriteError ? error.code : 'UNEXPECTED', reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    received.push(checked);
    page.evaluate((e) => (window as unknown as { __keyriteTestBridgeDeliver?: (x: unknown) => void }).__keyriteTestBridgeDeliver?.(e), checked).catch(() => {
      // The page may be navigating or closed; the event is in `received` either way.
    });
  });
  return { router, stop };
}
