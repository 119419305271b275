/**
 * `npm test` after scripts/ensure.mjs has provisioned the machine: every
 * stage in order (type-check, lint, boundary and Electron checks, build,
 * unit and integration tests, end-to-end), each timed, then one closing
 * line with the counts of both test runners. Every stage runs even when an
 * earlier one failed (except e2e without a build), so one run shows all
 * that is wrong; the exit code is non-zero if anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

interface Stage {
  name: string;
  command: string[];
  needs?: string;
}

const results = 'test-results';
mkdirSync(results, { recursive: true });
const vitestJson = `${results}/vitest.json`;
const e2eJson = `${results}/e2e.json`; // e2e/playwright.config.ts writes it
rmSync(vitestJson, { force: true });
rmSync(e2eJson, { force: true });

const stages: Stage[] = [
  { name: 'typecheck', command: ['npm', 'run', 'typecheck'] },
  { name: 'lint', command: ['npm', 'run', 'lint'] },
  { name: 'build', command: ['npm', 'run', 'build'] },
  { name: 'electronegativity', command: ['npm', 'run', 'lint:electron'], needs: 'build' },
  { name: 'unit', command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`] },
  { name: 'e2e', command: ['npx', 'playwright', 'test', '-c', 'e2e/playwright.config.ts'], needs: 'build' },
];

const outcome = new Map<string, boolean>();
for (const stage of stages) {
  if (stage.needs !== undefined && outcome.get(stage.needs) !== true) {
    console.log(`\n=== ${stage.name}: not run (${stage.needs} failed)`);
    outcome.set(stage.name, false);
    continue;
  }
  console.log(`\n=== ${stage.name}: ${stage.command.join(' ')}`);
  const started = performance.now();
  const run = spawnSync(stage.command[0] ?? 'false', stage.command.slice(1), {
    stdio: 'inherit',
  });
  const passed = run.status === 0;
  outcome.set(stage.name, passed);
  console.log(`=== ${stage.name}: ${passed ? 'ok' : `FAILED (exit ${run.status ?? run.signal})`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const counts = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  counts.passed += v.numPassedTests;
  counts.failed += v.numFailedTests;
  counts.skipped += v.numPendingTests + v.numTodoTests;
}
if (existsSync(e2eJson)) {
  const p = JSON.parse(readFileSync(e2eJson, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  counts.passed += p.stats.expected + p.stats.flaky;
  counts.failed += p.stats.unexpected;
  counts.skipped += p.stats.skipped;
}

const failedStages = [...outcome].filter(([, ok]) => !ok).map(([name]) => name);
console.log(`\nstages: ${[...outcome].map(([name, ok]) => `${name} ${ok ? 'ok' : 'FAILED'}`).join(', ')}`);
console.log(`Tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedStages.length === 0 ? 0 : 1);
