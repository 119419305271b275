/**
 * Helpers for the long-work spec (ceremony-work-progress.spec.ts).
 *
 * TEST ONLY: `holdThreadPool` keeps every thread of libuv's pool in this
 * process (where the chromium project's engine runs, and where Node runs
 * Argon2) waiting in open(2) on a FIFO, so the share KDF the engine starts
 * next waits in the pool's queue, its progress bar showing, for as long as
 * the spec needs to check the screen and press Cancel (a production KDF
 * takes a quarter of a second; a machine busy with other work makes it wait
 * the same way). Waiting costs no CPU. `release` opens the FIFO's other end
 * and every thread goes back to work; the hold also ends on its own after
 * `maxMs`, so a spec that fails cannot leave the pool stuck.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';

export interface ThreadPoolHold {
  /** Lets the pool's threads go; resolves once every one of them has. */
  release(): Promise<void>;
}

export function holdThreadPool(maxMs = 60_000): ThreadPoolHold {
  const threads = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
  const folder = mkdtempSync(join(tmpdir(), 'keyrite-hold-'));
  const fifo = join(folder, 'hold');
  execFileSync('mkfifo', [fifo]);
  const opened = Array.from({ length: threads }, () => new Promise<void>((resolve) => open(fifo, 'r', (error, fd) => {
    if (error === null) closeSync(fd);
    resolve();
  })));
  let released: Promise<void> | undefined;
  const release = (): Promise<void> => {
    released ??= (async () => {
      // O_RDWR: on Linux a FIFO opened for reading and writing never blocks
      // and never fails for want of a reader (fifo(7)), and as a writer it
      // wakes every thread waiting in open(2) for reading, however late one
      // gets there. It stays open until every one of them got through.
      const writer = openSync(fifo, constants.O_RDWR);
      try {
        await Promise.all(opened);
      } finally {
        closeSync(writer);
        clearTimeout(timer);
        rmSync(folder, { recursive: true, force: true });
      }
    })();
    return released;
  };
  const timer = setTimeout(() => void release(), maxMs);
  return { release };
}

/** The running work's panel, once the engine reports work whose label matches. */
export async function workShowing(page: Page, label: RegExp): Promise<{ panel: Locator; bar: Locator }> {
  const panel = page.getByTestId('work-progress');
  const bar = panel.getByRole('progressbar', { name: label });
  await bar.waitFor({ timeout: 120_000 });
  return { panel, bar };
}
