/**
 * The engine as its hosts see it: token listing through the new HSM layer,
 * on a configured SoftHSM token and on the rehearsal token it makes itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from './engine.ts';
import { REHEARSAL_TOKEN_LABEL } from './hsm/rehearsal-token.ts';
import { createTestToken, type TestToken } from '../../test/support/softhsm.ts';
import type { KeyriteEvent } from '../../shared/contract.ts';

let token: TestToken;
let dataDir: string;
const runConf = process.env['SOFTHSM2_CONF'];

beforeAll(() => {
  token = createTestToken('engine');
  dataDir = mkdtempSync(join(tmpdir(), 'keyrite-engine-'));
});
afterAll(() => {
  process.env['SOFTHSM2_CONF'] = runConf;
  rmSync(dataDir, { recursive: true, force: true });
});

async function withEngine(pkcs11Module: string | undefined, use: (engine: Engine, events: KeyriteEvent[]) => Promise<void>): Promise<void> {
  const engine = createEngine({ dataDir, pkcs11Module, host: 'cli', version: '0.0.0-test' });
  const events: KeyriteEvent[] = [];
  engine.onEvent((event) => events.push(event));
  try {
    await use(engine, events);
  } finally {
    await engine.close();
  }
}

describe('engine: hsm/listTokens', () => {
  it('lists a configured module\'s token by label and serial and records the load once', async () => {
    await withEngine(token.library, async (engine, events) => {
      const first = await engine.handlers['hsm/listTokens']({});
      await engine.handlers['hsm/listTokens']({});
      expect(first.module).toMatchObject({ path: token.library, manufacturer: 'SoftHSM', rehearsal: false });
      const listed = first.tokens.find((t) => t.serial === token.serial);
      expect(listed).toMatchObject({ label: token.label, manufacturer: 'SoftHSM project', model: 'SoftHSM v2', initialized: true, userPinInitialized: true, loggedIn: false });
      expect(events.filter((e) => e.name === 'audit/recorded' && e.payload.type === 'hsm.module-loaded')).toHaveLength(1);
    });
  });

  it('makes the rehearsal token once in its data folder and finds it again after a restart', async () => {
    let serial = '';
    await withEngine(undefined, async (engine) => {
      const list = await engine.handlers['hsm/listTokens']({});
      expect(list.module.rehearsal).toBe(true);
      const rehearsal = list.tokens.filter((t) => t.label === REHEARSAL_TOKEN_LABEL);
      expect(rehearsal).toHaveLength(1);
      serial = rehearsal[0]?.serial ?? '';
      expect(engine.handlers['app/describe']({})).toMatchObject({ rehearsal: true, host: 'cli' });
    });
    expect(process.env['SOFTHSM2_CONF']).toBe(join(dataDir, 'rehearsal-hsm', 'softhsm2.conf'));
    await withEngine(undefined, async (engine) => {
      const again = (await engine.handlers['hsm/listTokens']({})).tokens.filter((t) => t.label === REHEARSAL_TOKEN_LABEL);
      expect(again.map((t) => t.serial)).toEqual([serial]);
    });
  });

  it('answers a module that cannot be loaded with a typed error', async () => {
    await withEngine('/nonexistent/libpkcs11.so', async (engine) => {
      await expect(Promise.resolve().then(() => engine.handlers['hsm/listTokens']({}))).rejects.toMatchObject({ code: 'HSM_MODULE_NOT_LOADED' });
    });
  });
});
