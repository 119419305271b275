/**
 * The HSMs of a crashed rehearsal, reopened for its resume (resume.ts): the
 * very tokens the run made (recorded in `rehearsal/tokens-mapped`), found
 * again by label in the run's own SoftHSM folder and checked by serial, so
 * what was generated or loaded before the crash is still there to check.
 * Also: a key kept from before the crash, found by its CKA_ID and its check
 * value or public-key fingerprint read again from the HSM; and the objects a
 * redone step will create again, which a superseded attempt may have left.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KeyriteError } from '../../../../shared/result.ts';
import { destroyKey, HsmModule, takeInventory, type DestructionEvidence, type GeneratedKey, type HsmSession, type ImportedKey } from '../../hsm/index.ts';
import { findKey } from '../../hsm/key-lookup.ts';
import { aesCheckValues, exportPublicKey } from '../../hsm/key-material.ts';
import { findSoftHsm } from '../../hsm/rehearsal-token.ts';
import type { RehearsalHsms, TokenMapping } from './rehearsal-hsm.ts';

/** Reopens the tokens of `mappings` in the rehearsal's HSM folder (SOFTHSM2_CONF is set for the module's life, restored by close). */
export async function reopenRehearsalHsms(folder: string, mappings: readonly TokenMapping[]): Promise<RehearsalHsms> {
  const library = findSoftHsm();
  if (library === null) throw new KeyriteError('HSM_NOT_CONFIGURED', 'SoftHSM2 is not installed, so the rehearsal tokens cannot be reopened (Debian/Ubuntu: apt-get install softhsm2).');
  const conf = join(folder, 'softhsm2.conf');
  if (!existsSync(conf)) throw new KeyriteError('CEREMONY_RESUME_HSM_MISSING', `The rehearsal tokens of this run are gone (${conf} is missing): what was generated or loaded cannot be checked.`);
  const previous = process.env['SOFTHSM2_CONF'];
  process.env['SOFTHSM2_CONF'] = conf;
  const restore = () => {
    if (previous === undefined) delete process.env['SOFTHSM2_CONF'];
    else process.env['SOFTHSM2_CONF'] = previous;
  };
  let module: HsmModule | undefined;
  try {
    module = HsmModule.load(library, { rehearsal: true });
    for (const m of mappings) {
      const token = await module.findToken({ label: m.label }).catch(() => undefined);
      if (token?.serial !== m.serial) throw new KeyriteError('CEREMONY_RESUME_HSM_MISSING', `HSM ${m.hsm}: rehearsal token ${m.label} (serial ${m.serial}) is not there any more.`);
    }
  } catch (error) {
    await module?.close().catch(() => {});
    restore();
    throw error;
  }
  const opened = module;
  return {
    module: opened,
    mappings: mappings.map((m) => ({ ...m })),
    close: async () => {
      try {
        await opened.close();
      } finally {
        restore();
      }
    },
  };
}

/** What the transcript says a kept key is: its id, and the check value or fingerprint recorded when it was made. */
export interface RecordedKey {
  hsm: string;
  id: string;
  label: string;
  checkValue?: string;
  fingerprint?: string;
}

const missing = (key: RecordedKey, why: string) =>
  new KeyriteError('CEREMONY_RESUME_KEY_MISMATCH', `HSM ${key.hsm}: key '${key.label}' (id ${key.id}) made before the crash ${why}; the ceremony cannot resume on it. Record an exception and run the ceremony again.`);

/** Finds a kept key by CKA_ID and reads its check values (AES) or public key (pairs) again from the HSM; refuses a key that is gone or differs. */
export async function findKeptKey(session: HsmSession, key: RecordedKey): Promise<{ found: ImportedKey; publicKey: GeneratedKey['publicKey'] }> {
  return session.run('finding a key made before the crash', async (op) => {
    const found = await findKey(op, { id: key.id }, session.token.label).catch(() => undefined);
    const half = found?.secret ?? found?.public;
    if (found === undefined || half === undefined) throw missing(key, 'is not on the token any more');
    if (found.label !== key.label) throw missing(key, `is now labelled '${found.label}'`);
    const checkValues = found.secret?.description.keyType === 'aes' ? await aesCheckValues(op, found.secret.handle) : [];
    const publicKey = found.public === undefined ? null : await exportPublicKey(op, found.public.handle);
    const ecb = checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex;
    if (key.checkValue !== undefined && ecb !== key.checkValue) throw missing(key, `now has check value ${ecb ?? '(none)'}, not the recorded ${key.checkValue}`);
    if (key.fingerprint !== undefined && publicKey?.fingerprint.hex !== key.fingerprint) throw missing(key, 'now has another public key than the recorded one');
    return { found: { label: found.label, id: found.id, method: 'aes-kwp', attributes: half.description, checkValues }, publicKey };
  });
}

/** Destroys every key labelled `label` on the token (what a superseded attempt of a redone step made), with the HSM layer's evidence. */
export async function destroyLabelled(session: HsmSession, label: string, now: () => Date): Promise<DestructionEvidence[]> {
  const inventory = await takeInventory(session, now);
  const ids = [...new Set(inventory.objects.filter((o) => o.label === label).map((o) => o.id))];
  const evidence: DestructionEvidence[] = [];
  for (const id of ids) evidence.push(await destroyKey(session, { id }, now));
  return evidence;
}
