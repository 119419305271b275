/**
 * Long work at the screen (issue #8), on built-in ceremony 2, the cheapest
 * that seals shares: once the last custodian's passphrase is given, the
 * sealing shows a labelled progress bar with its percentage and a Cancel
 * button (axe-checked in both themes in that state); Cancel, pressed with
 * the keyboard, is recorded (work/cancelled), explained, and the share
 * passphrases are asked for again; the ceremony then goes on to a bundle
 * that verifies. The HSM loads and the bundle's verification report their
 * progress too, never cancellable; no secret is in any progress event.
 */
import { writeFileSync } from 'node:fs';
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { expect, test } from '../support/fixtures.ts';
import { holdThreadPool, workShowing } from '../support/work-progress.ts';

type Progress = { name: string; payload: { work: string; item: number; items: number; done: number; total: number; cancellable: boolean; state: string } };

test.describe('long work: progress, and cancel where it is safe', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name === 'electron', 'the test bridge (its engine in this process, and its capture of received messages) runs on the chromium project'));
  test.setTimeout(600_000);

  test('ceremony 2: the sealing shows its progress, is cancelled once and asked again; the bundle verifies', async ({ app }, testInfo) => {
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
        const panel = app.page.locator('.request-panel');
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
    expectNoSecretIn(app.received);
  });
});
