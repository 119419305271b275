/**
 * Worker thread of verify-on-two-cores.ts: the hashing of one journal
 * (shared/transcript/journal-digests.ts) with node:crypto's SHA-256. The
 * journal and notes come with the worker; the line offsets follow in
 * a message as soon as the main thread has found them (it needs them
 * itself, and finds them while this thread starts). The answer goes back
 * with its two large arrays transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { digestJournal } from '../../../shared/transcript/journal-digests.ts';
import type { NamedNotes } from '../../../shared/transcript/scan.ts';
import { nodeSha256 } from './node-sha256.ts';

export interface ByteWorkRequest {
  readonly journal: Uint8Array;
  readonly notes: NamedNotes;
}

/** The journal's line offsets, as transferable arrays. */
export interface ByteWorkOffsets {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly unterminated: boolean;
}

const { journal, notes } = workerData as ByteWorkRequest;
parentPort?.once('message', ({ starts, ends, unterminated }: ByteWorkOffsets) => {
  const work = digestJournal(journal, notes, nodeSha256, { starts: Array.from(starts), ends: Array.from(ends), unterminated });
  parentPort?.postMessage(work, [work.digests.leafHashes.buffer as ArrayBuffer, work.digests.canonical.buffer as ArrayBuffer]);
});
