/**
 * npm run bench:kdf — our Argon2id (Node 24's crypto.argon2 through
 * electron/core/shares/kdf.ts, production parameters: 64 MiB, t=3, p=4)
 * against the Debian `argon2` C tool with the same parameters, in the same
 * run, alternating, with the outputs compared. Goal: within 1.2x of the tool.
 * Also prints the longest event-loop stall while our derivation runs (the UI
 * must not freeze) and the synchronous call's for contrast.
 */
import { argon2Sync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { deriveShareKey, PRODUCTION_KDF } from '../../electron/core/shares/kdf.ts';

const rounds = Number(process.env.KDF_ROUNDS ?? 7);
const password = 'correct horse battery staple';
const salt = new TextEncoder().encode('keyrite-bench-salt!');
const { memoryKiB, passes, parallelism } = PRODUCTION_KDF;
const log2m = Math.log2(memoryKiB);
if (!Number.isInteger(log2m)) throw new Error('the C tool takes memory as a power of two');

function cTool(): { ms: number; hex: string } {
  const started = performance.now();
  const out = execFileSync('argon2', [new TextDecoder().decode(salt), '-id', '-t', String(passes), '-m', String(log2m), '-p', String(parallelism), '-l', '32', '-r'], { input: password });
  return { ms: performance.now() - started, hex: out.toString().trim() };
}

async function ours(): Promise<{ ms: number; hex: string; maxStallMs: number }> {
  const passphrase = SecretBytes.adopt(new TextEncoder().encode(password));
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const key = await deriveShareKey(passphrase, { memoryKiB, passes, parallelism, salt });
  const ms = performance.now() - started;
  histogram.disable();
  passphrase.wipe();
  const hex = Buffer.from(key).toString('hex');
  key.fill(0);
  return { ms, hex, maxStallMs: histogram.max / 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

cTool();
await ours();
const c: number[] = [];
const n: number[] = [];
const stalls: number[] = [];
let same = true;
for (let i = 0; i < rounds; i++) {
  const a = cTool();
  const b = await ours();
  c.push(a.ms);
  n.push(b.ms);
  stalls.push(b.maxStallMs);
  same &&= a.hex === b.hex;
}
const syncStarted = performance.now();
argon2Sync('argon2id', { message: password, nonce: salt, memory: memoryKiB, passes, parallelism, tagLength: 32 });
const syncMs = performance.now() - syncStarted;

const ratio = median(n) / median(c);
console.log(`Argon2id m=${memoryKiB} KiB t=${passes} p=${parallelism}, ${rounds} rounds each, alternating`);
console.log(`  Debian argon2 C tool (incl. process start): median ${median(c).toFixed(1)} ms  [${c.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`  Keyrite (crypto.argon2, thread pool):       median ${median(n).toFixed(1)} ms  [${n.map((x) => x.toFixed(0)).join(', ')}]`);
console.log(`  ratio Keyrite / C tool: ${ratio.toFixed(2)}x (goal <= 1.20x)  outputs identical: ${same ? 'yes' : 'NO'}`);
console.log(`  longest event-loop stall during our derivation: ${median(stalls).toFixed(1)} ms median (argon2Sync would block for ${syncMs.toFixed(0)} ms)`);
if (!same) process.exitCode = 1;
