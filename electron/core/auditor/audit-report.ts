/**
 * The auditor's screen's view of a verified bundle: the report model the
 * HTML and PDF reports render (../transcript/report-model.ts), turned into
 * the contract's AuditReport. Everything here came from an untrusted bundle,
 * so every string is clipped and every list cut to AUDIT_LIMITS; digests
 * are given as hex and as words, the way they are read aloud.
 */
import { AUDIT_LIMITS, type AuditReport, type AuditVerification, type BundleHandle, type ReadableDigest, type TimelineEntry } from '../../../shared/contract/auditor.ts';
import { human, toHexGroups } from '../../../shared/human-value.ts';
import type { BundleVerification } from '../../../shared/transcript/bundle.ts';
import { hexToBytes } from '../../../shared/transcript/bytes.ts';
import type { ReportModel } from '../transcript/report-model.ts';

/** `value` cut to `max` characters, with an ellipsis when it was longer. */
export function clip(value: string, max: number = AUDIT_LIMITS.text): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

const long = (value: string): string => clip(value, AUDIT_LIMITS.longText);

/** The first AUDIT_LIMITS.items of a list, and how many there were. */
function section<T, U>(items: readonly T[], map: (item: T) => U): { items: U[]; total: number } {
  return { items: items.slice(0, AUDIT_LIMITS.items).map(map), total: items.length };
}

/**
 * A recorded digest as hex and words. Hex of a length BIP-39 encodes gives
 * its mnemonic; other hex its 11-bit words; anything else (say
 * `SHA256:…` from another tool) is shown as recorded, without words.
 */
export function readableDigest(recorded: string): ReadableDigest {
  const hex = recorded.trim().toLowerCase();
  if (hex.length === 0 || hex.length > 256 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) return { hex: clip(recorded), hexGroups: clip(recorded), words: [] };
  const value = human(hexToBytes(hex));
  return { hex: value.hex, hexGroups: value.hexGroups, words: value.words.slice(0, AUDIT_LIMITS.words) };
}

export function timelineEntry(entry: ReportModel['timeline'][number]): TimelineEntry {
  return { seq: entry.seq, at: clip(entry.at), type: clip(entry.type), actors: clip(entry.actors), step: clip(entry.step), summary: long(entry.summary) };
}

function verificationOf(result: BundleVerification): AuditVerification {
  const bad = result.firstBadEvent;
  const before = bad === undefined ? undefined : result.events[bad.index - 1];
  return {
    status: result.status,
    summary: long(result.summary),
    eventCount: result.eventCount,
    signedSize: result.signedSize,
    firstBadEvent: bad === undefined ? null : { index: bad.index, reason: long(bad.reason), after: before === undefined ? null : { seq: before.seq, type: clip(before.type), step: clip(before.step ?? '') } },
    badCheckpoint: result.badCheckpoint === undefined ? null : { name: clip(result.badCheckpoint.name), reason: long(result.badCheckpoint.reason) },
    unsignedTail: result.unsignedTail === undefined ? null : { from: result.unsignedTail.from, count: result.unsignedTail.count },
    manifestProblems: result.manifestProblems.slice(0, AUDIT_LIMITS.items).map(long),
    trust: result.trust,
  };
}

export function auditReportOf(handle: BundleHandle, bundleName: string, result: BundleVerification, model: ReportModel): AuditReport {
  return {
    handle,
    bundleName: bundleName.slice(0, 255),
    ceremony: { id: clip(model.ceremonyId), title: clip(model.title) },
    verification: verificationOf(result),
    root: model.rootHex === undefined ? null : { hex: model.rootHex, hexGroups: toHexGroups(hexToBytes(model.rootHex)), words: [...model.rootWords] },
    trustedKeys: model.keys.slice(0, 256).map((key) => clip(key)),
    checkpoints: section(model.checkpoints, (c) => ({ size: c.size, rootHex: clip(c.rootHex), signedBy: clip(c.signedBy), cosigners: c.cosigners.slice(0, 256).map((s) => clip(s)) })),
    participants: section(model.participants, (p) => ({ id: clip(p.id), name: clip(p.name), role: clip(p.role) })),
    keys: section(model.keysCreated, (k) => ({ label: clip(k.label), algorithm: clip(k.algorithm), fingerprint: readableDigest(k.fingerprint), checkValue: k.checkValue === '' ? null : readableDigest(k.checkValue), token: clip(k.token) })),
    shareSets: section(model.shareSets, (s) => ({ id: clip(s.id), keyLabel: clip(s.keyLabel), policy: clip(s.policy), commitment: readableDigest(s.commitment), custodians: clip(s.custodians) })),
    signOffs: section(model.signOffs, (s) => ({ seq: s.seq, at: clip(s.at), witness: clip(s.witness), step: clip(s.step), statement: long(s.statement) })),
    exceptions: section(model.exceptions, (e) => ({ seq: e.seq, at: clip(e.at), description: long(e.description), decision: long(e.decision) })),
    timeline: { items: model.timeline.slice(0, AUDIT_LIMITS.timelinePage).map(timelineEntry), total: model.timeline.length },
  };
}
