/** User and SO login on a real SoftHSM2 token, with Keyrite's own lockout (SoftHSM never locks). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestToken, type TestToken } from '../../../test/support/softhsm.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { HsmModule } from './hsm-module.ts';
import { PinGuard } from './pin-guard.ts';

let token: TestToken;
let module: HsmModule;
const pin = (p: string): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(p));

beforeAll(() => {
  token = createTestToken('login');
  module = HsmModule.load(token.library, { pins: new PinGuard(3) });
});
afterAll(async () => {
  await module.close();
  expect(module.native.openSessions).toBe(0);
});

describe('login', () => {
  it('logs in as user and as security officer, and wipes the PIN on success', async () => {
    const session = await module.openSession({ label: token.label });
    const userPin = pin(token.userPin);
    await session.login('user', userPin);
    expect(userPin.wiped).toBe(true);
    expect(session.loggedInAs).toBe('user');
    await session.logout();
    const soPin = pin(token.soPin);
    await session.login('so', soPin);
    expect(session.loggedInAs).toBe('so');
    expect(soPin.wiped).toBe(true);
    await session.close();
    expect(session.closed).toBe(true);
  });

  it('counts wrong PINs in the message, never shows the PIN, and stops after the limit (SoftHSM would not)', async () => {
    const session = await module.openSession({ serial: token.serial });
    const messages: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const wrong = pin('99999999');
      const error: unknown = await session.login('user', wrong).catch((e: unknown) => e);
      expect(wrong.wiped).toBe(true);
      expect(error).toMatchObject({ code: 'HSM_PIN_INCORRECT' });
      messages.push((error as Error).message);
    }
    expect(messages[1]).toBe(`Wrong user PIN for token '${token.label}' (serial ${token.serial.slice(0, 4)}…), attempt 2 of 3.`);
    expect(messages.join(' ')).not.toContain('99999999');
    // The right PIN is now refused without reaching the token.
    const right = pin(token.userPin);
    await expect(session.login('user', right)).rejects.toMatchObject({ code: 'HSM_PIN_ATTEMPTS_EXHAUSTED' });
    expect(right.wiped).toBe(true);
    expect(session.loggedInAs).toBeNull();
    module.pins.reset(token.serial, 'user');
    await session.login('user', pin(token.userPin));
    expect(session.loggedInAs).toBe('user');
    await session.close();
  });

  it('refuses a PIN that is not UTF-8 text before the HSM sees it, without counting an attempt', async () => {
    const session = await module.openSession({ serial: token.serial });
    const garbled = SecretBytes.adopt(Uint8Array.from([0x31, 0x32, 0xff, 0xfe]));
    await expect(session.login('user', garbled)).rejects.toMatchObject({ code: 'HSM_PIN_NOT_TEXT' });
    expect(garbled.wiped).toBe(true);
    // Not a wrong-PIN attempt: the next wrong PIN is attempt 1 of 3.
    const error: unknown = await session.login('user', pin('99999999')).catch((e: unknown) => e);
    expect((error as Error).message).toContain('attempt 1 of 3');
    await session.login('user', pin(token.userPin));
    expect(session.loggedInAs).toBe('user');
    await session.close();
  });

  it('a right PIN resets the count', async () => {
    const session = await module.openSession({ serial: token.serial });
    await session.login('user', pin('00000000')).catch(() => undefined);
    expect(module.pins.wrongAttempts(token.serial, 'user')).toBe(1);
    await session.login('user', pin(token.userPin));
    expect(module.pins.wrongAttempts(token.serial, 'user')).toBe(0);
    await session.close();
  });
});
