/**
 * Built-in ceremony 4 (the reshare of ceremony 2's 3-of-5 set into 2-of-4
 * with a newcomer), through the UI alone, on a copy of the data folder
 * ceremony 2's test kept (ceremony-02-split-and-load.spec.ts; this test is
 * skipped, saying so, when there is none). The earlier ceremony is chosen
 * among what the engine offers for this folder, its custodians present
 * their shares from its media, and four new shares are issued. The outcome
 * screen and the pure verifier say verified. The scan covers this test's
 * messages for this run's secrets (the new shares too) and for ceremony
 * 2's, gathered again from the copy (rememberSplitRun).
 */
import { castOf, CeremonyDriver, expectNoSecretIn, rememberSplitRun, SPLIT_SCRIPT_ID, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { startOnKeptFolder } from '../support/kept-data-folder.ts';
import { runSecrets } from '../support/run-secrets.ts';

test.describe('ceremony 4: reshare of ceremony 2\'s shares', () => {
  startOnKeptFolder('ceremony-02-split-and-load');
  test.setTimeout(900_000);

  test('reshares 3-of-5 into 2-of-4 with a newcomer and ends with a verified bundle', async ({ app }, testInfo) => {
    await rememberSplitRun(app);
    const driver = new CeremonyDriver(app, testInfo);
    await driver.start('Master key reshare from 3-of-5 to 2-of-4');
    const result = await driver.run(castOf('04-reshare.answers.yaml'), { previousScriptId: SPLIT_SCRIPT_ID });
    await driver.timelineShows('share-set/issued');
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    await driver.backHome();
    // Ceremony 2's five shares and the reshare's four new ones.
    expect(runSecrets.named('the share bytes of ')).toHaveLength(9);
    await test.step('scan everything the renderer received for every secret of this run and of ceremony 2\'s', () => expectNoSecretIn(app.received));
  });
});
