/** Sign/verify, destroy, random, inventory and import against a real SoftHSM2 token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createTestToken, type TestToken } from '../../../test/support/softhsm.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { HsmModule } from './hsm-module.ts';
import type { HsmSession } from './hsm-session.ts';
import { generateKey } from './key-generation.ts';
import { openSigner, verifyOnHost, lowS } from './signing.ts';
import { destroyKey } from './key-destruction.ts';
import { hsmRandom, mixedRandom } from './random.ts';
import { checkPolicy, diffInventories, takeInventory } from './inventory.ts';
import { importSecretKey, type ImportMethod } from './key-import.ts';
import { hostAesCheckValues } from './key-material.ts';
import { findObjects } from './key-objects.ts';

let token: TestToken;
let module: HsmModule;
let session: HsmSession;

beforeAll(async () => {
  token = createTestToken('ops');
  module = HsmModule.load(token.library, { rehearsal: true });
  session = await module.openSession({ serial: token.serial });
  await session.login('user', SecretBytes.adopt(new TextEncoder().encode(token.userPin)));
});
afterAll(async () => {
  await module.close();
  expect(module.native.openSessions).toBe(0);
});

describe('sign and verify with HSM keys, cross-checked off the HSM', () => {
  const message = new TextEncoder().encode('{"seq":1,"event":"ceremony.opened"}');
  it('Ed25519 (CKM_EDDSA): node:crypto and noble accept, a changed message is refused', async () => {
    await generateKey(session, { label: 'sig-ed', algorithm: 'ed25519', usages: ['sign', 'verify'] });
    const signer = await openSigner(session, { label: 'sig-ed' });
    const sig = await signer.sign(message);
    expect(verifyOnHost('ed25519', signer.publicKey.spkiDer, message, sig)).toBe(true);
    expect(ed25519.verify(sig, message, signer.publicKey.spkiDer.slice(-32))).toBe(true);
    expect(await signer.verify(message, sig)).toBe(true);
    expect(await signer.verify(new TextEncoder().encode('tampered'), sig)).toBe(false);
  });
  for (const [algorithm, curve, scheme] of [['ec-p256', p256, 'ecdsa-p256-sha256'], ['ec-p384', p384, 'ecdsa-p384-sha384']] as const) {
    it(`${scheme}: always low-S, verified by node:crypto and by noble with its default lowS check`, async () => {
      await generateKey(session, { label: `sig-${algorithm}`, algorithm, usages: ['sign', 'verify'] });
      const signer = await openSigner(session, { label: `sig-${algorithm}` });
      expect(signer.scheme).toBe(scheme);
      const point = curve.Point.fromBytes(signer.publicKey.spkiDer.slice(-(algorithm === 'ec-p256' ? 65 : 97)));
      for (let i = 0; i < 16; i += 1) {
        const m = randomBytes(40);
        const sig = await signer.sign(m);
        expect(curve.Signature.fromBytes(sig, 'compact').hasHighS()).toBe(false);
        expect(verifyOnHost(scheme, signer.publicKey.spkiDer, m, sig)).toBe(true);
        expect(curve.verify(sig, m, point.toBytes())).toBe(true);
        expect(await signer.verify(m, sig)).toBe(true);
      }
    });
  }
  it('lowS turns a high-S signature into the equivalent low one and leaves a low one alone', () => {
    const n = p256.Point.Fn.ORDER;
    const sig = new Uint8Array(64).fill(0x11);
    sig.set(Buffer.from((n - 1n).toString(16).padStart(64, '0'), 'hex'), 32);
    const fixed = lowS(sig, n);
    expect(Buffer.from(fixed.slice(32)).toString('hex')).toBe('1'.padStart(64, '0'));
    expect(fixed.slice(0, 32)).toEqual(sig.slice(0, 32));
    expect(lowS(fixed, n)).toEqual(fixed);
  });
  it('RSA-PSS SHA-256 (RSA-3072)', async () => {
    await generateKey(session, { label: 'sig-rsa', algorithm: 'rsa-3072', usages: ['sign', 'verify'] });
    const signer = await openSigner(session, { label: 'sig-rsa' });
    const sig = await signer.sign(message);
    expect(sig.length).toBe(384);
    expect(verifyOnHost('rsa-pss-sha256', signer.publicKey.spkiDer, message, sig)).toBe(true);
    sig[10] = (sig[10] ?? 0) ^ 1;
    expect(verifyOnHost('rsa-pss-sha256', signer.publicKey.spkiDer, message, sig)).toBe(false);
    expect(await signer.verify(message, sig)).toBe(false);
  });
  it('finds a key by RFC 7512 URI (object= and id=)', async () => {
    const key = await generateKey(session, { label: 'uri-key', algorithm: 'ec-p256', usages: ['sign'] });
    const idEscaped = key.id.replace(/(..)/gu, '%$1');
    expect((await openSigner(session, { uri: 'pkcs11:object=uri-key;type=private' })).keyId).toBe(key.id);
    expect((await openSigner(session, { uri: `pkcs11:id=${idEscaped}` })).keyId).toBe(key.id);
    await expect(openSigner(session, { uri: 'pkcs11:object=uri-key;id=%00' })).rejects.toMatchObject({ code: 'HSM_KEY_NOT_FOUND' });
    await expect(openSigner(session, { uri: 'pkcs11:token=x' })).rejects.toMatchObject({ code: 'HSM_URI_INVALID' });
  });
  it('refuses to sign with a key that has no sign usage', async () => {
    await generateKey(session, { label: 'verify-only', algorithm: 'ec-p256', usages: ['verify'] });
    await expect(openSigner(session, { label: 'verify-only' })).rejects.toMatchObject({ code: 'HSM_KEY_CANNOT_SIGN' });
  });
});

describe('destroy with evidence', () => {
  it('destroys both halves of a pair, proves a search by id finds nothing, and says what it was', async () => {
    const key = await generateKey(session, { label: 'to-destroy', algorithm: 'ec-p256', usages: ['sign'] });
    const evidence = await destroyKey(session, { id: key.id }, () => new Date('2026-11-28T12:00:00Z'));
    expect(evidence).toMatchObject({ id: key.id, label: 'to-destroy', fingerprint: key.publicKey?.fingerprint.hex, destroyedAt: '2026-11-28T12:00:00.000Z', proof: { searchedBy: 'CKA_ID', id: key.id, found: 0 } });
    expect(evidence.objects.map((o) => o.class).sort()).toEqual(['private-key', 'public-key']);
    const left = await session.run('test', (op) => findObjects(op, { id: Buffer.from(key.id, 'hex') }));
    expect(left).toHaveLength(0);
    await expect(destroyKey(session, { id: key.id })).rejects.toMatchObject({ code: 'HSM_KEY_NOT_FOUND' });
  });
  it('records the check value of a destroyed AES key', async () => {
    const key = await generateKey(session, { label: 'aes-destroy', algorithm: 'aes-256', usages: ['encrypt'] });
    const evidence = await destroyKey(session, { label: 'aes-destroy' });
    expect(evidence.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex).toBe(key.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex);
    expect(evidence.fingerprint).toBeNull();
  });
});

describe('random', () => {
  it('draws HSM bytes and mixed HSM^OS bytes of the asked length, all different', async () => {
    const a = await hsmRandom(session, 32);
    const b = await mixedRandom(session, 32);
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
    expect(a.expose((x) => Buffer.from(x).toString('hex'))).not.toBe(b.expose((x) => Buffer.from(x).toString('hex')));
    expect(b.expose((x) => x.some((v) => v !== 0))).toBe(true);
    await expect(hsmRandom(session, 0)).rejects.toMatchObject({ code: 'HSM_RANDOM_LENGTH' });
  });
});

describe('inventory, diff and policy', () => {
  it('lists security attributes, diffs two snapshots and flags policy violations', async () => {
    const before = await takeInventory(session);
    expect(before.view).toBe('user');
    expect(JSON.stringify(before)).not.toMatch(/"value"/u);
    const key = await generateKey(session, { label: 'inv-new', algorithm: 'aes-256', usages: ['wrap', 'unwrap'] });
    const after = await takeInventory(session);
    const diff = diffInventories(before, after);
    expect(diff.added.map((o) => o.label)).toEqual(['inv-new']);
    expect(diff.removed).toEqual([]);
    expect(diff.added[0]).toMatchObject({ id: key.id, class: 'secret-key', keyType: 'aes', sensitive: true, extractable: false, usages: ['wrap', 'unwrap'] });
    expect(checkPolicy(after, [{ rule: 'no-extractable-secrets' }, { rule: 'all-secrets-sensitive' }])).toEqual([]);
    const onlyLabels = checkPolicy(after, [{ rule: 'only-labels', labels: before.objects.map((o) => o.label) }]);
    expect(onlyLabels.map((v) => v.object.label)).toEqual(['inv-new']);
    const weak = { ...after, objects: [...after.objects, { ...after.objects[0], class: 'secret-key' as const, label: 'leaky', extractable: true, sensitive: false } as (typeof after.objects)[number]] };
    expect(checkPolicy(weak, [{ rule: 'no-extractable-secrets' }, { rule: 'all-secrets-sensitive' }]).map((v) => v.rule)).toEqual(['no-extractable-secrets', 'all-secrets-sensitive']);
    await destroyKey(session, { id: key.id });
    expect(diffInventories(before, await takeInventory(session))).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('import a host secret as a non-extractable key', () => {
  for (const method of ['aes-kwp', 'rsa-oaep', 'create-object'] as ImportMethod[]) {
    it(`${method}: the check value computed in the HSM equals the host's, the key is protected`, async () => {
      const raw = randomBytes(32);
      const host = hostAesCheckValues(new SecretBytes(raw));
      const secret = new SecretBytes(raw);
      const key = await importSecretKey(session, secret, { label: `imp-${method}`, usages: ['encrypt', 'sign'], method });
      expect(key.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex).toBe(Buffer.from(host.ecb).toString('hex'));
      expect(key.checkValues.find((c) => c.method === 'aes-cmac-zero-block')?.value.hex).toBe(Buffer.from(host.cmac).toString('hex'));
      expect(key.attributes).toMatchObject({ sensitive: true, extractable: false, token: true, private: true, local: false });
      // No one-time wrapping key is left behind.
      const inv = await takeInventory(session);
      expect(inv.objects.filter((o) => !o.token)).toEqual([]);
    });
  }
  it('a wrong expected check value destroys the object and fails the import', async () => {
    const secret = new SecretBytes(randomBytes(32));
    const before = await takeInventory(session);
    await expect(importSecretKey(session, secret, { label: 'imp-wrong', usages: ['encrypt'], method: 'aes-kwp', expectedCheckValue: new Uint8Array([1, 2, 3]) }))
      .rejects.toMatchObject({ code: 'HSM_CHECK_VALUE_MISMATCH' });
    expect(diffInventories(before, await takeInventory(session)).added).toEqual([]);
  });
  it('refuses an existing label before touching the secret', async () => {
    await expect(importSecretKey(session, new SecretBytes(randomBytes(32)), { label: 'imp-aes-kwp', usages: ['encrypt'], method: 'create-object' }))
      .rejects.toMatchObject({ code: 'HSM_LABEL_EXISTS' });
  });
});

describe('low-S by bytes agrees with big-integer arithmetic', () => {
  it('for random P-256 and P-384 signatures', () => {
    for (const curve of [p256, p384]) {
      const n = curve.Point.Fn.ORDER;
      const size = curve === p256 ? 32 : 48;
      for (let i = 0; i < 200; i += 1) {
        const sig = new Uint8Array(randomBytes(size * 2));
        const s = BigInt(`0x${Buffer.from(sig.slice(size)).toString('hex')}`) % n;
        sig.set(Buffer.from(s.toString(16).padStart(size * 2, '0'), 'hex'), size);
        const expected = s > n >> 1n ? n - s : s;
        expect(BigInt(`0x${Buffer.from(lowS(sig, n).slice(size)).toString('hex')}`)).toBe(expected);
        expect(lowS(sig, n).slice(0, size)).toEqual(sig.slice(0, size));
      }
    }
  });
});
