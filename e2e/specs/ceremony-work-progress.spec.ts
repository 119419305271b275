/**
 * Long work at the screen (issue #8), on built-in ceremony 2, the cheapest
 * that seals shares: once the last custodian's passphrase is given, the
 * sealing shows a labelled progress bar with its percentage and a Cancel
 * button (axe-checked in both themes in that state); Cancel, pressed with
 * the keyboard, is recorded (work/cancelled), explained, and the share
 * passphrases are asked for again; the ceremony then goes on to a bundle
 * that verifies. The HSM loads and the bundle's verification report their
 * progress too, never cancellable. Then recovery (ceremony 3) from that
 * bundle and its media: the opening of the first custodian's share (its
 * KDF) shows its progress and is cancelled with the keyboard; the share is
 * not accepted, the cancel is recorded and explained, and the custodian
 * types their passphrase again: the share is accepted and the recovery
 * ends with a bundle that verifies. No secret is in any progress event.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { castOf, CeremonyDriver, expectNoSecretIn, SPLIT_SCRIPT_ID, verifyFolder } from '../support/ceremony-driver.ts';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { expect, test } from '../support/fixtures.ts';
import { holdThreadPool, workShowing } from '../support/work-progress.ts';

type Progress = { name: string; payload: { work: string; item: number; items: number; done: number; total: number; cancellable: boolean; state: string } };

test.describe('long work: progress, and cancel where it is safe', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name === 'electron', "holdThreadPool holds this process's libuv pool, where the chromium project's engine runs the share KDF; on Electron the KDF runs in main's pool, unheld, and ends before its progress can be checked and cancelled"));
  test.setTimeout(1_200_000);

  test('ceremony 2: the sealing shows its progress, is cancelled once and asked again; the bundle verifies; ceremony 3: opening a share is cancelled once and the custodian presents it again', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    const keyboard = new CeremonyDriver(app, testInfo, true);
    const cast = castOf('02-master-key-split-and-load.answers.yaml');
    const custodians = cast.participants.filter((p) => p.role === 'custodian');
    const [first, last] = [custodians[0], custodians.at(-1)];
    if (first === undefined || last === undefined) throw new Error('ceremony 2 has custodians');
    let cancelled = false;

    await driver.start('Master key generation, 3-of-5 split and load');
    const result = await driver.run(cast, {
      intercept: async (request) => {
        if (cancelled || request.kind !== 'seal-passphrase') return false;
        const panel = driver.requestPanel();
        if (!((await panel.getByRole('heading').textContent()) ?? '').startsWith(`${last.name}:`)) return false;
        const secret = cast.custodianPassphrases[last.id] ?? '';
        await driver.typeSecret(panel.getByLabel(`Share passphrase for ${last.name}`, { exact: true }), secret);
        await driver.typeSecret(panel.getByLabel(`Share passphrase for ${last.name} again`, { exact: true }), secret);
        await test.step('the sealing shows its progress; Cancel, with the keyboard', async () => {
          // The sealing's first KDF waits in libuv's queue while the screen is checked (see work-progress.ts).
          const hold = holdThreadPool();
          try {
            await driver.press(panel.getByRole('button', { name: 'Seal the share' }));
            const { panel: work, bar } = await workShowing(app.page, new RegExp(`^Sealing share 1 of 5, for ${first.name}$`));
            await expect(work.getByTestId('work-progress-text')).toHaveText(new RegExp(`^Sealing share 1 of 5, for ${first.name}: \\d{1,2}%$`));
            const cancel = work.getByRole('button', { name: 'Cancel the sealing' });
            await expect(cancel).toBeVisible();
            await expectAccessibleInBothThemes(app.page, 'work progress: sealing', testInfo);
            // Written at once, synchronously: an asynchronous write would wait for the held pool.
            writeFileSync(testInfo.outputPath('ceremony-master-key-split-and-load-work-progress.png'), await app.page.screenshot({ fullPage: true }));
            // Still the state the checks were about.
            await expect(bar).toBeVisible();
            await keyboard.press(cancel);
          } finally {
            await hold.release();
          }
          await driver.refusalSays('CEREMONY_WORK_CANCELLED', /cancelled\. No share was kept and nothing was written\. Each custodian types their share passphrase again\./);
          await driver.timelineShows('work/cancelled');
          // The same question again, from the first custodian.
          await expect(panel.getByRole('heading')).toHaveText(new RegExp(`^${first.name}:`));
        });
        cancelled = true;
        return true;
      },
    });

    expect(cancelled).toBe(true);
    await driver.timelineShows('work/cancelled', 1);
    await driver.timelineShows('share-set/issued', 1);
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');

    const progress = app.received.filter((m): m is Progress => typeof m === 'object' && m !== null && (m as { name?: unknown }).name === 'ceremony/progress');
    const of = (work: string) => progress.filter((p) => p.payload.work === work).map((p) => p.payload);
    const sealing = of('sealing-share');
    expect(sealing.map((p) => p.state).filter((s) => s !== 'running')).toEqual(['cancelled', 'finished']);
    expect(sealing.at(-1)).toMatchObject({ item: 5, items: 5, state: 'finished', cancellable: false });
    expect(sealing.filter((p) => p.state === 'running').every((p) => p.cancellable)).toBe(true);
    expect(of('loading-key').map((p) => [p.item, p.done, p.state, p.cancellable])).toEqual([[1, 0, 'running', false], [2, 1, 'running', false], [2, 2, 'finished', false]]);
    expect(of('verifying-bundle').map((p) => p.state)).toEqual(['running', 'finished']);

    await driver.press(app.page.getByRole('button', { name: 'Back to home' }));
    await expect(app.page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
    const recoveryCast = castOf('03-recovery.answers.yaml');
    const presenter = recoveryCast.participants.find((p) => p.id === recoveryCast.presenters[0]);
    if (presenter === undefined) throw new Error('ceremony 3 has presenters');
    let openingCancelled = false;
    await driver.start('Master key recovery into a replacement HSM');
    const recovery = await driver.run(recoveryCast, {
      previousScriptId: SPLIT_SCRIPT_ID,
      intercept: async (request) => {
        if (openingCancelled || request.kind !== 'share') return false;
        await test.step(`the opening of ${presenter.name}'s share shows its progress; Cancel, with the keyboard; the share is not accepted`, async () => {
          const form = app.page.getByRole('form', { name: 'Present a share' });
          await driver.choose(form.getByLabel('Custodian presenting', { exact: true }), presenter.name);
          await driver.presentBy(form, 'file');
          await driver.choose(form.getByLabel('Medium holding the share', { exact: true }), new RegExp(`^${SPLIT_SCRIPT_ID}-.*: media/${presenter.id}$`));
          await driver.typeSecret(form.getByLabel('Share passphrase', { exact: true }), recoveryCast.custodianPassphrases[presenter.id] ?? '');
          const accepted = await shareProgress(app.page);
          // The share's KDF waits in libuv's queue while the screen is checked (see work-progress.ts).
          const hold = holdThreadPool();
          try {
            await driver.press(form.getByRole('button', { name: 'Present this share' }));
            const { panel: work, bar } = await workShowing(app.page, new RegExp(`^Opening the share of ${presenter.name}$`));
            await expect(work.getByTestId('work-progress-text')).toHaveText(new RegExp(`^Opening the share of ${presenter.name}: \\d{1,2}%$`));
            await expect(bar).toBeVisible();
            await keyboard.press(work.getByRole('button', { name: 'Cancel opening the share' }));
          } finally {
            await hold.release();
          }
          await driver.refusalSays('CEREMONY_WORK_CANCELLED', new RegExp(`^Not accepted, please try again: Opening the share of ${presenter.name}: cancelled\\. The share was not accepted; the shares accepted before it stand\\. Present a share\\.`));
          await driver.timelineShows('work/cancelled', 1);
          await driver.timelineShows('share/accepted', 0);
          // Asked for a share again, with the count of accepted shares as it was; the driver presents it next, the passphrase typed again.
          await expect(form).toBeVisible(LONG);
          expect(await shareProgress(app.page)).toBe(accepted);
        });
        openingCancelled = true;
        return true;
      },
    });
    expect(openingCancelled).toBe(true);
    await driver.timelineShows('work/cancelled', 1);
    await driver.timelineShows('share/accepted', recoveryCast.presenters.length);
    await expect(driver.events('share/accepted').filter({ hasText: `Share of ${presenter.id} accepted` })).toHaveCount(1);
    expect(verifyFolder(recovery.bundleFolder).status).toBe('verified');
    const opening = app.received.filter((m): m is Progress => typeof m === 'object' && m !== null && (m as { name?: unknown }).name === 'ceremony/progress').map((p) => p.payload).filter((p) => p.work === 'opening-share');
    // The cancelled opening, then one finished opening per share accepted.
    expect(opening.map((p) => p.state).filter((s) => s !== 'running')).toEqual(['cancelled', ...recoveryCast.presenters.map(() => 'finished')]);
    expectNoSecretIn(app.received);
  });
});

const LONG = { timeout: 120_000 };

/** The count of shares accepted, as the share form says it ("1 of 3 shares accepted"). */
async function shareProgress(page: Page): Promise<string> {
  return ((await page.getByTestId('share-progress').textContent()) ?? '').trim();
}
