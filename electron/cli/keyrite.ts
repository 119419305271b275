#!/usr/bin/env node
/**
 * `keyrite`: the command line over the same engine the app hosts (no
 * Electron). One table of commands; each has its own `--help`. Run with
 * Node 24: `node electron/cli/keyrite.ts verify <bundle>`.
 */
import type { Command, CommandIo } from './command.ts';
import { rehearseCommand } from './rehearse-command.ts';
import { tokensCommand } from './tokens-command.ts';
import { verifyCommand } from './verify-command.ts';

export const commands: readonly Command[] = [rehearseCommand, tokensCommand, verifyCommand];

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
  return command.run(rest, io);
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
