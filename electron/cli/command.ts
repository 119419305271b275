/** The shape of one `keyrite` command: a row of the command table in keyrite.ts. */
export interface CommandIo {
  out(text: string): void;
  error(text: string): void;
}

export interface Command {
  readonly name: string;
  /** One line for `keyrite --help`. */
  readonly summary: string;
  /** The full text of `keyrite <name> --help`. */
  readonly help: string;
  /** Runs the command; resolves to the process exit status. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** One line per command for `keyrite --help`, here so the overview loads no command's module. */
export const COMMAND_SUMMARIES = {
  rehearse: 'run a ceremony headless on SoftHSM from an answers file',
  tokens: 'list the tokens of a PKCS#11 module (the rehearsal token by default)',
  verify: 'verify an evidence bundle offline',
} as const;
