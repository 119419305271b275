/**
 * The test-only bridge can never ship: nothing under .vite/ (what Forge
 * runs and electron-builder packages) may hold any of its code. Runs after
 * `npm run build` (scripts/test-all.ts orders it so). The markers are
 * checked against the bridge's own bundle first, so this test fails if the
 * markers stop identifying it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageBridgeScript } from '../e2e/support/test-bridge.ts';

const built = '.vite';
const markers = ['__keyriteTestBridgeInvoke', '__keyriteTestBridgeDeliver', 'KeyriteTestBridge', 'attachTestBridge'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the built app', () => {
  it('has been built (run `npm run build` first)', () => {
    for (const path of ['.vite/build/main.cjs', '.vite/build/preload.cjs', '.vite/renderer/main_window/index.html']) {
      expect(existsSync(path), path).toBe(true);
    }
  });

  it('holds no byte of the test-only bridge', async () => {
    const bridge = await pageBridgeScript();
    const identifying = markers.filter((m) => bridge.includes(m));
    expect(identifying.length).toBeGreaterThanOrEqual(2);
    const shipped = files(built).filter((f) => /\.(c?js|mjs|html)$/u.test(f));
    expect(shipped.length).toBeGreaterThan(2);
    for (const file of shipped) {
      const text = readFileSync(file, 'utf8');
      for (const marker of markers) expect(text.includes(marker), `${marker} in ${file}`).toBe(false);
    }
  });
});
