/**
 * Custodian shares: the engine's public surface (docs/formats/share.md).
 * The lead wires these into engine.ts and the contract; nothing else in the
 * engine needs to reach inside this folder.
 */
export { splitSecret } from './split.ts';
export type { Custodian, SealedShare, ShareSet, SplitRequest } from './split.ts';
export { RebuildSession } from './rebuild-session.ts';
export { recordedSetOf } from './share-assembly.ts';
export type { AcceptOutcome, RebuildOutcome, RebuildSessionOptions } from './rebuild-session.ts';
export type { RebuildProgress, Rebuilt, RecordedSet } from './share-assembly.ts';
export { reshare } from './reshare.ts';
export type { ReshareResult } from './reshare.ts';
export { auditCustody } from './custody-audit.ts';
export type { CustodyAuditOptions, CustodyAuditResult } from './custody-audit.ts';
export { readShareFile, shareFileName, writeShareFile } from './medium.ts';
export { fromArmour, toArmour } from './armour.ts';
export { shareQrMatrix, shareQrSvg } from './qr-code.ts';
export type { ShareInput } from './share-input.ts';
export { deriveShareKey, PRODUCTION_KDF, PRODUCTION_KDF_POLICY } from './kdf.ts';
export type { KdfPolicy, KdfProgress, KdfProgressListener } from './kdf.ts';
export { findWordProblem, fromPaperForm, toPaperForm } from '../../../shared/shares/paper-form.ts';
export { ShareRejection, ShareSetError } from '../../../shared/shares/share-rejection.ts';
