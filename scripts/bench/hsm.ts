/**
 * npm run bench:hsm — in one run, against one fresh SoftHSM2 token:
 * 1. 1000 ECDSA P-256 signatures through our HSM layer (openSigner: SHA-256
 *    on the host, C_SignInit + C_Sign, low-S normalisation, timeout race),
 *    through raw pkcs11js (sync C_SignInit + C_Sign over a fixed digest), and
 *    through a small C program (scripts/bench/hsm-sign.c) doing the same, in
 *    alternating rounds; medians and ratios. Goal: ours within 1.3x of C.
 * 2. The longest main-thread (event-loop) stall while an RSA-4096 key is
 *    generated through our layer (async, libuv pool), and for contrast the
 *    same generation through a synchronous pkcs11js call. Goal: < 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { HsmModule } from '../../electron/core/hsm/hsm-module.ts';
import { generateKey } from '../../electron/core/hsm/key-generation.ts';
import { openSigner } from '../../electron/core/hsm/signing.ts';
import { findSoftHsm } from '../../electron/core/hsm/rehearsal-token.ts';
import { rawPkcs11jsRsa4096Sync, rawPkcs11jsSigns } from '../../electron/core/hsm/bench-reference.ts';

const COUNT = Number(process.env['HSM_SIGNS'] ?? 1000);
const ROUNDS = Number(process.env['HSM_ROUNDS'] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const library = findSoftHsm();
if (library === null) throw new Error('SoftHSM2 is not installed (apt-get install softhsm2).');
const root = mkdtempSync(join(tmpdir(), 'keyrite-bench-hsm-'));
mkdirSync(join(root, 'tokens'));
writeFileSync(join(root, 'softhsm2.conf'), `directories.tokendir = ${join(root, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
process.env['SOFTHSM2_CONF'] = join(root, 'softhsm2.conf');
const label = 'bench';
const userPin = '11223344';
execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '10203040', '--pin', userPin], { stdio: 'ignore' });
const cProgram = join(root, 'hsm-sign');
execFileSync('gcc', ['-O2', '-o', cProgram, join(import.meta.dirname, 'hsm-sign.c'), '-I', join(import.meta.dirname, '../../node_modules/pkcs11js/includes/pkcs11'), '-ldl']);
const pin = (): SecretBytes => SecretBytes.adopt(new TextEncoder().encode(userPin));

async function withLayer<T>(use: (module: HsmModule) => Promise<T>): Promise<T> {
  const module = HsmModule.load(library as string);
  try {
    return await use(module);
  } finally {
    await module.close();
  }
}

// The signing key, made once through our layer.
await withLayer(async (module) => {
  const session = await module.openSession({ label });
  await session.login('user', pin());
  await generateKey(session, { label: 'bench-signer', algorithm: 'ec-p256', usages: ['sign', 'verify'] });
});

async function ours(): Promise<number> {
  return withLayer(async (module) => {
    const session = await module.openSession({ label });
    await session.login('user', pin());
    const signer = await openSigner(session, { label: 'bench-signer' });
    const message = new Uint8Array(64);
    for (let i = 0; i < 50; i += 1) await signer.sign(message);
    const started = performance.now();
    for (let i = 0; i < COUNT; i += 1) {
      message[0] = i & 0xff;
      await signer.sign(message);
    }
    return performance.now() - started;
  });
}

const raw = (): number => rawPkcs11jsSigns(library as string, label, userPin, 'bench-signer', COUNT);

const c = (): number => Number(execFileSync(cProgram, [library, label, userPin, 'bench-signer', String(COUNT)], { encoding: 'utf8', env: process.env }).trim());

const results = { ours: [] as number[], raw: [] as number[], c: [] as number[] };
for (let round = 0; round < ROUNDS; round += 1) {
  results.c.push(c());
  results.raw.push(raw());
  results.ours.push(await ours());
}
const fmt = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms  [${xs.map((x) => x.toFixed(0)).join(', ')}]`;
console.log(`${COUNT} ECDSA P-256 signatures on SoftHSM2, ${ROUNDS} rounds each, alternating`);
console.log(`  C program (PKCS#11 C API):     ${fmt(results.c)}`);
console.log(`  raw pkcs11js (sync):           ${fmt(results.raw)}`);
console.log(`  Keyrite HSM layer (openSigner): ${fmt(results.ours)}`);
console.log(`  ratio Keyrite / C: ${(median(results.ours) / median(results.c)).toFixed(2)}x (goal <= 1.30x); raw pkcs11js / C: ${(median(results.raw) / median(results.c)).toFixed(2)}x; Keyrite / raw pkcs11js: ${(median(results.ours) / median(results.raw)).toFixed(2)}x`);

// Main-thread stall during RSA-4096 generation.
const ourStall = await withLayer(async (module) => {
  const session = await module.openSession({ label });
  await session.login('user', pin());
  // Noise floor: the same probe over an idle second (other work on this shared machine shows up here too).
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  idle.disable();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  await generateKey(session, { label: 'bench-rsa-4096', algorithm: 'rsa-4096', usages: ['sign', 'verify'] });
  const ms = performance.now() - started;
  histogram.disable();
  return { ms, stall: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, idleMax: idle.max / 1e6 };
});
const syncStall = rawPkcs11jsRsa4096Sync(library as string, label, userPin);
console.log(`RSA-4096 generation through the Keyrite layer: ${ourStall.ms.toFixed(0)} ms; longest main-thread stall ${ourStall.stall.toFixed(1)} ms (goal < 50 ms), p99 ${ourStall.p99.toFixed(1)} ms; idle noise floor on this machine right now: ${ourStall.idleMax.toFixed(1)} ms`);
console.log(`  for contrast, a synchronous pkcs11js C_GenerateKeyPair blocks the main thread for its whole ${syncStall.toFixed(0)} ms`);
rmSync(root, { recursive: true, force: true });
