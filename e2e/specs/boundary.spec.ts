/**
 * What a compromised page could try, through the real bridge: every attempt
 * is refused with a typed error, recorded on the audit timeline, and the app
 * keeps working. (Sender, size and schema rules are unit-tested in
 * electron/ipc/router.test.ts; this proves the wiring end to end.)
 */
import { test, expect } from '../support/fixtures.ts';

type Answer = { ok: boolean; error?: { code: string; message: string } };

test.describe('the trust boundary, seen from the page', () => {
  test.beforeEach(({}, testInfo) => {
    testInfo.skip(testInfo.project.name === 'electron', 'drives the page bridge; the Electron window is covered by electron/main unit tests');
  });

  test('hostile payloads are refused, recorded, and the app keeps answering', async ({ app }) => {
    const { page } = app;
    await app.waitForAuditEvent('hsm.module-loaded');
    const answers = await page.evaluate(async () => {
      const api = (window as unknown as { keyrite: unknown }).keyrite as { hsm: { listTokens(r: unknown): Promise<Answer> }; app: { describe(r: unknown): Promise<Answer> } };
      const raw = (window as unknown as { __keyriteTestBridgeInvoke(n: unknown, r: unknown): Promise<Answer> }).__keyriteTestBridgeInvoke;
      return {
        extraField: await api.hsm.listTokens({ slot: '../../etc' }),
        oversized: await api.app.describe({ pad: 'x'.repeat(200_000) }),
        unknown: await raw('hsm/initToken', {}),
        prototype: await raw('__proto__', {}),
        valid: await api.app.describe({}),
      };
    });
    expect(answers.extraField.error?.code).toBe('BOUNDARY_INVALID_REQUEST');
    expect(answers.oversized.error?.code).toBe('BOUNDARY_PAYLOAD_TOO_LARGE');
    expect(answers.unknown.error?.code).toBe('BOUNDARY_UNKNOWN_COMMAND');
    expect(answers.prototype.error?.code).toBe('BOUNDARY_UNKNOWN_COMMAND');
    expect(answers.valid.ok).toBe(true);
    await app.waitForAuditEvent('boundary.refused');
    await expect(page.locator('[data-testid="audit-event"][data-type="boundary.refused"]')).toHaveCount(4);
    await expect(page.getByRole('table', { name: 'HSM tokens' }).getByRole('row', { name: /KEYRITE REHEARSAL/u })).toBeVisible();
  });

  test('the page API is frozen: it cannot be replaced or extended', async ({ app }) => {
    const result = await app.page.evaluate(() => {
      'use strict';
      const original = (window as unknown as { keyrite: unknown }).keyrite;
      const api = (window as unknown as { keyrite: Record<string, unknown> }).keyrite;
      const attempts: string[] = [];
      try { (window as unknown as Record<string, unknown>)['keyrite'] = {}; } catch { attempts.push('window.keyrite'); }
      try { api['hsm'] = {}; } catch { attempts.push('api.hsm'); }
      try { (api['hsm'] as Record<string, unknown>)['listTokens'] = () => 0; } catch { attempts.push('api.hsm.listTokens'); }
      try { api['send'] = () => 0; } catch { attempts.push('api.send'); }
      return { attempts, same: (window as unknown as { keyrite: unknown }).keyrite === original, hasSend: 'send' in api, listTokensIsFunction: typeof (api['hsm'] as Record<string, unknown>)['listTokens'] === 'function' };
    });
    // In strict mode every write to a frozen object or read-only property throws.
    expect(result.same).toBe(true);
    expect(result.attempts).toEqual(['window.keyrite', 'api.hsm', 'api.hsm.listTokens', 'api.send']);
    expect(result.hasSend).toBe(false);
    expect(result.listTokensIsFunction).toBe(true);
  });

  test('the Content Security Policy stops the page from reaching the network', async ({ app }) => {
    const { page } = app;
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/u.test(message.text())) violations.push(message.text());
    });
    const outcome = await page.evaluate(async () => {
      try {
        await fetch('http://127.0.0.1:9/exfiltrate');
        return 'reached';
      } catch {
        return 'blocked';
      }
    });
    expect(outcome).toBe('blocked');
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations.join('\n')).toContain('connect-src');
  });
});
