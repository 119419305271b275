/**
 * A small but complete ceremony transcript for tests, the benchmark and the
 * format document: every event type the report reads, then as many generic
 * steps as asked.
 */
import { MemoryTranscript } from './memory-transcript.ts';
import type { EventDraft } from './journal.ts';
import { SoftwareEd25519Signer } from './signer.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';

export const fixtureCeremonyId = 'keyrite.example/ceremony/2026-11-28-root';

/** Deterministic keys (fixed seeds): fixtures only, never a real ceremony. */
export function fixtureSigners(): { ceremony: SoftwareEd25519Signer; witness: SoftwareEd25519Signer } {
  const clock = () => new Date('2026-11-28T12:00:00Z');
  return {
    ceremony: SoftwareEd25519Signer.fromSeed(fixtureCeremonyId, new SecretBytes(new Uint8Array(32).fill(0x11)), 'ceremony', clock),
    witness: SoftwareEd25519Signer.fromSeed('keyrite.example/participant/wendy', new SecretBytes(new Uint8Array(32).fill(0x22)), 'cosigner', clock),
  };
}

export function fixtureEvent(i: number): EventDraft {
  const opening: EventDraft[] = [
    { type: 'ceremony/opened', actors: ['ada'], payload: { title: 'Root key generation 2026', scriptSha256: 'a3'.repeat(32), signingKey: 'see keys.txt' } },
    { type: 'participant/enrolled', actors: ['ada'], payload: { participant: 'ada', displayName: 'Ada Admin', role: 'administrator' } },
    { type: 'participant/enrolled', actors: ['ada'], payload: { participant: 'carl', displayName: 'Carl Custodian', role: 'custodian' } },
    { type: 'participant/enrolled', actors: ['ada'], payload: { participant: 'wendy', displayName: 'Wendy Witness', role: 'witness' } },
    { type: 'key/created', actors: ['ada'], step: 'generate-root', payload: { label: 'root-2026', algorithm: 'ECDSA P-384', fingerprint: 'SHA256:3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c', token: 'SoftHSM rehearsal 1' } },
    { type: 'share-set/issued', actors: ['ada', 'carl'], step: 'split-master', payload: { shareSetId: 'ss-1', keyLabel: 'master-wrap', threshold: 2, total: 3, commitment: 'c0ffee'.repeat(8), custodians: ['carl', 'dora', 'ed'] } },
    { type: 'sign-off/recorded', actors: ['wendy'], step: 'split-master', payload: { witness: 'wendy', statement: 'I saw three envelopes written and read back.' } },
    { type: 'exception/recorded', actors: ['ada', 'wendy'], step: 'split-master', payload: { description: 'Printer jammed on envelope 2.', decision: 'Reprinted; the jammed page was shredded in view.' } },
  ];
  return opening[i] ?? { type: 'step/completed', actors: ['ada'], step: `step-${i % 17}`, payload: { note: `routine step ${i}`, count: i } };
}

/** The event a finished ceremony's transcript ends with (an evidence bundle must). */
export const fixtureClosingEvent: EventDraft = { type: 'ceremony/closed', actors: ['ada'], payload: { outcome: 'completed' } };

/**
 * A transcript of `count` events with a checkpoint at each size in
 * `checkpointAt` (cosigned by the witness). Its last event is
 * `ceremony/closed` unless `closed` is false.
 */
export async function fixtureTranscript(count: number, checkpointAt: readonly number[], options: { closed?: boolean } = {}): Promise<{ transcript: MemoryTranscript; keys: string[] }> {
  const { ceremony, witness } = fixtureSigners();
  const transcript = new MemoryTranscript(fixtureCeremonyId);
  for (let i = 0; i < count; i++) {
    transcript.append(i === count - 1 && options.closed !== false ? fixtureClosingEvent : fixtureEvent(i));
    if (checkpointAt.includes(i + 1)) await transcript.checkpoint(ceremony, [witness]);
  }
  return { transcript, keys: [ceremony.verifierKey.text, witness.verifierKey.text] };
}
