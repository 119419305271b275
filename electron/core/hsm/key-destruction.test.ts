/** inspectKey and destroyKey's guard against a real SoftHSM2 token: a key that fails the guard is left whole. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestToken, type TestToken } from '../../../test/support/softhsm.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { HsmModule } from './hsm-module.ts';
import type { HsmSession } from './hsm-session.ts';
import { destroyKey, inspectKey } from './key-destruction.ts';
import { generateKey } from './key-generation.ts';
import { findObjects } from './key-objects.ts';

let token: TestToken;
let module: HsmModule;
let session: HsmSession;

beforeAll(async () => {
  token = createTestToken('destroy-guard');
  module = HsmModule.load(token.library, { rehearsal: true });
  session = await module.openSession({ serial: token.serial });
  await session.login('user', SecretBytes.adopt(new TextEncoder().encode(token.userPin)));
});
afterAll(async () => {
  await module.close();
});

const objectsWithId = (id: string) => session.run('test', (op) => findObjects(op, { id: Buffer.from(id, 'hex') }));

describe('inspecting and guarding a destruction', () => {
  it('inspectKey describes both halves and the fingerprint without changing the token', async () => {
    const key = await generateKey(session, { label: 'inspect-me', algorithm: 'ec-p384', usages: ['sign', 'verify'] });
    const seen = await inspectKey(session, { label: 'inspect-me' });
    expect(seen).toMatchObject({ id: key.id, label: 'inspect-me', fingerprint: key.publicKey?.fingerprint.hex, token: { serial: token.serial } });
    expect(seen.objects.map((o) => o.class).sort()).toEqual(['private-key', 'public-key']);
    expect(await objectsWithId(key.id)).toHaveLength(2);
    await expect(inspectKey(session, { label: 'no-such-key' })).rejects.toMatchObject({ code: 'HSM_KEY_NOT_FOUND' });
  });

  it('a guard that refuses leaves every object of the key in place, and its error is the one thrown', async () => {
    const key = await generateKey(session, { label: 'guarded', algorithm: 'ec-p256', usages: ['sign'] });
    const refusal = new KeyriteError('TEST_NOT_THIS_KEY', 'not this key');
    await expect(destroyKey(session, { label: 'guarded' }, undefined, () => { throw refusal; })).rejects.toBe(refusal);
    expect(await objectsWithId(key.id)).toHaveLength(2);
    // A guard that accepts sees the same description inspectKey gives, then the key is gone.
    let seen: unknown;
    const evidence = await destroyKey(session, { label: 'guarded' }, undefined, (k) => { seen = k; });
    expect(seen).toEqual({ token: evidence.token, id: evidence.id, label: evidence.label, objects: evidence.objects, fingerprint: evidence.fingerprint, checkValues: evidence.checkValues });
    expect(await objectsWithId(key.id)).toHaveLength(0);
  });
});
