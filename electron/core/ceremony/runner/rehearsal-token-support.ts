/**
 * Test helper: opens the rehearsal token a run left in its rehearsal-hsm
 * folder, logged in with the rehearsal PIN, to look at (or, for an attack
 * test, change) what is on it afterwards. The folder's own softhsm2.conf is
 * not reused: a copied folder's conf still names the original tokens.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBytes } from '../../../../shared/secret-bytes.ts';
import { HsmModule, type HsmSession } from '../../hsm/index.ts';
import { findSoftHsm, REHEARSAL_USER_PIN } from '../../hsm/rehearsal-token.ts';

export async function onRehearsalToken<T>(rehearsalHsm: string, hsm: string, use: (session: HsmSession) => Promise<T>): Promise<T> {
  const conf = join(mkdtempSync(join(tmpdir(), 'keyrite-token-')), 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(rehearsalHsm, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const previous = process.env['SOFTHSM2_CONF'];
  process.env['SOFTHSM2_CONF'] = conf;
  const module = HsmModule.load(findSoftHsm() as string, { rehearsal: true });
  try {
    const token = (await module.tokens()).find((t) => t.label.startsWith(`rehearsal-${hsm}-`));
    if (token === undefined) throw new Error(`no rehearsal token for ${hsm} in ${rehearsalHsm}`);
    const session = await module.openSession({ serial: token.serial, label: token.label });
    await session.login('user', SecretBytes.adopt(new TextEncoder().encode(REHEARSAL_USER_PIN)));
    return await use(session);
  } finally {
    await module.close();
    if (previous === undefined) delete process.env['SOFTHSM2_CONF'];
    else process.env['SOFTHSM2_CONF'] = previous;
  }
}
