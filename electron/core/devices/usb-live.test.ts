/**
 * The live USB path on this machine, nothing faked, in a child process: a
 * crash, an unhandled rejection or a libusb hotplug hook that keeps the
 * event loop alive all show in the child's exit, which the test process
 * itself could not observe about itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsbState } from './schemas.ts';

const probe = fileURLToPath(new URL('./fixtures/usb-live-probe.ts', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000 });

describe('live USB on this machine', () => {
  it('the harness would see an unhandled rejection and a hang', () => {
    expect(run(['-e', 'Promise.reject(new Error("boom"))']).status).not.toBe(0);
    const hang = spawnSync(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeout: 500 });
    expect(hang.signal).toBe('SIGTERM');
  });

  it('gives a typed state, exits on its own, no crash, no unhandled rejection', () => {
    const child = run([probe]);
    expect(child.signal).toBeNull(); // not killed by the timeout: nothing kept it alive
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const out = JSON.parse(child.stdout) as { state: unknown; forced: string; listed: number | string; watched: boolean; unhandled: string[] };
    const state = UsbState.parse(out.state);
    if (!existsSync('/sys/bus/usb')) {
      expect(state).toEqual({ available: false, reason: 'USB unavailable: no USB bus (/sys/bus/usb is missing: a container or a kernel without USB)' });
    }
    // usb 2.18 past the sysfs checks: loads, lists, watches and stops cleanly.
    expect(out.forced).toBe('available');
    expect(typeof out.listed).toBe('number');
    expect(out.watched).toBe(true);
    expect(out.unhandled).toEqual([]);
  });
});
