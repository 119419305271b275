/**
 * Built-in ceremony 2 (master key generation, 3-of-5 split and load into
 * two HSMs) through the UI alone on the rehearsal token: the master key is
 * made, split into five sealed shares written to the custodians' media,
 * and loaded; the outcome screen says verified and the pure verifier
 * agrees. Nothing the renderer received holds a passphrase, PIN, share
 * file, envelope, share or the master secret (secret-scan.ts).
 *
 * Recovery (3), the custody audit (6) and the reshare (4) need what this
 * run leaves: its evidence bundle and its five shares. Once every check
 * here passed, the data folder is kept for them (kept-data-folder.ts); each
 * starts its own app on a copy, so ceremony 2 runs once a run and each of
 * the others passes or fails by its own name (ceremony-03-recovery,
 * ceremony-06-custody-audit, ceremony-04-reshare).
 */
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { dataDirOf, dropKeptFolder, keepDataFolder } from '../support/kept-data-folder.ts';
import { runSecrets } from '../support/run-secrets.ts';

test.describe('ceremony 2: master key generation, 3-of-5 split and load', () => {
  test.setTimeout(900_000);
  // Never retried: ceremonies 3, 6 and 4 come after it in the queue and Playwright runs a retry at the end of it, so a
  // retry that passed would leave them skipped behind a green ceremony 2 (and it would run ceremony 2 twice in one run).
  test.describe.configure({ retries: 0 });

  test('makes the master key, writes five sealed shares, loads two HSMs and ends with a verified bundle; its data folder is kept for ceremonies 3, 6 and 4', async ({ app }, testInfo) => {
    dropKeptFolder(testInfo, 'ceremony-02-split-and-load');
    const driver = new CeremonyDriver(app, testInfo);
    await driver.start('Master key generation, 3-of-5 split and load');
    const result = await driver.run(castOf('02-master-key-split-and-load.answers.yaml'));
    // What the scan will look for: the five shares opened from the run's media, and the master secret they rebuild.
    expect(runSecrets.named('the share bytes of ')).toHaveLength(5);
    expect(runSecrets.named('the master secret of set ')).toHaveLength(1);
    await driver.timelineShows('share-set/issued');
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    await driver.backHome();
    await test.step('scan everything the renderer received for every secret of the run', () => expectNoSecretIn(app.received));
    await test.step('keep the data folder for ceremonies 3, 6 and 4', () => keepDataFolder(dataDirOf(app), testInfo, 'ceremony-02-split-and-load'));
  });
});
