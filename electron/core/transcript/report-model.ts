/**
 * What the human report says (HTML and PDF render the same model): the
 * ceremony, its people, its timeline, the keys and share sets it made,
 * sign-offs, exceptions, and the verification result with the final root
 * as hex and as words.
 */
import { hexToBytes } from '../../../shared/transcript/bytes.ts';
import type { JsonValue, TranscriptEvent } from '../../../shared/transcript/event.ts';
import type { VerificationResult } from '../../../shared/transcript/verify.ts';
import { digestAsWords } from '../../../shared/transcript/words.ts';

export interface ReportModel {
  readonly title: string;
  readonly ceremonyId: string;
  readonly generatedAt: string;
  readonly verification: { readonly status: string; readonly summary: string; readonly eventCount: number; readonly signedSize: number; readonly firstBad?: string };
  readonly rootHex: string | undefined;
  readonly rootWords: readonly string[];
  readonly keys: readonly string[];
  readonly checkpoints: readonly { readonly size: number; readonly rootHex: string; readonly signedBy: string; readonly cosigners: readonly string[] }[];
  readonly participants: readonly { readonly id: string; readonly name: string; readonly role: string }[];
  readonly keysCreated: readonly { readonly label: string; readonly algorithm: string; readonly fingerprint: string; readonly checkValue: string; readonly token: string }[];
  readonly shareSets: readonly { readonly id: string; readonly keyLabel: string; readonly policy: string; readonly commitment: string; readonly custodians: string }[];
  readonly signOffs: readonly { readonly seq: number; readonly at: string; readonly witness: string; readonly step: string; readonly statement: string }[];
  readonly exceptions: readonly { readonly seq: number; readonly at: string; readonly description: string; readonly decision: string }[];
  readonly timeline: readonly { readonly seq: number; readonly at: string; readonly type: string; readonly actors: string; readonly step: string; readonly summary: string }[];
  /** Events left out of the timeline to keep the report printable. */
  readonly timelineOmitted: number;
}

const TIMELINE_LIMIT = 2000;

const text = (value: JsonValue | undefined): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : json(value));

/**
 * A payload value as JSON for people. A verified bundle may nest a value
 * deeper than JSON.stringify can recurse (the auditor trusts the bundle's
 * own keys, so its maker signs what they like): it is then described, not
 * thrown on.
 */
function json(value: JsonValue): string {
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[a list nested too deeply to show]' : '{an object nested too deeply to show}';
  }
}

function summarise(event: TranscriptEvent): string {
  const parts = Object.entries(event.payload).map(([key, value]) => `${key}=${text(value)}`);
  const line = parts.join(', ');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * A cosignature's time (POSIX seconds) for people. The signer writes any
 * 64-bit time (tlog-cosignature), and one past the year 275760 is no Date:
 * it is then given as the seconds, not thrown on.
 */
function cosignedAt(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `POSIX time ${seconds}` : date.toISOString();
}

export function buildReportModel(result: VerificationResult, keys: readonly string[], generatedAt: Date): ReportModel {
  const events = result.events;
  const of = (type: string) => events.filter((event) => event.type === type);
  const opened = of('ceremony/opened')[0];
  const firstBad = result.firstBadEvent === undefined ? (result.badCheckpoint === undefined ? undefined : `checkpoint ${result.badCheckpoint.name}: ${result.badCheckpoint.reason}`) : `event ${result.firstBadEvent.index}: ${result.firstBadEvent.reason}`;
  return {
    title: text(opened?.payload['title']) || 'Key ceremony',
    ceremonyId: result.ceremonyId ?? '(unknown)',
    generatedAt: generatedAt.toISOString(),
    verification: { status: result.status, summary: result.summary, eventCount: result.eventCount, signedSize: result.signedSize, ...(firstBad === undefined ? {} : { firstBad }) },
    rootHex: result.rootHex,
    rootWords: result.rootHex === undefined ? [] : digestAsWords(hexToBytes(result.rootHex)),
    keys,
    checkpoints: result.checkpoints.map((c) => ({ size: c.size, rootHex: c.rootHex, signedBy: c.signedBy, cosigners: c.cosigners.map((s) => `${s.name} at ${cosignedAt(s.time)}`) })),
    participants: of('participant/enrolled').map((e) => ({ id: text(e.payload['participant']), name: text(e.payload['displayName']), role: text(e.payload['role']) })),
    keysCreated: of('key/created').map((e) => ({ label: text(e.payload['label']), algorithm: text(e.payload['algorithm']), fingerprint: text(e.payload['fingerprint']), checkValue: text(e.payload['checkValue']), token: text(e.payload['token']) })),
    shareSets: of('share-set/issued').map((e) => ({ id: text(e.payload['shareSetId']), keyLabel: text(e.payload['keyLabel']), policy: `${text(e.payload['threshold'])} of ${text(e.payload['total'])}`, commitment: text(e.payload['commitment']), custodians: Array.isArray(e.payload['custodians']) ? e.payload['custodians'].map(text).join(', ') : '' })),
    signOffs: of('sign-off/recorded').map((e) => ({ seq: e.seq, at: e.at, witness: text(e.payload['witness']), step: e.step ?? '', statement: text(e.payload['statement']) })),
    exceptions: of('exception/recorded').map((e) => ({ seq: e.seq, at: e.at, description: text(e.payload['description']), decision: text(e.payload['decision']) })),
    timeline: events.slice(0, TIMELINE_LIMIT).map((e) => ({ seq: e.seq, at: e.at, type: e.type, actors: e.actors.join(', '), step: e.step ?? '', summary: summarise(e) })),
    timelineOmitted: Math.max(0, events.length - TIMELINE_LIMIT),
  };
}
