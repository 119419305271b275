import { test, expect } from '../support/fixtures.ts';
import { e2eToken } from '../support/global-setup.ts';

test.describe('home screen with a configured PKCS#11 module', () => {
  const token = e2eToken();
  test.use({ appOptions: { pkcs11Module: token.library } });

  test('lists the SoftHSM token with label, manufacturer, model and serial', async ({ app }) => {
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
  });
});

test.describe('home screen with no module configured', () => {
  test.use({ appOptions: { pkcs11Module: 'rehearsal' } });

  test('creates the rehearsal token in its own data folder and marks the session REHEARSAL', async ({ app }) => {
    const { page } = app;
    await app.waitForAuditEvent('hsm.module-loaded');
    await expect(page.getByTestId('rehearsal-banner')).toContainText('REHEARSAL');
    const row = page.getByRole('table', { name: 'HSM tokens' }).getByRole('row', { name: /KEYRITE REHEARSAL/u });
    await expect(row.getByRole('cell')).toHaveText(['SoftHSM project', 'SoftHSM v2', /^[0-9a-f]{16}$/u, 'yes', 'no']);
    await app.screenshot('home-rehearsal-token');
  });
});
