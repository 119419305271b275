/**
 * The auditor's path, as a QA engineer drives it: from Home, open a real
 * evidence bundle (built-in ceremony 1 rehearsed headless on SoftHSM by
 * `keyrite rehearse`), read PASS with its people, keys and sign-offs, export
 * the report; then the same bundle with one byte of one event changed reads
 * FAIL and names that event. Every screen is checked with axe in both
 * themes, and nothing the renderer received holds a rehearsal passphrase,
 * a PIN, or the bundle's path (it only ever holds a handle).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Page } from '@playwright/test';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { expect, test, type KeyriteApp } from '../support/fixtures.ts';
import { checkScreen } from '../support/screens.ts';
import { findSecrets } from '../support/secret-scan.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const answersFile = join(repo, 'electron/core/ceremony/runner/fixtures/01-root-key-generation.answers.yaml');

/** The event whose line the tampered copy changes: key/created in ceremony 1 (see its transcript). */
const TAMPERED_TYPE = 'key/created';

let work: string;
let bundle: string;
let tampered: string;
let tamperedSeq: number;

/** What the answers file says participants and operators would type: never to reach the renderer. */
function rehearsalSecrets(): string[] {
  const answers = parse(readFileSync(answersFile, 'utf8')) as { participants: { passphrase: string }[]; pins: Record<string, string> };
  return [...answers.participants.map((p) => p.passphrase), ...Object.values(answers.pins)];
}

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keyrite-e2e-auditor-'));
  const out = join(work, 'rehearsal');
  // The same command an operator runs (README); its own process, so its SoftHSM tokens never meet the app's.
  execFileSync(process.execPath, [join(repo, 'electron/cli/keyrite.ts'), 'rehearse', join(repo, 'assets/ceremonies/01-root-key-generation.yaml'), '--answers', answersFile, '--out', out], { stdio: 'ignore', timeout: 120_000 });
  bundle = join(out, 'bundle');
  tampered = join(work, 'tampered-bundle');
  cpSync(bundle, tampered, { recursive: true });
  const lines = readFileSync(join(tampered, 'transcript.jsonl'), 'utf8').split('\n');
  tamperedSeq = lines.findIndex((line) => line.includes(`"type":"${TAMPERED_TYPE}"`));
  const line = lines[tamperedSeq] ?? '';
  // One byte: the first letter of the key's label ("Root signing key 2026" becomes "Soot ...").
  const at = line.indexOf('"label":"') + 9;
  lines[tamperedSeq] = `${line.slice(0, at)}${String.fromCharCode(line.charCodeAt(at) + 1)}${line.slice(at + 1)}`;
  writeFileSync(join(tampered, 'transcript.jsonl'), lines.join('\n'));
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

async function openAuditorFromHome(app: KeyriteApp): Promise<Page> {
  const { page } = app;
  await page.getByRole('button', { name: 'Open an evidence bundle for audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit an evidence bundle' })).toBeFocused();
  return page;
}

function expectNothingSecretReceived(app: KeyriteApp, paths: string[]): void {
  expect(app.received.length).toBeGreaterThan(0);
  const secrets = rehearsalSecrets().map((text, i) => ({ what: `rehearsal passphrase or PIN ${i + 1} of the answers file`, bytes: new TextEncoder().encode(text) }));
  expect(findSecrets(app.received, secrets), 'a rehearsal passphrase or PIN reached the renderer').toEqual([]);
  const received = JSON.stringify(app.received);
  for (const path of paths) expect(received, 'a bundle path reached the renderer').not.toContain(path);
}

test.describe('auditor: open an evidence bundle', () => {
  test('a rehearsed ceremony 1 bundle reads PASS with its participants, keys and sign-offs, and its report exports', async ({ app }, testInfo) => {
    // Six axe runs (three screens, two themes) and an export: more than the default minute on two shared cores.
    test.slow();
    const { page } = app;
    await app.waitForAuditEvent('hsm.module-loaded');
    await expectAccessibleInBothThemes(page, 'home', testInfo);
    await openAuditorFromHome(app);
    await expectAccessibleInBothThemes(page, 'auditor: open a bundle', testInfo);
    await app.screenshot('auditor-open');

    app.chooser.willChoose('bundle-folder', bundle);
    await page.getByRole('button', { name: 'Open bundle folder…' }).click();
    await app.waitForAuditEvent('auditor.bundle-checked');

    // As many events as the bundle's journal has lines (the runner's events change as ceremonies grow).
    const eventCount = readFileSync(join(bundle, 'transcript.jsonl'), 'utf8').split('\n').filter((line) => line !== '').length;
    const verdict = page.getByRole('region', { name: 'Verification result' });
    await expect(verdict.getByText('PASS', { exact: true })).toBeVisible();
    await expect(verdict).toContainText(`All ${eventCount} events verified`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit of Root signing key generation');

    const participants = page.getByRole('table', { name: 'Participants' });
    await expect(participants.getByRole('rowheader')).toHaveText(['Ada Admin', 'Wendy Witness', 'Walt Witness']);
    await expect(participants.getByRole('row', { name: /Ada Admin/ }).getByRole('cell')).toHaveText(['ada', 'administrator']);

    const keys = page.getByRole('table', { name: 'Keys created' });
    const root = keys.getByRole('row', { name: /Root signing key 2026/ });
    await expect(root.getByRole('cell').first()).toHaveText('ec-p384');
    // The fingerprint as hex in groups and as its 24 words.
    await expect(root.getByRole('cell').nth(1)).toContainText(/^([0-9a-f]{4} ){15}[0-9a-f]{4}([a-z]+ ){23}[a-z]+$/);

    const signOffs = page.getByRole('table', { name: 'Sign-offs' });
    await expect(signOffs.getByRole('row')).toHaveCount(1 + 15);
    // The first sign-off in the journal (the enrolment's, by the administrator), found by its sequence number.
    const firstSignOff = readFileSync(join(bundle, 'transcript.jsonl'), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { seq: number; type: string; actors: string[] }).find((e) => e.type === 'sign-off/recorded');
    expect(firstSignOff?.actors).toEqual(['ada']);
    await expect(signOffs.getByRole('row', { name: new RegExp(`#${String(firstSignOff?.seq)}\\b`) }).getByRole('cell').nth(1)).toHaveText('ada');
    await expect(page.getByRole('region', { name: 'Exceptions' })).toContainText('No exception was recorded.');
    await expect(page.getByRole('table', { name: 'Timeline' }).getByRole('row')).toHaveCount(1 + eventCount);
    await app.screenshot('auditor-pass');
    await expectAccessibleInBothThemes(page, 'auditor: PASS report', testInfo);

    const reports = mkdtempSync(join(work, 'reports-'));
    app.chooser.willChoose('report-folder', reports);
    await page.getByRole('button', { name: 'Export report (HTML and PDF)…' }).click();
    await app.waitForAuditEvent('auditor.report-exported');
    await expect(page.getByTestId('report-exported')).toContainText('audit-report.html and ');
    const written = ['html', 'pdf'].map((ext) => join(reports, `root-key-generation-rehearsal-${readFileSync(join(bundle, 'manifest.json'), 'utf8').match(/rehearsal-(\d{8}T\d{6}Z)/)?.[1] ?? ''}-audit-report.${ext}`));
    for (const file of written) expect(existsSync(file) && statSync(file).size > 0, `${file} was written`).toBe(true);
    expect(readFileSync(written[0] as string, 'utf8')).toContain('data-status="verified"');
    expect(readFileSync(written[1] as string).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(app.chooser.asked).toEqual(['bundle-folder', 'report-folder']);
    expectNothingSecretReceived(app, [bundle]);
  });

  test('the same bundle as a .tar archive reads PASS too', async ({ app }) => {
    const page = await openAuditorFromHome(app);
    app.chooser.willChoose('bundle-archive', `${bundle}.tar`);
    await page.getByRole('button', { name: 'Open bundle archive (.tar)…' }).click();
    await expect(page.getByRole('region', { name: 'Verification result' }).getByText('PASS', { exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Ceremony' })).toContainText('bundle.tar');
  });

  test('a copy with one byte of one event changed reads FAIL and names that event first', async ({ app }, testInfo) => {
    test.slow(); // two axe runs over a long report
    const page = await openAuditorFromHome(app);
    app.chooser.willChoose('bundle-folder', tampered);
    await page.getByRole('button', { name: 'Open bundle folder…' }).click();
    await app.waitForAuditEvent('auditor.bundle-checked');

    const verdict = page.getByRole('region', { name: 'Verification result' });
    await expect(verdict.getByText('FAIL', { exact: true })).toBeVisible();
    await expect(verdict.getByText('PASS', { exact: true })).toHaveCount(0);
    await expect(verdict.getByRole('heading', { name: `First bad event: #${tamperedSeq}` })).toBeVisible();
    await expect(page.getByTestId('first-bad-event')).toContainText(`Event #${tamperedSeq} is the first that is not as it was recorded`);
    await expect(page.getByTestId('first-bad-event')).toContainText(`Events #0 to #${tamperedSeq - 1} verify.`);
    // Only what verified is listed: the timeline stops before the changed event, and its key is not among the keys.
    const timeline = page.getByRole('table', { name: 'Timeline' });
    await expect(timeline.getByRole('row')).toHaveCount(1 + tamperedSeq);
    await expect(timeline.getByRole('rowheader').last()).toHaveText(String(tamperedSeq - 1));
    await expect(page.getByTestId('vouched-note')).toContainText(`Only the events before the first bad event (#${tamperedSeq}) are listed`);
    await expect(page.getByRole('table', { name: 'Keys created' })).toHaveCount(0);
    await expect(page.getByText(`from the first bad event (#${tamperedSeq}) on, are not listed`)).toBeVisible();
    await app.screenshot('auditor-fail');
    await expectAccessibleInBothThemes(page, 'auditor: FAIL report', testInfo);
    expectNothingSecretReceived(app, [tampered]);
  });

  test('by keyboard alone: from Home to the chooser, a cancelled choice, a missing bundle as a plain error, and back', async ({ app }, testInfo) => {
    const { page } = app;
    await tabTo(page, 'Open an evidence bundle for audit');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Audit an evidence bundle' })).toBeFocused();
    app.chooser.willChoose('bundle-folder', null);
    await tabTo(page, 'Open bundle folder…');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: 'Open bundle folder…' })).toBeEnabled();
    await expect(page.getByRole('alert')).toHaveCount(0);
    app.chooser.willChoose('bundle-folder', join(work, 'no-such-bundle'));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('The chosen bundle is no longer there; choose it again.');
    // The auditor's error alert is a screen of its own.
    await checkScreen(page, testInfo, 'auditor-missing-bundle');
    await tabTo(page, 'Back to home');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
    expect(app.chooser.asked).toEqual(['bundle-folder', 'bundle-folder']);
  });
});

/** Presses Tab until the button named `name` has focus (at most 40 times), as a keyboard user would. */
async function tabTo(page: Page, name: string): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  for (let presses = 0; presses < 40; presses++) {
    if (await button.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`"${name}" cannot be reached with Tab`);
}
