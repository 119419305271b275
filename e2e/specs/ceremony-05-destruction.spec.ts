/**
 * Built-in ceremony 5 (root signing key destruction) through the UI alone,
 * after ceremony 1 in the same data folder made the key: Home offers the
 * earlier run whose rehearsal tokens the destruction acts on (copied, never
 * changed), the destruction chooses ceremony 1's bundle as the key's
 * record, the rehearsal clock jumps the grace and waiting periods (recorded),
 * and the outcome screen says verified, as does the pure verifier; no
 * passphrase or PIN in anything the renderer received.
 */
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';

test.describe('ceremony 5: root signing key destruction', () => {
  test.setTimeout(900_000);

  test('destroys the root key ceremony 1 made, ending with a verified bundle', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    await test.step('ceremony 1 makes the root key', async () => {
      await driver.start('Root signing key generation');
      expect(verifyFolder((await driver.run(castOf('01-root-key-generation.answers.yaml'))).bundleFolder).status).toBe('verified');
      await driver.press(app.page.getByRole('button', { name: 'Back to home' }));
    });

    await test.step('ceremony 5 destroys it', async () => {
      const earlier = app.page.getByLabel('Earlier ceremony whose key this one acts on', { exact: true });
      await expect(earlier.locator('option')).toHaveText([/^Root signing key generation \(root-key-generation-/]);
      await driver.start('Root signing key destruction');
      const result = await driver.run(castOf('05-key-destruction.answers.yaml'), { previousScriptId: 'root-key-generation' });
      await driver.timelineShows('key/destroyed');
      expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    });

    expectNoSecretIn(app.received);
  });
});
