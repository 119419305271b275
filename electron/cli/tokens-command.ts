/**
 * `keyrite tokens [--json] [--module <path>]`: the PKCS#11 tokens the app
 * would show on its home screen, through the same engine handler. Without
 * --module (or KEYRITE_PKCS11_MODULE), the rehearsal SoftHSM token in
 * Keyrite's data folder, made on first use.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KeyriteError } from '../../shared/result.ts';
import { createEngine } from '../core/engine.ts';
import { COMMAND_SUMMARIES, type Command, type CommandIo } from './command.ts';

const help = `Usage: keyrite tokens [--json] [--module <path>] [--data-dir <dir>]

Lists the tokens of a PKCS#11 module: label, manufacturer, model, serial and
whether each is initialised. Slot numbers are shown but not stable (SoftHSM
renumbers them): identify a token by serial and label.

  --module <path>    the PKCS#11 library (default: KEYRITE_PKCS11_MODULE, else
                     the REHEARSAL SoftHSM token in the data folder)
  --data-dir <dir>   Keyrite's data folder (default: KEYRITE_DATA_DIR, else
                     ~/.local/share/keyrite)
  --json             print the result as JSON

Exit status: 0 listed, 1 the module could not be read, 64 usage.
`;

export const tokensCommand: Command = {
  name: 'tokens',
  summary: COMMAND_SUMMARIES.tokens,
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    let values: { json?: boolean; module?: string; 'data-dir'?: string; help?: boolean };
    try {
      ({ values } = parseArgs({ args: [...args], options: { json: { type: 'boolean' }, module: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
    } catch (error) {
      io.error(`keyrite tokens: ${error instanceof Error ? error.message : String(error)}\n\n${help}`);
      return 64;
    }
    if (values.help === true) {
      io.out(help);
      return 0;
    }
    const pkcs11Module = values.module ?? (process.env['KEYRITE_PKCS11_MODULE'] || undefined);
    const dataDir = values['data-dir'] ?? (process.env['KEYRITE_DATA_DIR'] || join(homedir(), '.local', 'share', 'keyrite'));
    const engine = createEngine({ dataDir, pkcs11Module, host: 'cli', version: '0.1.0' });
    try {
      const list = await engine.handlers['hsm/listTokens']({});
      if (values.json === true) {
        io.out(`${JSON.stringify(list, null, 2)}\n`);
        return 0;
      }
      const m = list.module;
      io.out(`${m.rehearsal ? 'REHEARSAL ' : ''}module ${m.path}: ${m.manufacturer} ${m.description} (library ${m.libraryVersion}, PKCS#11 ${m.cryptokiVersion})\n`);
      const present = list.tokens.filter((t) => t.initialized);
      if (present.length === 0) io.out('no initialised token\n');
      for (const t of present) io.out(`  ${t.label.padEnd(32)}  serial ${t.serial.padEnd(16)}  ${t.manufacturer} / ${t.model}  slot ${t.slotId}\n`);
      return 0;
    } catch (error) {
      io.error(`keyrite tokens: ${error instanceof KeyriteError ? error.message : 'the module could not be read.'}\n`);
      return 1;
    } finally {
      await engine.close();
    }
  },
};
