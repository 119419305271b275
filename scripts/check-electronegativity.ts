/**
 * Runs @doyensec/electronegativity over the Electron code and the built
 * renderer page, offline, and fails on any HIGH or MEDIUM finding that is
 * not on the reviewed allowlist below. A floor, not a gate: our own unit
 * tests cover what it cannot see (FACTS.md).
 *
 *   node scripts/check-electronegativity.ts                 # builds the renderer page into a temp folder
 *   node scripts/check-electronegativity.ts --renderer .vite/renderer/main_window   # uses an existing build
 *
 * Why not its CLI: electronegativity 1.10.3 reads options the commander 2
 * way, but resolves the hoisted commander 11, so `-i` is never seen and it
 * only prints its help. Its runner is called directly instead, with the same
 * options. Its two network look-ups (translations, Electron releases) are
 * replaced by an immediate refusal: the workstation is air-gapped, and a
 * late network retry crashed the process after the scan.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeScan, toFinding, type AllowedFinding, type Finding } from '../electron/packaging/electronegativity-policy.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Reviewed false positives: check id, file (relative to the scanned folder)
 * and why. Every entry must still match a finding, or the check fails.
 */
const ALLOWLIST: AllowedFinding[] = [];

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** The scanned tree: electron/ without tests, package.json, and the built renderer page. */
function stage(rendererDir: string | undefined): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-electronegativity-'));
  cpSync(path.join(root, 'electron'), path.join(dir, 'electron'), { recursive: true, filter: (source) => !source.endsWith('.test.ts') && !source.endsWith('.md') });
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  let renderer = rendererDir === undefined ? undefined : path.resolve(root, rendererDir);
  if (renderer === undefined) {
    renderer = path.join(dir, '.build-renderer');
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--outDir', renderer, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  const page = path.join(renderer, 'index.html');
  if (!existsSync(page)) throw new Error(`No built renderer page at ${page}: build the renderer first or omit --renderer.`);
  cpSync(page, path.join(dir, 'renderer', 'index.html'));
  if (rendererDir === undefined) rmSync(renderer, { recursive: true, force: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Replaces `got` inside electronegativity's module graph with an immediate refusal. */
function cutNetwork(requireFromScanner: NodeJS.Require): void {
  const gotPath = requireFromScanner.resolve('got');
  const refuse = (): Promise<never> => Promise.reject(new Error('offline: Keyrite runs electronegativity without network'));
  const stub = new Module(gotPath);
  stub.exports = Object.assign(refuse, { head: refuse, get: refuse, post: refuse });
  stub.loaded = true;
  stub.filename = gotPath;
  requireFromScanner.cache[gotPath] = stub;
}

async function scan(input: string): Promise<{ findings: Finding[]; errors: unknown[] }> {
  const runnerPath = path.join(root, 'node_modules/@doyensec/electronegativity/dist/runner.js');
  const requireFromScanner = createRequire(runnerPath);
  cutNetwork(requireFromScanner);
  // The `__` translation global the runner expects, from its bundled en-US strings.
  const i18n = requireFromScanner('i18n') as { configure(options: object): void; setLocale(locale: string): void };
  i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: path.join(path.dirname(runnerPath), 'locales'), updateFiles: false, objectNotation: true, retryInDefaultLocale: true, register: globalThis });
  i18n.setLocale('en-US');
  const run = requireFromScanner(runnerPath) as (options: object, forCli: boolean) => Promise<{ issues: unknown[]; errors: unknown[] }>;
  const electronVersion = (JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const result = await run({
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: [],
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    // Without it the scanner assumes Electron 0.1.0 and its insecure defaults.
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  }, false);
  return { findings: result.issues.map(toFinding), errors: result.errors };
}

const show = (finding: Finding): string => `  ${finding.severity.padEnd(13)} ${finding.id.padEnd(34)} ${finding.file}:${finding.line}  ${finding.description.split('\n')[0] ?? ''}`;

async function main(): Promise<number> {
  const staged = stage(argValue('--renderer'));
  try {
    const { findings, errors } = await scan(staged.dir);
    const verdict = judgeScan(findings, ALLOWLIST, errors);
    console.log(`electronegativity: ${findings.length} finding(s) over electron/ and the renderer page`);
    for (const finding of verdict.failures) console.log(`FAIL${show(finding)}`);
    for (const { finding, reason } of verdict.allowed) console.log(`ALLOWED${show(finding)}\n         reviewed: ${reason}`);
    for (const finding of verdict.notes) console.log(`note${show(finding)}`);
    for (const entry of verdict.unusedAllowances) console.log(`FAIL  stale allowlist entry ${entry.id} ${entry.file}: it matches no finding any more; remove it`);
    for (const error of errors) console.log(`FAIL  not parsed, so not checked: ${JSON.stringify(error)}`);
    console.log(verdict.ok ? 'electronegativity: no HIGH or MEDIUM finding' : 'electronegativity: FAILED');
    return verdict.ok ? 0 : 1;
  } finally {
    staged.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
