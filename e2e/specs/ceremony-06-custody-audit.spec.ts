/**
 * Built-in ceremony 6 (the annual custody audit of the master key shares)
 * of ceremony 2's shares, through the UI alone, on a copy of the data
 * folder ceremony 2's test kept (ceremony-02-split-and-load.spec.ts; this
 * test is skipped, saying so, when there is none). The earlier ceremony is
 * chosen among what the engine offers for this folder, and the custodians
 * present their shares from its media. The outcome screen and the pure
 * verifier say verified. The scan covers this test's messages for this
 * run's secrets and for ceremony 2's, gathered again from the copy
 * (rememberSplitRun).
 */
import { castOf, CeremonyDriver, expectNoSecretIn, rememberSplitRun, SPLIT_SCRIPT_ID, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { startOnKeptFolder } from '../support/kept-data-folder.ts';
import { runSecrets } from '../support/run-secrets.ts';

test.describe('ceremony 6: custody audit of ceremony 2\'s shares', () => {
  startOnKeptFolder('ceremony-02-split-and-load');
  test.setTimeout(900_000);

  test('audits the custody of ceremony 2\'s shares and ends with a verified bundle', async ({ app }, testInfo) => {
    await rememberSplitRun(app);
    const driver = new CeremonyDriver(app, testInfo);
    await driver.start('Annual custody audit of the master key shares');
    const result = await driver.run(castOf('06-custody-audit.answers.yaml'), { previousScriptId: SPLIT_SCRIPT_ID });
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    await driver.backHome();
    // The audit reads ceremony 2's shares again: no share is new.
    expect(runSecrets.named('the share bytes of ')).toHaveLength(5);
    await test.step('scan everything the renderer received for every secret of this run and of ceremony 2\'s', () => expectNoSecretIn(app.received));
  });
});
