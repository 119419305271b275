/**
 * Issue #8: "Screenshots of each screen are saved as test artifacts" and
 * "An axe accessibility check passes on every screen". One screen, one
 * name: its screenshot is written to the test's output folder and attached
 * to Playwright's HTML report under that name (so QA sees it beside the
 * steps, not only on disk), then axe checks it in both themes (axe.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expectAccessibleInBothThemes } from './axe.ts';

/** Screenshots already attached, by test: the sweep below attaches only the others. */
const attached = new WeakMap<TestInfo, Set<string>>();

/** A full-page screenshot `<name>.png` in the test's output folder, attached to the report as `name`. */
export async function photograph(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  const paths = attached.get(testInfo) ?? new Set<string>();
  paths.add(path);
  attached.set(testInfo, paths);
  return path;
}

/** The screen as it is now: photographed and attached, then axe-checked in the light and the dark theme. */
export async function checkScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await photograph(page, testInfo, name);
  await expectAccessibleInBothThemes(page, name, testInfo);
}

/**
 * Attaches the screenshots a spec wrote into its output folder by itself
 * (an element's screenshot, a buffer written to a file) that photograph()
 * did not, so every screenshot of a test is in the report. Playwright's own
 * failure screenshots (`test-failed-N.png`) are attached by Playwright.
 */
export async function attachOtherScreenshots(testInfo: TestInfo): Promise<void> {
  const done = attached.get(testInfo) ?? new Set<string>();
  let files: string[];
  try {
    files = readdirSync(testInfo.outputDir);
  } catch {
    return; // nothing was written
  }
  for (const file of files.sort()) {
    const path = join(testInfo.outputDir, file);
    if (!file.endsWith('.png') || /^test-failed-\d+\.png$/.test(file) || done.has(path)) continue;
    await testInfo.attach(file.slice(0, -'.png'.length), { path, contentType: 'image/png' });
    done.add(path);
  }
  attached.set(testInfo, done);
}
