/**
 * Worker thread of verify-in-parallel.ts: given its job, either hashes the
 * journal's tree (shared/transcript/journal-tree.ts) with node:crypto's
 * SHA-256, or takes parts of the journal until none is left
 * (shared/transcript/journal-parts.ts, takeParts), and sends back what it
 * found (the tree's leaf hashes transferred rather than copied).
 */
import { parentPort } from 'node:worker_threads';
import { takeParts, type SharedParts } from '../../../shared/transcript/journal-parts.ts';
import { hashJournalTree } from '../../../shared/transcript/journal-tree.ts';
import { nodeSha256 } from './node-sha256.ts';

/** What a worker is asked to do, with the work every thread shares. */
export interface WorkerJob {
  readonly role: 'tree' | 'parts';
  readonly work: SharedParts;
}

// The job comes as a message, so the thread can start (and load these
// modules) before the bundle is read; the journal and the count of parts
// taken are in shared memory, not copied.
parentPort?.once('message', ({ role, work }: WorkerJob) => {
  if (role === 'tree') {
    const tree = hashJournalTree(work.journal, nodeSha256, work.sizes);
    parentPort?.postMessage(tree, [tree.leafHashes.buffer as ArrayBuffer]);
    return;
  }
  parentPort?.postMessage(takeParts(work));
});
