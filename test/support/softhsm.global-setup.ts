/**
 * One private SoftHSM2 configuration per test run: its own softhsm2.conf and
 * token folder in a temp directory, exported as SOFTHSM2_CONF before any
 * worker starts, removed afterwards. Tests make their own tokens in it with
 * `createTestToken` (test/support/softhsm.ts).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSoftHsm } from '../../electron/core/hsm/rehearsal-token.ts';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'keyrite-softhsm-'));
  const tokenDir = join(root, 'tokens');
  mkdirSync(tokenDir);
  const conf = join(root, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env['SOFTHSM2_CONF'] = conf;
  process.env['KEYRITE_TEST_SOFTHSM_ROOT'] = root;
  const lib = findSoftHsm();
  if (lib === null) throw new Error('SoftHSM2 is not installed: sudo apt-get install softhsm2 (the HSM tests run against it).');
  process.env['KEYRITE_TEST_SOFTHSM_LIB'] = lib;
  return () => rmSync(root, { recursive: true, force: true });
}
