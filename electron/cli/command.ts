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
