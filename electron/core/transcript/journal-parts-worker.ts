/**
 * Worker thread of verify-in-parallel.ts: given the work, takes parts of a journal until
 * none is left (shared/transcript/journal-parts.ts, takeParts) with
 * node:crypto's SHA-256, and sends back what it found, the leaf hashes
 * transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import { takeParts, type SharedParts } from '../../../shared/transcript/journal-parts.ts';
import { nodeSha256 } from './node-sha256.ts';

// The work comes as a message, so the thread can start (and load these
// modules) before the bundle is read; the journal and the count of parts
// taken are in shared memory, not copied.
parentPort?.once('message', (work: SharedParts) => {
  const taken = takeParts(work, nodeSha256);
  parentPort?.postMessage(taken, taken.map(({ part }) => part.leafHashes.buffer as ArrayBuffer));
});
