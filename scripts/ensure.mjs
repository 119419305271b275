#!/usr/bin/env node
// Runs an npm script of this project after making sure the machine has what
// it needs: the Debian packages, Node 24, and an `npm ci` that matches the
// lock file. What it cannot install it names precisely and stops.
// Plain JavaScript on purpose: it must run on the older Node a fresh
// machine has (Debian's or Ubuntu's), before Node 24 exists here.
//
//   node scripts/ensure.mjs app|test <npm-script> [args for the script...]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_VERSION = '24.21.0';
const nodeDir = join(repo, '.tools', 'node');
const nodeBin = join(nodeDir, 'node_modules', '.bin');

const [purpose, script, ...rest] = process.argv.slice(2);
if ((purpose !== 'app' && purpose !== 'test') || !script) {
  console.error('usage: node scripts/ensure.mjs app|test <npm-script> [args...]');
  process.exit(2);
}

const say = (line) => console.error(`[keyrite] ${line}`);
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const run = (command, args, env = process.env) => {
  say(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env, cwd: repo });
  if (result.status !== 0) {
    say(`failed: ${command} ${args.join(' ')} (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
};

// 1. Debian packages: SoftHSM2 is the rehearsal HSM; Chromium runs the end-to-end tests.
const packages = [
  { command: 'softhsm2-util', pkg: 'softhsm2', for: ['app', 'test'] },
  { command: 'pkcs11-tool', pkg: 'opensc', for: ['test'] },
  { command: 'chromium', pkg: 'chromium', for: ['test'] },
  { command: 'argon2', pkg: 'argon2', for: ['test'] },
].filter((p) => p.for.includes(purpose) && !has(p.command));
if (packages.length > 0) {
  const names = packages.map((p) => p.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get')) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  } else {
    say(`missing: ${packages.map((p) => `${p.command} (Debian package ${p.pkg})`).join(', ')}`);
    say(`install them with: sudo apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
}

// 2. Node 24, the Node that Electron 40+ embeds. The npm registry ships it.
const major = Number(process.versions.node.split('.')[0]);
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1' };
if (major < 24) {
  if (!existsSync(join(nodeBin, 'node'))) {
    say(`Node ${process.versions.node} is too old; installing Node ${NODE_VERSION} from the npm registry into .tools/node`);
    run('npm', ['install', '--prefix', nodeDir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${NODE_VERSION}`]);
  }
  env.PATH = `${nodeBin}${delimiter}${env.PATH ?? ''}`;
  const version = execFileSync(join(nodeBin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  say(`using Node ${version} from .tools/node`);
}

// 3. Dependencies exactly as locked. npm keeps node_modules/.package-lock.json
// in step with what it installed; an older one means the lock file moved on.
const installed = join(repo, 'node_modules', '.package-lock.json');
const lock = join(repo, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund'], env);
}

// 4. The script itself, under Node 24.
const result = spawnSync('npm', ['run', script, ...(rest.length > 0 ? ['--', ...rest] : [])], { stdio: 'inherit', env, cwd: repo });
process.exit(result.status ?? 1);
