/**
 * Worker thread of verify-in-parallel.ts: given its job, either hashes the
 * journal's tree (shared/transcript/journal-tree.ts) with node:crypto's
 * SHA-256, then the journal file itself if no other thread has taken
 * that, then any parts of the lines still left; or takes parts of the journal until none is left
 * (shared/transcript/journal-parts.ts, takeParts), and sends back what it
 * found (the tree's leaf hashes transferred rather than copied).
 */
import { parentPort } from 'node:worker_threads';
import type { SharedParts } from '../../../shared/transcript/journal-parts.ts';
import { claimFileHash, hashJournalTree, type TreeAnswer } from '../../../shared/transcript/journal-tree.ts';
import { nodeSha256 } from './node-sha256.ts';
import type { TreeWorkerAnswer } from './verify-workers.ts';

/** What a worker is asked to do, with the work every thread shares. */
export interface WorkerJob {
  readonly role: 'tree' | 'parts';
  readonly work: SharedParts;
  /** The tree's worker: one Int32 in shared memory, claimed (0 to 1) by the thread that hashes the journal file (claimFileHash). */
  readonly fileHashClaim?: Int32Array;
}

// The job comes as a message, so the thread can start before the bundle is
// read; the journal and the count of parts taken are in shared memory, not
// copied. The line checks are loaded only by a worker that takes parts: the
// tree's worker, which every verification on two threads or more waits for,
// starts sooner without them, and loads them only if parts are left when its
// tree is done (a new `keyrite verify` process checked its lines slower than
// its worker hashed the tree, bench:verify).
parentPort?.once('message', async ({ role, work, fileHashClaim }: WorkerJob) => {
  if (role === 'tree') {
    const tree: TreeAnswer = hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks);
    const hashedFile = fileHashClaim !== undefined && claimFileHash(fileHashClaim) ? { journalSha256: nodeSha256(work.journal) } : {};
    // Done before the lines were: it takes the parts left (none, if the
    // thread that checks them finished first and took the tree's last chunks).
    const taken = tree.handedOver === undefined && Atomics.load(work.taken, 0) < work.bounds.length - 1 ? (await import('../../../shared/transcript/journal-parts.ts')).takeParts(work) : [];
    const answer: TreeWorkerAnswer = { ...tree, ...hashedFile, taken };
    parentPort?.postMessage(answer, [tree.leafHashes.buffer as ArrayBuffer]);
    return;
  }
  const { takeParts } = await import('../../../shared/transcript/journal-parts.ts');
  parentPort?.postMessage(takeParts(work));
});
