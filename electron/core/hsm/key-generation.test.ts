import { beforeAll, afterAll, describe, it, expect } from 'vitest';
import { createTestToken, type TestToken } from '../../../test/support/softhsm.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { HsmModule } from './hsm-module.ts';
import type { HsmSession } from './hsm-session.ts';
import { generateKey, recheck, type KeyAlgorithm } from './key-generation.ts';
import type { ObjectDescription } from './key-objects.ts';
import { createPublicKey } from 'node:crypto';

let token: TestToken;
let module: HsmModule;
let session: HsmSession;
let mode: 'drop' | 'ignore-template' | 'honest' = 'honest';
const pin = (p: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(p));

beforeAll(async () => {
  token = createTestToken('keygen');
  module = HsmModule.load(token.library, {
    rehearsal: true,
    wrapBinding: (real) => ({
      ...real,
      async C_GenerateKeyPair(s, m, pub, priv) {
        // An HSM that ignores our protective template: the private key comes out extractable.
        const tampered = mode === 'ignore-template' ? priv.map((a) => (a.type === 0x162 ? { ...a, value: true } : a)) : priv;
        const pair = await real.C_GenerateKeyPair(s, m, pub, tampered);
        // A token that "succeeds" and then has nothing (SoftHSM with its folder gone, FACTS.md).
        if (mode === 'drop') for (const h of [pair.privateKey, pair.publicKey]) await real.C_DestroyObject(s, h);
        return pair;
      },
    }),
  });
  session = await module.openSession({ serial: token.serial });
  await session.login('user', pin(token.userPin));
});
afterAll(async () => {
  await module.close();
});

describe('key generation with protective templates, re-checked', () => {
  const cases: [KeyAlgorithm, ('sign' | 'verify' | 'encrypt' | 'decrypt')[]][] = [
    ['aes-256', ['encrypt', 'decrypt', 'sign']], ['ec-p256', ['sign', 'verify']], ['ec-p384', ['sign', 'verify']],
    ['ed25519', ['sign', 'verify']], ['rsa-3072', ['sign', 'verify']],
  ];
  for (const [algorithm, usages] of cases) {
    it(`makes a protected ${algorithm} key with only the usages asked for`, async () => {
      const key = await generateKey(session, { label: `k-${algorithm}`, algorithm, usages });
      expect(key.id).toMatch(/^[0-9a-f]{32}$/u);
      expect(key.attributes).toMatchObject({ token: true, private: true, sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, local: true });
      const secretUsages = algorithm === 'aes-256' ? usages : usages.filter((u) => u !== 'verify');
      expect(key.attributes.usages.sort()).toEqual([...secretUsages].sort());
      if (algorithm === 'aes-256') {
        const methods = key.checkValues.map((c) => c.method).sort();
        expect(methods).toEqual(['aes-cmac-zero-block', 'aes-ecb-zero-block', 'token-cka-check-value']);
        const ecbKcv = key.checkValues.find((c) => c.method === 'aes-ecb-zero-block')?.value.hex;
        expect(key.checkValues.find((c) => c.method === 'token-cka-check-value')?.value.hex).toBe(ecbKcv);
      } else {
        expect(key.publicKey).not.toBeNull();
        const pub = createPublicKey({ key: Buffer.from(key.publicKey?.spkiDer ?? []), format: 'der', type: 'spki' });
        expect(pub.asymmetricKeyType).toBe(algorithm.startsWith('rsa') ? 'rsa' : algorithm === 'ed25519' ? 'ed25519' : 'ec');
        expect(key.publicKey?.pem).toContain('BEGIN PUBLIC KEY');
        expect(key.publicKey?.fingerprint.words.length).toBe(24);
      }
    });
  }

  it('refuses a label that already exists, and creates nothing', async () => {
    await generateKey(session, { label: 'taken', algorithm: 'ec-p256', usages: ['sign'] });
    await expect(generateKey(session, { label: 'taken', algorithm: 'aes-256', usages: ['encrypt'] })).rejects.toMatchObject({ code: 'HSM_LABEL_EXISTS' });
  });

  it('refuses usages an algorithm cannot have', async () => {
    await expect(generateKey(session, { label: 'bad', algorithm: 'ed25519', usages: ['encrypt'] })).rejects.toMatchObject({ code: 'HSM_USAGE_INVALID' });
  });
});

describe('the post-generation re-check catches an HSM that lies', () => {
  const lsession = (): HsmSession => session;
  it('a key reported made but not found again is a failure', async () => {
    mode = 'drop';
    await expect(generateKey(lsession(), { label: 'ghost', algorithm: 'ec-p256', usages: ['sign'] })).rejects.toMatchObject({ code: 'HSM_KEY_RECHECK_FAILED' });
  });
  it('a key made extractable against our template is refused and destroyed', async () => {
    mode = 'ignore-template';
    const error: unknown = await generateKey(lsession(), { label: 'leaky', algorithm: 'ec-p256', usages: ['sign'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HSM_KEY_RECHECK_FAILED' });
    expect((error as Error).message).toMatch(/extractable/u);
    mode = 'honest';
    // Destroyed: the label is free again.
    await expect(generateKey(lsession(), { label: 'leaky', algorithm: 'ec-p256', usages: ['sign'] })).resolves.toMatchObject({ label: 'leaky' });
  });
});

describe('the re-check compares type, size and mutability with the request', () => {
  const honest: ObjectDescription = {
    class: 'secret-key', keyType: 'aes', label: 'k', id: 'ab', token: true, private: true, modifiable: false,
    sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, local: true, usages: ['encrypt'], strength: 'aes-256',
  };
  const request = { label: 'k', algorithm: 'aes-256' as const, usages: ['encrypt' as const] };
  const problemsOf = (found: Partial<ObjectDescription>): string => {
    try {
      recheck({ ...honest, ...found }, request, 'ab', false);
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('accepts the key asked for', () => {
    expect(problemsOf({})).toBe('accepted');
  });

  it.each([
    ['another key type (DES3)', { keyType: 'CKK_0x15' }, 'key type CKK_0x15 instead of aes'],
    ['a shorter key (the token ignored CKA_VALUE_LEN)', { strength: 'aes-128' }, 'aes-128 instead of aes-256'],
    ['a modifiable key', { modifiable: true }, 'modifiable'],
    ['a key whose size the token will not say', { strength: null }, 'its size could not be read'],
  ])('refuses %s', (_what, found, problem) => {
    expect(problemsOf(found)).toContain(problem);
  });

  it('refuses the wrong curve for an EC key', () => {
    const ec = { ...honest, class: 'private-key' as const, keyType: 'ec', strength: 'ec-p256', usages: ['sign' as const] };
    expect(() => recheck(ec, { label: 'k', algorithm: 'ec-p384', usages: ['sign'] }, 'ab', false)).toThrow(/ec-p256 instead of ec-p384/u);
  });
});
