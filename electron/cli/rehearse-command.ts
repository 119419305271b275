/**
 * `keyrite rehearse <script> --answers <file> --out <dir>`: runs a whole
 * ceremony headless on fresh SoftHSM tokens from an answers file, writes
 * the transcript, the evidence bundle (<out>/bundle and <out>/bundle.tar),
 * public keys and share files, and exits 0 only when the ceremony closed
 * and its bundle verifies. Every refusal is recorded in the transcript and
 * the bundle is still exported, so a failed rehearsal leaves evidence too.
 */
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ScriptInvalidError } from '../../shared/ceremony/index.ts';
import { KeyriteError } from '../../shared/result.ts';
import { verifyBundle } from '../../shared/transcript/bundle.ts';
import { loadScriptFile } from '../core/ceremony/index.ts';
import { ANSWERS_HELP, loadAnswersFile, runRehearsal, type RehearsalOutcome } from '../core/ceremony/runner/index.ts';
import { recordInvalidScript } from '../core/ceremony/runner/invalid-script.ts';
import { readBundle } from '../core/transcript/bundle-export.ts';
import { nodeCrypto } from '../core/transcript/node-crypto.ts';
import { COMMAND_SUMMARIES, type Command, type CommandIo } from './command.ts';
import { participantKdfFromEnvironment, RESUME_HELP, resumeFromCli } from './resume-run.ts';

export const REHEARSE_EXIT = { closed: 0, aborted: 1, unverified: 2, resumeRefused: 3, usage: 64, invalidScript: 65 } as const;

const help = `Usage: keyrite rehearse <script> --answers <file> --out <dir> [--resume]

Runs a ceremony script end to end, headless, on fresh SoftHSM tokens (one per
HSM target of the script; the mapping is printed and recorded in the
transcript). Nothing real is touched: this is a rehearsal.

  <script>          a ceremony script (YAML or JSON), e.g. assets/ceremonies/01-root-key-generation.yaml
  --answers <file>  what the participants would type (YAML or JSON, see below)
  --out <dir>       a new or empty folder for the transcript, the evidence bundle
                    (bundle/ and bundle.tar), public keys and share files (media/<custodian>/)
  --resume          go on with the run in <dir> that stopped without closing (a crash)

${RESUME_HELP}

${ANSWERS_HELP}

Exit status: 0 closed and the bundle verifies, 1 refused or failed (recorded in
the transcript; the bundle is still exported), 2 closed but the bundle does not
verify, 3 resume refused (nothing written: the transcript is damaged, closed or
another script's), 64 usage or invalid answers file, 65 invalid script (recorded).

Environment: KEYRITE_TEST_CHEAP_PARTICIPANT_KDF=1 is for Keyrite's own tests
only: it makes the participants' credential KDF cheap (so guessable) and is
refused unless the process runs under vitest.
`;

function usage(io: CommandIo, message: string): number {
  io.error(`keyrite rehearse: ${message}\n\n${help}`);
  return REHEARSE_EXIT.usage;
}

export const rehearseCommand: Command = {
  name: 'rehearse',
  summary: COMMAND_SUMMARIES.rehearse,
  help,
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], allowPositionals: true, options: { answers: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    } catch (error) {
      return usage(io, error instanceof Error ? error.message : String(error));
    }
    if (parsed.values.help === true) {
      io.out(help);
      return 0;
    }
    const [scriptPath, ...extra] = parsed.positionals;
    const { answers: answersPath, out } = parsed.values;
    if (scriptPath === undefined || extra.length > 0) return usage(io, 'give exactly one script.');
    if (answersPath === undefined || out === undefined) return usage(io, '--answers and --out are required.');
    const resume = parsed.values.resume === true;
    if (!resume && existsSync(out) && readdirSync(out).length > 0) return usage(io, `${out} is not empty; a rehearsal never overwrites evidence (--resume goes on with a crashed run).`);
    if (resume && !existsSync(out)) return usage(io, `${out} does not exist: there is no run to resume.`);
    let kdfCost;
    try {
      kdfCost = participantKdfFromEnvironment(process.env);
    } catch (error) {
      return usage(io, error instanceof Error ? error.message : String(error));
    }
    let answers;
    try {
      answers = await loadAnswersFile(answersPath);
    } catch (error) {
      return usage(io, error instanceof Error ? error.message : String(error));
    }
    let script;
    try {
      script = await loadScriptFile(scriptPath);
    } catch (error) {
      if (!(error instanceof ScriptInvalidError) || resume) return usage(io, error instanceof Error ? error.message : String(error));
      const bundle = await recordInvalidScript(scriptPath, error, out);
      io.error(`${error.message}\nRefused and recorded: ${bundle.folder}\n`);
      return REHEARSE_EXIT.invalidScript;
    }
    if (resume) return resumeFromCli({ parsed: script, answers, out, io, kdfCost, report: (outcome) => report(outcome, io) });
    try {
      return report(await runRehearsal({ parsed: script, inputs: { answers }, outFolder: out, log: (line) => io.out(`${line}\n`), ...(kdfCost === undefined ? {} : { kdfCost }) }), io);
    } catch (error) {
      io.error(`keyrite rehearse: ${error instanceof KeyriteError ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`);
      return REHEARSE_EXIT.aborted;
    }
  },
};

/** Prints how a run ended (fresh or resumed) and its bundle's verification; returns the exit status. */
function report(outcome: RehearsalOutcome, io: CommandIo): number {
  const verification = outcome.bundle === undefined ? undefined : verifyBundle(readBundle(outcome.bundle.archive), nodeCrypto);
  io.out(`Transcript: ${outcome.transcriptFolder}\nBundle: ${outcome.bundle?.folder ?? '(none)'} (${verification?.status ?? 'not exported'})\n`);
  if (outcome.status === 'aborted') {
    const f = outcome.failure;
    io.error(`Ceremony ${outcome.ceremonyId} refused at step ${f?.step ?? '(none)'}: ${f?.code ?? ''}: ${f?.message ?? ''}\n`);
    return REHEARSE_EXIT.aborted;
  }
  if (verification?.status !== 'verified') {
    io.error(`Ceremony ${outcome.ceremonyId} closed, but its bundle does not verify: ${verification?.summary ?? 'no bundle'}\n`);
    return REHEARSE_EXIT.unverified;
  }
  io.out(`Ceremony ${outcome.ceremonyId} closed after ${outcome.stepsCompleted} steps; the bundle verifies.\n`);
  return REHEARSE_EXIT.closed;
}
