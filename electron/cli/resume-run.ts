/**
 * `keyrite rehearse <script> --answers <file> --out <dir> --resume`: goes on
 * with a rehearsal that stopped without closing (the process was killed, the
 * machine lost power). A flag of `rehearse` rather than a command of its
 * own, because a resume takes exactly the crashed run's inputs: the same
 * script (its hash must match the transcript's), the same answers file (each
 * enrolled participant's passphrase must give the key they enrolled with)
 * and the same output folder.
 *
 * Also the test-only participant KDF switch, KEYRITE_TEST_CHEAP_PARTICIPANT_KDF:
 * the kill-and-resume test runs the real CLI in child processes dozens of
 * times, and Argon2id at 64 MiB per participant per run is most of its time.
 * The variable is refused unless the process runs under vitest (VITEST=true,
 * which vitest sets and its child processes inherit), because credentials
 * derived that cheaply could be guessed from a transcript's public keys.
 */
import { KeyriteError } from '../../shared/result.ts';
import type { ParsedScript } from '../../shared/ceremony/index.ts';
import type { Answers, RehearsalOutcome } from '../core/ceremony/runner/index.ts';
import { resumeRehearsal } from '../core/ceremony/runner/resume.ts';
import type { CredentialKdfCost } from '../core/ceremony/credential.ts';
import type { CommandIo } from './command.ts';

export const CHEAP_KDF_VARIABLE = 'KEYRITE_TEST_CHEAP_PARTICIPANT_KDF';

/** INSECURE, FOR TESTS ONLY: Argon2id at 256 KiB, one pass (the cost the engine's own tests use). */
const TEST_ONLY_PARTICIPANT_KDF: CredentialKdfCost = Object.freeze({ memoryKiB: 256, passes: 1, parallelism: 1 });

/** The participant KDF cost the environment asks for: undefined (production cost), or the cheap one inside vitest only. */
export function participantKdfFromEnvironment(env: Readonly<Record<string, string | undefined>>): CredentialKdfCost | undefined {
  const asked = env[CHEAP_KDF_VARIABLE];
  if (asked === undefined || asked === '') return undefined;
  if (env['VITEST'] !== 'true') throw new Error(`${CHEAP_KDF_VARIABLE} is for Keyrite's own tests only (participants' credentials would be cheap to guess); it is refused outside vitest. Unset it.`);
  if (asked !== '1') throw new Error(`${CHEAP_KDF_VARIABLE} is 1 or unset.`);
  return TEST_ONLY_PARTICIPANT_KDF;
}

export const RESUME_HELP = `Resume (--resume): the transcript in <dir> is checked like an evidence bundle
(every event, the hash chain, every checkpoint) and refused if it is damaged,
closed, or from another script. The steps are replayed (each sign-off's
signature verifies again), and Keyrite prints what the crash lost (secrets are
never written down: a master secret, an unwritten share set, HSM logins, the
ceremony key, the cosigner keys) and the step it resumes from: the earliest one
whose lost product a later step needs (a crash between generating a secret and
loading it redoes the generation; share files of a superseded split are removed
and recorded). Keys already in the HSMs are found again and checked. A new
ceremony key signs from there on; the ceremony/resumed event names it and why.
Give the same script and answers file as the crashed run.`;

export interface ResumeFromCli {
  parsed: ParsedScript;
  answers: Answers;
  out: string;
  io: CommandIo;
  kdfCost: CredentialKdfCost | undefined;
  report: (outcome: RehearsalOutcome) => number;
}

/** Exit status 3 when the resume is refused before anything is written (the transcript is left as it was). */
export async function resumeFromCli({ parsed, answers, out, io, kdfCost, report }: ResumeFromCli): Promise<number> {
  let outcome;
  try {
    outcome = await resumeRehearsal({ parsed, inputs: { answers }, outFolder: out, log: (line) => io.out(`${line}\n`), ...(kdfCost === undefined ? {} : { kdfCost }) });
  } catch (error) {
    // Thrown, not recorded: the checks before anything is written (a run that got further records its refusal and still exports a bundle).
    io.error(`keyrite rehearse --resume: ${error instanceof KeyriteError ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
  const { plan } = outcome;
  const where = plan.redone.length > 0 ? `redid ${plan.redone.join(', ')}` : plan.interrupted === undefined ? 'only the close was left' : `continued step ${plan.interrupted.step}`;
  io.out(`Resumed ceremony ${outcome.ceremonyId}: ${where}; lost ${plan.lost.length} thing(s), listed in ceremony/resumed.\n`);
  return report(outcome);
}
