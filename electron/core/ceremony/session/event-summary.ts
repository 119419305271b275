/**
 * One line per transcript event for the live timeline, in the ceremony's
 * words. Built only from public payload fields (the journal refuses a field
 * named like a secret), and cut to the contract's 512 characters.
 */
import type { TranscriptEvent } from '../../../../shared/transcript/event.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));

const SUMMARIES: Readonly<Record<string, (p: Readonly<Record<string, unknown>>, e: TranscriptEvent) => string>> = {
  'ceremony/opened': (p) => `Ceremony opened: ${text(p['title'])} (script ${text(p['scriptSha256']).slice(0, 16)}…)`,
  'rehearsal/tokens-mapped': () => 'Rehearsal: each HSM of the script is a fresh SoftHSM token',
  'participant/enrolled': (p) => `${text(p['displayName'])} enrolled as ${text(p['role'])}`,
  'sign-off/recorded': (p) => text(p['statement']),
  'step/result': (p, e) => `Result of ${e.step ?? 'step'} (${text(p['action'])})${p['deviation'] === true ? ': DEVIATION' : ''}`,
  'step/completed': (p) => `Step ${Number(p['index']) + 1} completed: ${text(p['title'])}`,
  'exception/recorded': (p) => `Exception (${text(p['decision'])}): ${text(p['description'])}`,
  'exception/signed': (p) => `Exception signed (${text(p['decision'])})`,
  'input/refused': (p) => `Refused, asked again: ${text(p['message'])}`,
  'share/accepted': (p) => `Share of ${text(p['custodian'])} accepted (${text(p['accepted'])} of ${text(p['threshold'])})`,
  'share/refused': (p) => `Share of ${text(p['custodian'])} refused: ${text(p['reason'])}`,
  'work/cancelled': (p) => `Cancelled by the operator: ${text(p['label'])}. ${text(p['kept'])}`,
  'shares/started-over': (p) => `Collection started over: the shares accepted so far (${Array.isArray(p['discarded']) ? p['discarded'].map(text).join(', ') : ''}) no longer count`,
  'share-set/issued': (p) => `Share set issued: ${text(p['threshold'])} of ${text(p['total'])} for ${text(p['keyLabel'])}`,
  'key/created': (p) => `Key created: ${text(p['label'])}`,
  'ceremony/refused': (p) => `Stopped: ${text(p['code'])}: ${text(p['message'])}`,
  'ceremony/closed': (p) => `Ceremony closed: ${text(p['outcome'])}`,
};

export function summariseEvent(event: TranscriptEvent): string {
  const summary = SUMMARIES[event.type]?.(event.payload, event) ?? `${event.type}${event.step === null ? '' : ` (${event.step})`}`;
  return summary.slice(0, 512);
}
