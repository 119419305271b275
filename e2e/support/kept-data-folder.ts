/**
 * TEST ONLY: a data folder one test keeps for the tests that build on it,
 * so each ceremony of a chain (2, then 3, 6 and 4 from its evidence and
 * media) is a test of its own, passing or failing by name, while the first
 * runs once a run.
 *
 * The folder is kept in the run's output folder (test-results/e2e), which
 * Playwright empties when a run starts: a kept folder there was left by
 * this run's test, and only once that test passed every check (it is
 * written under another name and renamed at the end, so a half-copied
 * folder is never taken). A test that builds on it starts its app on a
 * fresh copy (appOptions.seedFrom), so the tests never share a folder and
 * any order of them, or a retry, starts from the same state. Without the
 * kept folder (its test failed, or was not run) a test that needs it is
 * skipped, saying why. The keeping test is not retried (its spec says why).
 *
 * What it holds is rehearsal material only: the rehearsal SoftHSM tokens
 * (public PINs), the sealed share files (passphrases in the public answers
 * files), transcripts and bundles.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { test, type KeyriteApp } from './fixtures.ts';

/** Where the test named `keptBy` (its spec file's name) keeps its data folder in this run. */
export function keptFolder(testInfo: TestInfo, keptBy: string): string {
  return join(testInfo.project.outputDir, `${keptBy}.data`);
}

/** Forgets a folder kept earlier (a retry starts the keeping test again). */
export function dropKeptFolder(testInfo: TestInfo, keptBy: string): void {
  rmSync(keptFolder(testInfo, keptBy), { recursive: true, force: true });
}

/**
 * Keeps `dataDir` as it is on disk now, with the engine waiting at Home
 * (every transcript line is fsynced as it is written, so this is what a
 * stop at this moment would leave: the power-cut copy in fixtures.ts rests
 * on the same).
 */
export function keepDataFolder(dataDir: string, testInfo: TestInfo, keptBy: string): void {
  const kept = keptFolder(testInfo, keptBy);
  rmSync(`${kept}.partial`, { recursive: true, force: true });
  cpSync(dataDir, `${kept}.partial`, { recursive: true });
  rmSync(kept, { recursive: true, force: true });
  renameSync(`${kept}.partial`, kept);
}

/**
 * Call inside a describe: its tests start on a copy of the folder the test
 * of `keptBy` kept in this run, or are skipped, saying so, when there is none.
 */
export function startOnKeptFolder(keptBy: string): void {
  test.beforeEach(({}, testInfo) =>
    test.skip(!existsSync(keptFolder(testInfo, keptBy)), `${keptBy}.spec.ts did not pass earlier in this run, so there is no data folder of its to start on (run it with this spec)`),
  );
  test.use({ appOptions: async ({}, use, testInfo) => use({ pkcs11Module: 'rehearsal', seedFrom: keptFolder(testInfo, keptBy) }) });
}

/** The one run folder of script `scriptId` in a data folder (`ceremonies/<script id>-<time>`). */
export function runFolderOf(dataDir: string, scriptId: string): string {
  const runs = readdirSync(join(dataDir, 'ceremonies')).filter((name) => name.startsWith(`${scriptId}-`));
  if (runs.length !== 1) throw new Error(`${dataDir} holds ${runs.length} run folders of ${scriptId}, not one: ${runs.join(', ')}`);
  return join(dataDir, 'ceremonies', runs[0] as string);
}

/** The test's own data folder (the app fixture names it on the chromium project, where these tests run). */
export function dataDirOf(app: KeyriteApp): string {
  if (app.dataDir === undefined) throw new Error('this app does not name its data folder (the Electron project): a test that keeps or builds on one runs on the chromium project');
  return app.dataDir;
}
