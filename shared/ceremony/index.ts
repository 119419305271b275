/**
 * Ceremony scripts, participants, sign-offs and the state machine: the
 * pure half of the ceremony engine (docs/formats/ceremony-script.md).
 * The engine side (credentials, reading script files) is
 * electron/core/ceremony/index.ts.
 */
export { ACTIONS, ACTION_NAMES, CUSTODY_KINDS, INVENTORY_RULES, Identifier, isPreflightAction } from './actions.ts';
export type { ActionName } from './actions.ts';
export { CeremonyScript, HsmTarget, KeySpec, Metadata, Role, Roles, SharePolicy, SignOffRequirement, SigningRole, Step, SCRIPT_FORMAT_VERSION, ROLES, SIGNING_ROLES, MAX_SHARES } from './script-schema.ts';
export { validateScript, scriptProblems } from './parse-script.ts';
export type { ParsedScript, ValidateOptions } from './parse-script.ts';
export { ScriptInvalidError, describeProblem, formatPath } from './script-problems.ts';
export type { Locator, PathSegment, ScriptProblem, SourceLocation } from './script-problems.ts';
export { canonicalJson, canonicalSha256, scriptSha256 } from './script-hash.ts';
export { ceremonyScriptJsonSchema, ceremonyScriptJsonSchemaText } from './json-schema.ts';
export { ParticipantRecord, checkEnrolment, enrolmentShortfalls, sameNameKey } from './participants.ts';
export { requirementsMet, unmetRequirements, describeRequirements } from './sign-off-rules.ts';
export { contentHash, isRunNonce, resultSha256, signedMessage, verifySignature, RUN_NONCE_BYTES, SIGN_OFF_DOMAIN, EXCEPTION_DOMAIN } from './sign-off.ts';
export type { ExceptionContent, PublicValue, SignatureClaim, SignOffStage, StepContent } from './sign-off.ts';
export { CeremonyRefusal, CEREMONY_RULES } from './refusal.ts';
export type { CeremonyRule } from './refusal.ts';
export { applyCommand, currentStep, exceptionContent, phaseOf, reduce, replayCommands, stageRequirements, startCeremony, stepContent } from './state-machine.ts';
export type { CeremonyCommand, CeremonyPhase, CeremonyState, CompletedStep, ExceptionRecord, SignOffRecord, StepStage, Transition } from './state-machine.ts';
export { CeremonyCommandSchema, PublicResult, SignatureClaimSchema, parseCeremonyCommand } from './commands.ts';
