/**
 * Built-in ceremony 7 (HSM inventory and policy check), the smallest cast,
 * driven through the UI alone on the rehearsal token: once with a person's
 * mistakes along the way (each refused in the engine's words, the ceremony
 * going on), once with the keyboard alone. Both end on the outcome screen
 * with a verified bundle, verified again here by the pure verifier, and no
 * passphrase or PIN in anything the renderer received.
 */
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';

const TITLE = 'HSM inventory and policy check';
const cast = castOf('07-hsm-inventory-and-policy.answers.yaml');

test.describe('ceremony 7: HSM inventory and policy check', () => {
  test.setTimeout(300_000);

  test('wrong inputs are explained and the ceremony continues to a verified bundle', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    await driver.checkScreen('home', new Set());
    await driver.start(TITLE);
    const result = await driver.run(cast, { mistakes: ['enrol-mismatch', 'enrol-role-full', 'wrong-pin', 'wrong-signer-role', 'wrong-signer-passphrase'] });
    expect(result.refusals).toEqual(expect.arrayContaining(['CEREMONY_ROLE_FULL', 'HSM_PIN_INCORRECT', 'CEREMONY_SIGN_OFF_WRONG_ROLE', 'CEREMONY_CREDENTIAL_MISMATCH']));
    await driver.timelineShows('input/refused', 4);
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    expectNoSecretIn(app.received);
    await driver.press(app.page.getByRole('button', { name: 'Back to home' }));
    await expect(app.page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
  });

  test('the whole ceremony with the keyboard alone', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo, true);
    await driver.start(TITLE);
    const result = await driver.run(cast, { seen: new Set(['participant', 'signer', 'pin', 'witness-time', 'outcome']) });
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    expectNoSecretIn(app.received);
  });
});
