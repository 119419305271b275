/**
 * The ceremony runner: runs a parsed script headless on rehearsal SoftHSM
 * tokens from an answers file (keyrite rehearse). See run-ceremony.ts.
 */
export { runRehearsal, rehearsalCeremonyId, unsupportedActions, type RehearsalOptions, type RehearsalOutcome } from './run-ceremony.ts';
export { AnswersSchema, ANSWERS_HELP, loadAnswersFile, parseAnswers, type Answers } from './answers.ts';
export type { TokenMapping } from './rehearsal-hsm.ts';
