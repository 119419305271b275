import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { bytesToHex } from '@noble/hashes/utils.js';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { parseEnvelope } from '../../../shared/shares/envelope.ts';
import { deriveShareKey, INSECURE_TEST_KDF, judgeKdfCost, PRODUCTION_KDF, PRODUCTION_KDF_POLICY } from './kdf.ts';
import type { KdfProgress } from './kdf.ts';
import { splitSecret } from './split.ts';
import { passphraseOf, testSecret } from './test-fixtures.ts';

const salt = new TextEncoder().encode('somesaltsomesalt');

describe('Argon2id parameters', () => {
  it('production shares are sealed with at least 64 MiB, t=3, p=4 (RFC 9106 §4) and a fresh 16-byte salt each', async () => {
    expect(PRODUCTION_KDF).toEqual({ memoryKiB: 65536, passes: 3, parallelism: 4 });
    // No kdf given: the default must be production.
    const set = await splitSecret(testSecret(), {
      ceremonyId: 'c', key: { id: 'k', label: '', fingerprint: new Uint8Array(1) }, threshold: 2,
      custodians: [{ name: 'A', passphrase: passphraseOf('A') }, { name: 'B', passphrase: passphraseOf('B') }],
    });
    const headers = set.shares.map((s) => parseEnvelope(s.envelope, 's').header.kdf);
    for (const kdf of headers) expect({ memoryKiB: kdf.memoryKiB, passes: kdf.passes, parallelism: kdf.parallelism }).toEqual(PRODUCTION_KDF);
    expect(bytesToHex(headers[0]?.salt ?? new Uint8Array())).not.toBe(bytesToHex(headers[1]?.salt ?? new Uint8Array()));
  }, 30_000);

  it('the production policy refuses the test profile and anything below the floor', () => {
    expect(judgeKdfCost(INSECURE_TEST_KDF, PRODUCTION_KDF_POLICY)).toBe('weak');
    expect(judgeKdfCost({ ...PRODUCTION_KDF, memoryKiB: 65535 }, PRODUCTION_KDF_POLICY)).toBe('weak');
    expect(judgeKdfCost({ ...PRODUCTION_KDF, passes: 2 }, PRODUCTION_KDF_POLICY)).toBe('weak');
    expect(judgeKdfCost(PRODUCTION_KDF, PRODUCTION_KDF_POLICY)).toBeUndefined();
    expect(judgeKdfCost({ ...PRODUCTION_KDF, memoryKiB: 4 * 1024 * 1024 }, PRODUCTION_KDF_POLICY)).toBe('costly');
  });

  it('gives the same key as the Debian argon2 C tool (a second implementation)', async () => {
    const key = await deriveShareKey(SecretBytes.adopt(new TextEncoder().encode('password')), { ...PRODUCTION_KDF, salt });
    const tool = execFileSync('argon2', ['somesaltsomesalt', '-id', '-t', '3', '-m', '16', '-p', '4', '-l', '32', '-r'], { input: 'password' }).toString().trim();
    expect(bytesToHex(key)).toBe(tool);
  }, 30_000);
});

describe('Argon2id off the main thread', () => {
  it('keeps the event loop turning during a production derivation and reports progress ending at exactly 1', async () => {
    let ticks = 0;
    let spinning = true;
    const spin = (): void => {
      ticks++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const reports: KdfProgress[] = [];
    const ticksBefore = ticks;
    await deriveShareKey(SecretBytes.adopt(new TextEncoder().encode('pw')), { ...PRODUCTION_KDF, salt }, (p) => reports.push(p));
    spinning = false;
    // A synchronous derivation (argon2Sync) would let no tick through at all.
    expect(ticks - ticksBefore).toBeGreaterThan(10);
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)?.fraction).toBe(1);
    expect(reports.slice(0, -1).every((r) => r.fraction < 1)).toBe(true);
    expect(reports.map((r) => r.fraction)).toEqual([...reports.map((r) => r.fraction)].sort((a, b) => a - b));
  }, 30_000);
});
