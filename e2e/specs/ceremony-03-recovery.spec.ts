/**
 * Built-in ceremony 3 (master key recovery into a replacement HSM) from
 * three of ceremony 2's shares, through the UI alone, on a copy of the data
 * folder ceremony 2's test kept (ceremony-02-split-and-load.spec.ts; this
 * test is skipped, saying so, when there is none). The earlier ceremony is
 * chosen among what the engine offers for this folder. Wrong shares are
 * refused in the engine's words (code, which share, why) and the recovery
 * goes on: a wrong share passphrase, a damaged copy of a share file, a
 * share of another set, and a share already accepted handed over a second
 * time (stray-shares.ts); the collection is started over after the first
 * share; the third share is typed from the words of its paper form, first
 * with a misspelt word that main's line check names by place, then
 * corrected. The outcome screen and the pure verifier say verified.
 *
 * The scan covers this test's messages for this run's secrets and for
 * ceremony 2's (its cast's passphrases and PINs, its five shares and the
 * master secret they rebuild), gathered again from the copy
 * (rememberSplitRun).
 */
import { castOf, CeremonyDriver, expectNoSecretIn, rememberSplitRun, SPLIT_SCRIPT_ID, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { startOnKeptFolder } from '../support/kept-data-folder.ts';
import { runSecrets } from '../support/run-secrets.ts';
import { placeStrayShares } from '../support/stray-shares.ts';

test.describe('ceremony 3: master key recovery from ceremony 2\'s shares', () => {
  startOnKeptFolder('ceremony-02-split-and-load');
  test.setTimeout(900_000);

  test('recovers from three shares: a wrong passphrase, a damaged copy, a share of another set and a share already accepted refused in words; the collection started over after the first share; one typed from its paper form', async ({ app }, testInfo) => {
    const splitCast = castOf('02-master-key-split-and-load.answers.yaml');
    const splitRun = await rememberSplitRun(app);

    const driver = new CeremonyDriver(app, testInfo);
    const strays = await test.step('place the wrong shares where the form lists media', () => placeStrayShares(splitRun, splitCast.custodianPassphrases, runSecrets));
    try {
      await driver.start('Master key recovery into a replacement HSM');
      const result = await driver.run(castOf('03-recovery.answers.yaml'), { previousScriptId: SPLIT_SCRIPT_ID, mistakes: ['bad-share-passphrase', 'start-over-shares', 'misspelt-share-word'], byWords: 'gus', wrongShares: strays.wrong });
      // The first share twice (before and after the start-over), then the other two; every wrong one refused and recorded.
      await driver.timelineShows('share/accepted', 4);
      await driver.timelineShows('shares/started-over', 1);
      await driver.timelineShows('share/refused', 4);
      expect(result.refusals).toEqual(expect.arrayContaining(['SHARE_WRONG_PASSPHRASE', 'SHARE_CHECKSUM_MISMATCH', 'SHARE_OTHER_SET', 'SHARE_NOT_RECORDED']));
      expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    } finally {
      strays.remove();
    }
    await driver.backHome();
    // Ceremony 2's five shares and the other set's share Carl presented; ceremony 2's master secret and the other set's.
    expect(runSecrets.named('the share bytes of ')).toHaveLength(6);
    expect(runSecrets.named('the master secret of ')).toHaveLength(2);
    await test.step('scan everything the renderer received for every secret of this run and of ceremony 2\'s', () => expectNoSecretIn(app.received));
  });
});
