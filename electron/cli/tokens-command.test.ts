import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './keyrite.ts';
import { createTestToken, type TestToken } from '../../test/support/softhsm.ts';

let token: TestToken;
let dataDir: string;
beforeAll(() => {
  token = createTestToken('cli');
  dataDir = mkdtempSync(join(tmpdir(), 'keyrite-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => { out += t; }, error: (t) => { err += t; } });
  return { code, out, err };
}

describe('keyrite tokens', () => {
  it('lists a configured module as JSON, the same answer the home screen gets', async () => {
    const { code, out } = await run('tokens', '--json', '--module', token.library, '--data-dir', dataDir);
    expect(code).toBe(0);
    const list = JSON.parse(out) as { module: { rehearsal: boolean }; tokens: { label: string; serial: string }[] };
    expect(list.module.rehearsal).toBe(false);
    expect(list.tokens).toContainEqual(expect.objectContaining({ label: token.label, serial: token.serial }));
  });

  it('prints a readable line per initialised token', async () => {
    const { code, out } = await run('tokens', '--module', token.library, '--data-dir', dataDir);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${token.label}\\s+serial ${token.serial}`, 'u'));
  });

  it('says why a module cannot be read, with exit status 1', async () => {
    const { code, err } = await run('tokens', '--module', '/nonexistent/lib.so', '--data-dir', dataDir);
    expect(code).toBe(1);
    expect(err).toContain('/nonexistent/lib.so');
  });

  it('refuses unknown options with the usage status and help', async () => {
    const { code, err } = await run('tokens', '--bogus');
    expect(code).toBe(64);
    expect(err).toContain('Usage: keyrite tokens');
  });

  it('is listed in the overview', async () => {
    const { out } = await run('--help');
    expect(out).toMatch(/tokens\s+list the tokens/u);
  });
});
