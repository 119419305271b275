/**
 * npm run bench:verify — builds a 100,000-event evidence bundle, then times
 * verifying it against `sha256sum` over the same files, in the same run.
 * Goal (issue 5): verify within 3x of sha256sum. Prints figures, asserts
 * nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle } from '../../shared/transcript/bundle.ts';
import { exportBundle, readBundle } from '../../electron/core/transcript/bundle-export.ts';
import { fixtureClosingEvent, fixtureEvent, fixtureSigners, fixtureCeremonyId } from '../../electron/core/transcript/fixtures.ts';
import { MemoryTranscript } from '../../electron/core/transcript/memory-transcript.ts';
import { nodeSha256 } from '../../electron/core/transcript/node-sha256.ts';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const CHECKPOINT_EVERY = 10_000;
const ROUNDS = 3;

const work = mkdtempSync(join(tmpdir(), 'keyrite-bench-verify-'));
try {
  let t = performance.now();
  const { ceremony, witness } = fixtureSigners();
  const transcript = new MemoryTranscript(fixtureCeremonyId);
  for (let i = 0; i < EVENTS; i++) {
    // An evidence bundle ends with ceremony/closed (docs/formats/transcript.md §5).
    transcript.append(i + 1 === EVENTS ? fixtureClosingEvent : fixtureEvent(i));
    if ((i + 1) % CHECKPOINT_EVERY === 0 || i + 1 === EVENTS) await transcript.checkpoint(ceremony, [witness]);
  }
  const source = join(work, 'transcript');
  mkdirSync(join(source, 'checkpoints'), { recursive: true });
  for (const [path, bytes] of transcript.files()) writeFileSync(join(source, path), bytes);
  const keys = [ceremony.verifierKey.text, witness.verifierKey.text];
  const { folder } = await exportBundle(source, join(work, 'bundle'), keys);
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((p) => join(folder, p)).filter((p) => statSync(p).isFile());
  const bytes = files.reduce((n, p) => n + statSync(p).size, 0);
  console.log(`bundle: ${EVENTS} events, ${transcript.checkpoints.size} cosigned checkpoints, ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB (built in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

  const time = (fn: () => void): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  const best = (fn: () => void): number => Math.min(...Array.from({ length: ROUNDS }, () => time(fn)));

  const sha256sum = best(() => execFileSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] }));
  const inProcess = best(() => {
    const result = verifyBundle(readBundle(folder), { trustedKeys: keys, sha256: nodeSha256 });
    if (result.status !== 'verified') throw new Error(`bundle did not verify: ${result.summary}`);
  });
  const pure = best(() => {
    const result = verifyBundle(readBundle(folder), { trustedKeys: keys });
    if (result.status !== 'verified') throw new Error(`bundle did not verify: ${result.summary}`);
  });
  // The floor any single-threaded verifier in Node pays for RFC 6962 over
  // JSON Lines: one JSON.parse per line, one SHA-256 per leaf and one per
  // interior node (2n-1 in all), with nothing else checked.
  const journalBytes = readFileSync(join(folder, 'transcript.jsonl'));
  const floor = best(() => {
    let start = 0;
    const node = new Uint8Array(65);
    for (let end = journalBytes.indexOf(0x0a); end >= 0; start = end + 1, end = journalBytes.indexOf(0x0a, start)) {
      JSON.parse(journalBytes.toString('utf8', start, end));
      nodeSha256(journalBytes.subarray(start > 0 ? start - 1 : 0, end));
      nodeSha256(node);
    }
  });
  const cli = best(() => execFileSync(process.execPath, ['--no-warnings', 'electron/cli/keyrite.ts', 'verify', folder, '--key', keys[0] as string, '--key', keys[1] as string], { stdio: 'ignore' }));
  t = performance.now();

  const row = (label: string, ms: number) => console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / sha256sum).toFixed(2)}x sha256sum`);
  console.log(`best of ${ROUNDS} runs each (2 shared cores; load average ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')})`);
  row('sha256sum of every bundle file (reference)', sha256sum);
  row('verify in process (node:crypto SHA-256)', inProcess);
  row('verify in process (pure @noble/hashes SHA-256)', pure);
  row('keyrite verify (new Node process, start-up incl.)', cli);
  row('floor: JSON.parse + 2 SHA-256 per event, no checks', floor);
  console.log(`goal: within 3x of sha256sum -> ${inProcess <= 3 * sha256sum ? 'met' : 'NOT met'} in process, ${cli <= 3 * sha256sum ? 'met' : 'NOT met'} for the CLI`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
