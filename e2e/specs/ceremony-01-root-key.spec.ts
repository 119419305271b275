/**
 * Built-in ceremony 1 (root signing key generation) through the UI alone on
 * the rehearsal token: custody serials typed and read back, the key made in
 * the HSM, its public key's fingerprint read aloud; the outcome screen says
 * verified and the pure verifier agrees; no passphrase or PIN in anything
 * the renderer received.
 */
import { CeremonyDriver, castOf, expectNoSecretIn, verifyFolder } from '../support/ceremony-driver.ts';
import { expect, test } from '../support/fixtures.ts';

test.describe('ceremony 1: root signing key generation', () => {
  test.setTimeout(480_000);

  test('generates the root key and ends with a verified bundle', async ({ app }, testInfo) => {
    const driver = new CeremonyDriver(app, testInfo);
    await driver.start('Root signing key generation');
    const result = await driver.run(castOf('01-root-key-generation.answers.yaml'), { mistakes: ['wrong-signer-passphrase'] });
    await driver.timelineShows('key/created');
    expect(result.refusals).toContain('CEREMONY_CREDENTIAL_MISMATCH');
    expect(verifyFolder(result.bundleFolder).status).toBe('verified');
    expectNoSecretIn(app.received);
  });
});
