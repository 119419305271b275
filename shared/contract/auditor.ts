/**
 * The auditor part of the contract (see ../contract.ts for the rules every
 * command and event follows). Commands are `auditor/verb`.
 *
 * The renderer never names a file. It asks the host to let the person at
 * the machine choose a bundle (a native open dialog in Electron, a scripted
 * chooser in the test bridge) and gets back an opaque handle; every later
 * command names only that handle. Likewise the report is written where the
 * person chooses, and the renderer only learns that it was written and where.
 * So a compromised renderer cannot make the engine read or write a path of
 * its choosing: the worst it can do is ask for a dialog.
 *
 * Everything in a report comes from an untrusted bundle, so every string and
 * list is bounded here, and the engine clips to these bounds (AUDIT_LIMITS)
 * before it answers: a hostile bundle gets a shortened report, never a
 * refused answer.
 */
import { z } from 'zod';

/** The bounds the engine clips a report to (the schemas below use the same numbers). */
export const AUDIT_LIMITS = {
  /** Ordinary text: a name, a label, a step, a statement. */
  text: 1024,
  /** Long text: a summary, a reason, an exception's description. */
  longText: 4096,
  /** Items per section of the report (participants, keys, sign-offs...). */
  items: 2000,
  /** Timeline entries per page. */
  timelinePage: 200,
  /** Words of a digest read aloud (a 32-byte digest is 24 BIP-39 words). */
  words: 96,
} as const;

const text = z.string().max(AUDIT_LIMITS.text);
const longText = z.string().max(AUDIT_LIMITS.longText);
const count = z.number().int().nonnegative();

/** An opened (or chosen) bundle, as the renderer names it: never a path. */
export const BundleHandle = z.string().regex(/^bundle-[0-9a-f]{32}$/);
export type BundleHandle = z.infer<typeof BundleHandle>;

/** A bundle is a folder, or the same files as one ustar archive (docs/formats/transcript.md §6). */
export const BundleKind = z.enum(['folder', 'archive']);
export type BundleKind = z.infer<typeof BundleKind>;

export const ChosenBundle = z
  .object({
    handle: BundleHandle,
    /** The folder or file name (not its path), to show what was opened. */
    name: z.string().max(255),
    kind: BundleKind,
  })
  .strict();
export type ChosenBundle = z.infer<typeof ChosenBundle>;

/** A digest a person reads aloud: hex, hex in groups of four, and BIP-39 words (shared/human-value.ts). */
export const ReadableDigest = z
  .object({
    hex: z.string().max(AUDIT_LIMITS.text),
    hexGroups: z.string().max(AUDIT_LIMITS.text * 2),
    /** Empty when the value is not hex (then only `hex` is shown, as recorded). */
    words: z.array(z.string().max(16)).max(AUDIT_LIMITS.words),
  })
  .strict();
export type ReadableDigest = z.infer<typeof ReadableDigest>;

/** The verifier's verdict (shared/transcript/verify.ts): only `verified` is a pass. */
export const VerificationStatus = z.enum(['verified', 'tampered', 'unsigned-tail', 'unreadable']);
export type VerificationStatus = z.infer<typeof VerificationStatus>;

export const AuditVerification = z
  .object({
    status: VerificationStatus,
    /** The verifier's one sentence. */
    summary: longText,
    eventCount: count,
    /** Events covered by the last valid signed checkpoint. */
    signedSize: count,
    /** The first event that is not as it was recorded, and the event before it (the last one that verified). */
    firstBadEvent: z
      .object({
        index: count,
        reason: longText,
        after: z.object({ seq: count, type: text, step: text }).strict().nullable(),
      })
      .strict()
      .nullable(),
    badCheckpoint: z.object({ name: text, reason: longText }).strict().nullable(),
    unsignedTail: z.object({ from: count, count }).strict().nullable(),
    /** Files that differ from the manifest, or that it does not list. */
    manifestProblems: z.array(longText).max(AUDIT_LIMITS.items),
    /** Whose keys were trusted: the bundle's own keys.txt, or keys the auditor gave. */
    trust: z.enum(['given-keys', 'bundle-keys']),
  })
  .strict();
export type AuditVerification = z.infer<typeof AuditVerification>;

/** One list of the report: the first items, and how many there are in all. */
const section = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item).max(AUDIT_LIMITS.items), total: count }).strict();

export const TimelineEntry = z
  .object({
    seq: count,
    at: text,
    type: text,
    actors: text,
    step: text,
    summary: longText,
  })
  .strict();
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const AuditParticipant = z.object({ id: text, name: text, role: text }).strict();
export type AuditParticipant = z.infer<typeof AuditParticipant>;

export const AuditKey = z
  .object({
    label: text,
    algorithm: text,
    fingerprint: ReadableDigest,
    /** The key check value (symmetric keys), or null when none was recorded. */
    checkValue: ReadableDigest.nullable(),
    token: text,
  })
  .strict();
export type AuditKey = z.infer<typeof AuditKey>;

export const AuditShareSet = z.object({ id: text, keyLabel: text, policy: text, commitment: ReadableDigest, custodians: text }).strict();
export type AuditShareSet = z.infer<typeof AuditShareSet>;

export const AuditSignOff = z.object({ seq: count, at: text, witness: text, step: text, statement: longText }).strict();
export type AuditSignOff = z.infer<typeof AuditSignOff>;

export const AuditException = z.object({ seq: count, at: text, description: longText, decision: longText }).strict();
export type AuditException = z.infer<typeof AuditException>;

export const AuditCheckpoint = z.object({ size: count, rootHex: text, signedBy: text, cosigners: z.array(text).max(256) }).strict();
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

/** What the auditor's screen shows: the report model of the opened bundle, public values only. */
export const AuditReport = z
  .object({
    handle: BundleHandle,
    bundleName: z.string().max(255),
    ceremony: z.object({ id: text, title: text }).strict(),
    verification: AuditVerification,
    /** The root of the last valid checkpoint, as hex and words; null when none verified. */
    root: ReadableDigest.nullable(),
    /** The trusted vkeys: the ceremony key first, then cosigners. */
    trustedKeys: z.array(text).max(256),
    checkpoints: section(AuditCheckpoint),
    participants: section(AuditParticipant),
    keys: section(AuditKey),
    shareSets: section(AuditShareSet),
    signOffs: section(AuditSignOff),
    exceptions: section(AuditException),
    /** The first page of the timeline; `total` counts the events the report lists. */
    timeline: section(TimelineEntry),
  })
  .strict();
export type AuditReport = z.infer<typeof AuditReport>;

export const TimelinePage = z.object({ entries: z.array(TimelineEntry).max(AUDIT_LIMITS.timelinePage), total: count }).strict();
export type TimelinePage = z.infer<typeof TimelinePage>;

export const ExportedReport = z
  .object({
    /** The folder the person chose, for display. */
    folder: z.string().max(4096),
    /** The file names written there: the HTML report and the PDF report. */
    files: z.array(z.string().max(255)).max(2),
  })
  .strict();
export type ExportedReport = z.infer<typeof ExportedReport>;

export const auditorCommands = {
  /** Asks the host to let the person choose a bundle; `chosen` is null when they cancel. */
  'auditor/chooseBundle': { request: z.object({ kind: BundleKind }).strict(), response: z.object({ chosen: ChosenBundle.nullable() }).strict() },
  /** Reads and verifies a chosen bundle, with `auditor/progress` events on the way. */
  'auditor/openBundle': { request: z.object({ handle: BundleHandle }).strict(), response: AuditReport },
  /** Stops an open in progress; it answers AUDITOR_CANCELLED. */
  'auditor/cancelOpen': { request: z.object({ handle: BundleHandle }).strict(), response: z.object({ cancelled: z.boolean() }).strict() },
  'auditor/timeline': {
    request: z.object({ handle: BundleHandle, from: count.max(Number.MAX_SAFE_INTEGER), count: z.number().int().min(1).max(AUDIT_LIMITS.timelinePage) }).strict(),
    response: TimelinePage,
  },
  /** Writes the HTML and PDF report into a folder the person chooses; null when they cancel. */
  'auditor/exportReport': { request: z.object({ handle: BundleHandle }).strict(), response: z.object({ written: ExportedReport.nullable() }).strict() },
} as const;

export const AuditorProgress = z
  .object({
    handle: BundleHandle,
    phase: z.enum(['reading', 'verifying', 'summarising']),
    /** Bytes of the bundle read so far. */
    bytesRead: count,
    /** Events found in the journal (known once it is read). */
    events: count,
  })
  .strict();
export type AuditorProgress = z.infer<typeof AuditorProgress>;

export const auditorEvents = {
  'auditor/progress': AuditorProgress,
} as const;
