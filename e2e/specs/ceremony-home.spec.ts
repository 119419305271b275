/**
 * Home's ceremony panel and the abort path, as a QA engineer drives them:
 * a script file with mistakes shows each problem with its line and column
 * and cannot be started; a valid copy of a built-in script checks clean and
 * offers Start; a started ceremony aborted at its first question with a reason ends
 * on the outcome screen (aborted, reason recorded, bundle written), and
 * dismissing it returns to Home with the ceremony's state gone. Each
 * screen (the script's problems, the checked script, the first question,
 * the abort dialog, the aborted outcome) is photographed into the report and
 * axe-checked in both themes (screens.ts). And the check itself: under a modal dialog, whose
 * page behind is inert, both themes are still checked (axe.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { CeremonyDriver } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { checkScreen } from '../support/screens.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const BAD_SCRIPT = 'keyrite: ceremony-script\nmetadata:\n  formatVersion: 1\n  id: Not An Id\nsteps: []\n';

test.describe('starting and aborting a ceremony from Home', () => {
  test.setTimeout(180_000);

  test('a script file\'s problems are shown in place; a valid file can be started', async ({ app }, testInfo) => {
    const { page } = app;
    await expect(page.getByRole('list', { name: 'Built-in ceremonies' }).getByRole('listitem')).toHaveCount(7);
    await page.getByLabel('Open a script file').setInputFiles({ name: 'bad.yaml', mimeType: 'text/yaml', buffer: Buffer.from(BAD_SCRIPT) });
    const problems = page.getByRole('list', { name: 'Problems in bad.yaml' });
    await expect(problems).toContainText('line 4');
    await expect(problems).toContainText('metadata.id');
    await checkScreen(page, testInfo, 'ceremony-home-script-problems');

    const good = readFileSync(join(repo, 'assets/ceremonies/07-hsm-inventory-and-policy.yaml'));
    await page.getByLabel('Open a script file').setInputFiles({ name: 'inventory.yaml', mimeType: 'text/yaml', buffer: good });
    await expect(page.getByRole('list', { name: 'Checked script' }).getByRole('button', { name: 'Start HSM inventory and policy check' })).toBeVisible();
    await checkScreen(page, testInfo, 'ceremony-home-checked-script');
  });

  test('abort at the first question ends on the outcome screen with the reason; dismiss goes home and forgets the ceremony', async ({ app }, testInfo) => {
    const { page } = app;
    const driver = new CeremonyDriver(app, testInfo);
    await driver.start('HSM inventory and policy check');
    // Its first question (the witness's time): the ceremony waits for people, and abort is there.
    await expect(page.locator('.request-panel:not([data-request-id="0"])')).toBeVisible({ timeout: 60_000 });
    await driver.checkScreen('first-question');
    // The abort form is a true modal (Tab kept inside, Escape back to the button), photographed filled in before it is submitted.
    await driver.abort('The witness was called away');
    await driver.timelineShows('ceremony/closed');
    const outcome = page.getByTestId('ceremony-outcome');
    await expect(outcome.getByRole('heading', { name: 'Ceremony aborted' })).toBeFocused();
    await expect(outcome).toContainText('The witness was called away');
    await expect(page.getByTestId('bundle-verified')).toHaveText('yes');
    await driver.checkScreen('aborted-outcome');
    await page.getByRole('button', { name: 'Back to home' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
    await expect(page.getByText('A ceremony is open')).toHaveCount(0);
  });

  test('under a modal dialog (the toggle behind it inert) both themes are still axe-checked, through the system colour scheme', async ({ app }, testInfo) => {
    const { page } = app;
    await expect(page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
    // A stand-in modal whose text is readable in the light theme only (dark grey on the dark theme's canvas).
    await page.evaluate(() => {
      const dialog = document.createElement('dialog');
      dialog.setAttribute('aria-label', 'Stand-in dialog');
      const text = document.createElement('p');
      text.textContent = 'Readable in the light theme only';
      text.style.color = 'light-dark(#1b1d1f, #2a2a2a)';
      dialog.append(text);
      document.body.append(dialog);
      dialog.showModal();
    });
    expect(await page.evaluate(() => document.querySelector(':modal')?.getAttribute('aria-label'))).toBe('Stand-in dialog');
    const failure = await expectAccessibleInBothThemes(page, 'stand-in modal', testInfo).then(
      () => '',
      (error: unknown) => String(error),
    );
    // The light theme passed; the dark one was really dark, and its contrast failure is named.
    expect(failure).toContain('stand-in modal (dark, system theme under a modal dialog)');
    expect(failure).toContain('color-contrast');
    expect(failure).not.toContain('(light');
    // The system's colour scheme is no longer emulated.
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(false);
  });
});
