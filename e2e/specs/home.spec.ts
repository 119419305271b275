import { test, expect } from '../support/fixtures.ts';
import { expectAccessibleInBothThemes } from '../support/axe.ts';
import { e2eToken } from '../support/global-setup.ts';

test.describe('home screen with a configured PKCS#11 module', () => {
  const token = e2eToken();
  test.use({ appOptions: { pkcs11Module: token.library } });

  test('lists the SoftHSM token with label, manufacturer, model and serial', async ({ app }, testInfo) => {
    const { page } = app;
    await app.waitForAuditEvent('hsm.module-loaded');
    const table = page.getByRole('table', { name: 'HSM tokens' });
    const row = table.getByRole('row', { name: new RegExp(token.label) });
    await expect(row).toBeVisible();
    await expect(row.getByRole('rowheader')).toHaveText(token.label);
    await expect(row.getByRole('cell')).toHaveText(['SoftHSM project', 'SoftHSM v2', token.serial, 'yes', 'no']);
    await expect(page.getByTestId('rehearsal-banner')).toHaveCount(0);
    await expect(page.getByText(token.library, { exact: true })).toBeVisible();
    await app.screenshot('home-configured-token');
    await expectAccessibleInBothThemes(page, 'home (configured token)', testInfo);
  });
});

test.describe('home screen with no module configured', () => {
  test.use({ appOptions: { pkcs11Module: 'rehearsal' } });

  test('creates the rehearsal token in its own data folder and marks the session REHEARSAL', async ({ app }, testInfo) => {
    const { page } = app;
    await app.waitForAuditEvent('hsm.module-loaded');
    await expect(page.getByTestId('rehearsal-banner')).toContainText('REHEARSAL');
    const row = page.getByRole('table', { name: 'HSM tokens' }).getByRole('row', { name: /KEYRITE REHEARSAL/u });
    await expect(row.getByRole('cell')).toHaveText(['SoftHSM project', 'SoftHSM v2', /^[0-9a-f]{16}$/u, 'yes', 'no']);
    await app.screenshot('home-rehearsal-token');
    await expectAccessibleInBothThemes(page, 'home (rehearsal)', testInfo);
  });
});

test.describe('home screen: themes', () => {
  test('follows the system theme until the person picks one with the visible toggle, by keyboard', async ({ app }) => {
    const { page } = app;
    const themes = page.getByRole('group', { name: 'Theme' });
    await expect(themes.getByRole('radio', { name: 'System' })).toBeChecked();
    await expect(page.locator('html')).not.toHaveAttribute('data-theme');
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const systemDark = await background();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).not.toBe(systemDark);
    // Keyboard only: focus the group's checked radio, then arrow keys move the choice (native radio behaviour).
    await themes.getByRole('radio', { name: 'System' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(themes.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await background()).toBe(systemDark);
    await app.screenshot('home-dark-theme');
  });
});
