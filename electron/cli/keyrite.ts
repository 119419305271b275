#!/usr/bin/env node
/**
 * `keyrite`: the command line over the same engine the app hosts (no
 * Electron). One table of commands; each has its own `--help`. Run with
 * Node 24: `node electron/cli/keyrite.ts verify <bundle>`.
 */
import { enableCompileCache } from 'node:module';
import { privateCompileCache } from '../core/transcript/compile-cache.ts';
import { COMMAND_SUMMARIES, type Command, type CommandIo } from './command.ts';

/**
 * Each command's module is loaded only when it runs: an auditor's `keyrite
 * verify` does not pay for the ceremony runner, zod or the HSM layer.
 */
export const commands: readonly { name: keyof typeof COMMAND_SUMMARIES; summary: string; load(): Promise<Command> }[] = [
  { name: 'rehearse', summary: COMMAND_SUMMARIES.rehearse, load: async () => (await import('./rehearse-command.ts')).rehearseCommand },
  { name: 'tokens', summary: COMMAND_SUMMARIES.tokens, load: async () => (await import('./tokens-command.ts')).tokensCommand },
  { name: 'verify', summary: COMMAND_SUMMARIES.verify, load: async () => (await import('./verify-command.ts')).verifyCommand },
];

const USAGE_EXIT = 64; // sysexits.h EX_USAGE

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: keyrite <command> [options]\n\nCommands:\n${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}\n\nRun "keyrite <command> --help" for a command's options.\n`;
}

export async function main(argv: readonly string[], io: CommandIo = { out: (t) => process.stdout.write(t), error: (t) => process.stderr.write(t) }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] !== undefined) return main([rest[0], '--help'], io);
    (name === undefined ? io.error : io.out)(overview());
    return name === undefined ? USAGE_EXIT : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.error(`keyrite: unknown command "${name}"\n\n${overview()}`);
    return USAGE_EXIT;
  }
  return (await command.load()).run(rest, io);
}

if (import.meta.main) {
  // `keyrite verify`'s modules are compiled once and kept (compile-cache.ts):
  // a cold run otherwise strips and compiles some twenty TypeScript files
  // before it reads a byte of the bundle. Only verify: the commands that
  // handle PINs, passphrases and shares run no cached code.
  const cache = process.argv[2] === 'verify' ? privateCompileCache() : undefined;
  if (cache !== undefined) enableCompileCache(cache);
  process.exitCode = await main(process.argv.slice(2));
}
