/** Modules, tokens and the one real SoftHSM removal case: its token folder deleted mid-session. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createTestToken, type TestToken } from '../../../test/support/softhsm.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { HsmRegistry, type HsmModule } from './hsm-module.ts';
import { generateKey } from './key-generation.ts';
import { openSigner } from './signing.ts';
import { takeInventory } from './inventory.ts';

const OPENSC = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const tokenDirs = (): string[] => readdirSync(join(process.env['KEYRITE_TEST_SOFTHSM_ROOT'] ?? '', 'tokens'));
let kept: TestToken;
let doomed: TestToken;
let doomedDir: string;
const registry = new HsmRegistry();
let softhsm: HsmModule;
const pin = (p: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(p));

beforeAll(() => {
  kept = createTestToken('kept');
  const before = new Set(tokenDirs());
  doomed = createTestToken('doomed');
  doomedDir = join(process.env['KEYRITE_TEST_SOFTHSM_ROOT'] ?? '', 'tokens', tokenDirs().find((d) => !before.has(d)) ?? '');
  softhsm = registry.load(kept.library, { rehearsal: true });
});
afterAll(async () => {
  await registry.closeAll();
  expect(softhsm.native.openSessions).toBe(0);
});

describe('modules and tokens', () => {
  it('describes tokens with label, manufacturer, model, serial, firmware and flags, and a URI', async () => {
    const t = (await softhsm.tokens()).find((x) => x.serial === kept.serial);
    expect(t).toMatchObject({ label: kept.label, manufacturer: 'SoftHSM project', model: 'SoftHSM v2', serial: kept.serial });
    expect(t?.firmwareVersion).toMatch(/^\d+\.\d+$/u);
    expect(t?.flags).toMatchObject({ tokenInitialized: true, userPinInitialized: true, loginRequired: true, rng: true, userPinLocked: false });
    expect(t?.uri).toBe(`pkcs11:manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=${kept.serial};token=${kept.label}`);
  });

  it('finds a token by serial, by label and by RFC 7512 URI, and refuses unknown or ambiguous ones', async () => {
    expect((await softhsm.findToken({ serial: kept.serial })).label).toBe(kept.label);
    expect((await softhsm.findToken({ label: kept.label })).serial).toBe(kept.serial);
    expect((await softhsm.findToken({ uri: `pkcs11:token=${kept.label}` })).serial).toBe(kept.serial);
    await expect(softhsm.findToken({ serial: 'nope' })).rejects.toMatchObject({ code: 'HSM_TOKEN_NOT_FOUND' });
    await expect(softhsm.findToken({ uri: 'pkcs11:model=SoftHSM%20v2' })).rejects.toMatchObject({ code: 'HSM_TOKEN_AMBIGUOUS' });
  });

  it.skipIf(!existsSync(OPENSC))('loads several modules at once (SoftHSM2 and OpenSC), each listing its own tokens', async () => {
    const opensc = registry.load(OPENSC);
    expect(registry.modules.map((m) => m.path)).toEqual([kept.library, OPENSC]);
    expect((await opensc.info()).manufacturer).toMatch(/OpenSC/u);
    expect(await opensc.tokens()).toEqual([]);
    expect((await softhsm.tokens()).length).toBeGreaterThanOrEqual(2);
    await registry.unload(OPENSC);
    expect(registry.modules).toHaveLength(1);
  });

  it('a missing library is a typed error', () => {
    expect(() => registry.load('/nonexistent/libvendor-pkcs11.so')).toThrow(expect.objectContaining({ code: 'HSM_MODULE_NOT_LOADED' }));
  });
});

describe('the token folder deleted mid-session (real SoftHSM, no injection)', () => {
  it('generation fails its re-check, signing finds no key, nothing leaks, and the other token still works', async () => {
    const session = await softhsm.openSession({ serial: doomed.serial });
    await session.login('user', pin(doomed.userPin));
    await generateKey(session, { label: 'before', algorithm: 'ec-p256', usages: ['sign'] });
    rmSync(doomedDir, { recursive: true, force: true });
    // SoftHSM reports success for C_GenerateKey on the vanished token; only the re-check catches it.
    const failure: unknown = await generateKey(session, { label: 'after', algorithm: 'aes-256', usages: ['encrypt'] }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: expect.stringMatching(/^HSM_(KEY_RECHECK_FAILED|GENERAL_ERROR)$/u) });
    if (!session.closed) await expect(openSigner(session, { label: 'before' })).rejects.toMatchObject({ code: 'HSM_KEY_NOT_FOUND' });
    await session.close();
    // Its slot can no longer be read: the token's own error, not a bare "not found".
    await expect(softhsm.openSession({ serial: doomed.serial })).rejects.toMatchObject({ code: 'HSM_GENERAL_ERROR' });
    expect(softhsm.native.openSessions).toBe(0);
    const other = await softhsm.openSession({ serial: kept.serial });
    await other.login('user', pin(kept.userPin));
    await generateKey(other, { label: 'still-fine', algorithm: 'ec-p256', usages: ['sign'] });
    expect((await takeInventory(other)).objects.map((o) => o.label)).toContain('still-fine');
    await other.close();
  });
});
