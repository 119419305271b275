/**
 * Built-in ceremonies 2, 3, 6 and 4 in one data folder, as they happen in
 * life: ceremony 2 makes the master key and writes five sealed shares to
 * the custodians' media; recovery (3), the custody audit (6) and the
 * reshare (4) then choose ceremony 2's evidence bundle and its media from
 * what the engine offers for this data folder. One engine, one page, one
 * test (each ceremony a step), driven through the UI alone; each ends with
 * a bundle the outcome screen and the pure verifier call verified. At the
 * recovery, wrong shares are refused in the engine's words (code, which
 * share, why) and the recovery goes on: a wrong share passphrase, a damaged
 * copy of a share file, a share of another set, and a share already
 * accepted handed over a second time (stray-shares.ts); its third share is
 * typed from the words of its paper form, first with a misspelt word that
 * main's line check names by place, then corrected. No passphrase, share
 * passphrase, PIN, typed share word, share file, envelope, share or master
 * secret of the runs appears in anything the renderer received, in any
 * encoding (secret-scan.ts).
 */
import { dirname } from 'node:path';
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';
import { runSecrets } from '../support/run-secrets.ts';
import { placeStrayShares } from '../support/stray-shares.ts';

const SPLIT = 'master-key-split-and-load';

test.describe('ceremonies 2, 3, 6 and 4 over one data folder', () => {
  test.setTimeout(2_400_000);

  test('split and load, then recovery, custody audit and reshare from its bundle and media', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    const home = app.page.getByRole('heading', { level: 1, name: 'Key ceremonies' });
    const gathered = (prefix: string): string[] => runSecrets.list().map((s) => s.what).filter((what) => what.startsWith(prefix));
    const backHome = async (): Promise<void> => {
      await driver.press(app.page.getByRole('button', { name: 'Back to home' }));
      await expect(home).toBeVisible();
    };

    let splitRun = '';
    const splitCast = castOf('02-master-key-split-and-load.answers.yaml');
    await test.step('ceremony 2: master key, 3-of-5 split, load into two HSMs', async () => {
      await driver.start('Master key generation, 3-of-5 split and load');
      const result = await driver.run(splitCast);
      splitRun = dirname(result.bundleFolder);
      // What the scan will look for: the five shares opened from the run's media, and the master secret they rebuild.
      expect(gathered('the share bytes of ')).toHaveLength(5);
      expect(gathered('the master secret of set ')).toHaveLength(1);
      await driver.timelineShows('share-set/issued');
      expect(verifyFolder(result.bundleFolder).status).toBe('verified');
      await backHome();
    });

    await test.step('ceremony 3: recovery from three of ceremony 2\'s shares: a wrong passphrase, a damaged copy, a share of another set and a share already accepted refused in words; the collection started over after the first share; one typed from its paper form', async () => {
      const strays = await test.step('place the wrong shares where the form lists media', () => placeStrayShares(splitRun, splitCast.custodianPassphrases, runSecrets));
      try {
        await driver.start('Master key recovery into a replacement HSM');
        const result = await driver.run(castOf('03-recovery.answers.yaml'), { previousScriptId: SPLIT, mistakes: ['bad-share-passphrase', 'start-over-shares', 'misspelt-share-word'], byWords: 'gus', wrongShares: strays.wrong });
        // The first share twice (before and after the start-over), then the other two; every wrong one refused and recorded.
        await driver.timelineShows('share/accepted', 4);
        await driver.timelineShows('shares/started-over', 1);
        await driver.timelineShows('share/refused', 4);
        expect(result.refusals).toEqual(expect.arrayContaining(['SHARE_WRONG_PASSPHRASE', 'SHARE_CHECKSUM_MISMATCH', 'SHARE_OTHER_SET', 'SHARE_NOT_RECORDED']));
        expect(verifyFolder(result.bundleFolder).status).toBe('verified');
      } finally {
        strays.remove();
      }
      await backHome();
    });

    await test.step('ceremony 6: custody audit of a share of ceremony 2', async () => {
      await driver.start('Annual custody audit of the master key shares');
      const result = await driver.run(castOf('06-custody-audit.answers.yaml'), { previousScriptId: SPLIT });
      expect(verifyFolder(result.bundleFolder).status).toBe('verified');
      await backHome();
    });

    await test.step('ceremony 4: reshare 3-of-5 into 2-of-4 with a newcomer', async () => {
      await driver.start('Master key reshare from 3-of-5 to 2-of-4');
      const result = await driver.run(castOf('04-reshare.answers.yaml'), { previousScriptId: SPLIT });
      await driver.timelineShows('share-set/issued');
      expect(verifyFolder(result.bundleFolder).status).toBe('verified');
      await backHome();
    });

    // Ceremony 2's five shares, the other set's share Carl presented, the reshare's four new ones.
    expect(gathered('the share bytes of ')).toHaveLength(10);
    await test.step('scan everything the renderer received for every secret of the runs', () => expectNoSecretIn(app.received));
  });
});
