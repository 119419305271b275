/**
 * Worker thread of verify-on-two-cores.ts: checks one part of a journal
 * (shared/transcript/journal-parts.ts) with node:crypto's SHA-256 and sends
 * back what it found, its leaf hashes transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanJournalPart } from '../../../shared/transcript/journal-parts.ts';
import { nodeSha256 } from './node-sha256.ts';

export interface JournalPartRequest {
  readonly journal: Uint8Array;
  readonly start: number;
  readonly end: number;
}

const { journal, start, end } = workerData as JournalPartRequest;
const part = scanJournalPart(journal, start, end, nodeSha256);
parentPort?.postMessage(part, [part.leafHashes.buffer as ArrayBuffer]);
