/**
 * Worker thread of verify-in-parallel.ts: takes parts of a journal until
 * none is left (shared/transcript/journal-parts.ts, takeParts) with
 * node:crypto's SHA-256, and sends back what it found, the leaf hashes
 * transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { takeParts, type SharedParts } from '../../../shared/transcript/journal-parts.ts';
import { nodeSha256 } from './node-sha256.ts';

const taken = takeParts(workerData as SharedParts, nodeSha256);
parentPort?.postMessage(taken, taken.map(({ part }) => part.leafHashes.buffer as ArrayBuffer));
