import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, verifyBundle } from '../../../shared/transcript/bundle.ts';
import { nodeSha256 } from './node-sha256.ts';
import { applyTamper, bundleFiles, helpersInThread, notesOf, tamper, tamperFixture, type Tamper, type TamperFixture } from './tamper-fixtures.ts';
import { fixtureTranscript } from './fixtures.ts';
import { onWorkers, readAndVerifyBundle, startWorkers, verifyBundleInParallel, type Helpers, type ParallelOptions } from './verify-in-parallel.ts';
import { partBounds, scanJournalPart, takeParts } from '../../../shared/transcript/journal-parts.ts';
import { hashJournalTree, treeChunkClaims } from '../../../shared/transcript/journal-tree.ts';

let fixture: TamperFixture;
beforeAll(async () => {
  fixture = await tamperFixture();
});
const root = mkdtempSync(join(tmpdir(), 'keyrite-parallel-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The bundle's files written as a folder. */
function written(name: string, files: ReadonlyMap<string, Uint8Array>): string {
  const folder = join(root, name);
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), bytes);
  }
  return folder;
}

function tamperedFiles(t: Tamper): Map<string, Uint8Array> | undefined {
  const tampered = applyTamper(fixture, t);
  return tampered === undefined ? undefined : bundleFiles(fixture.keys, tampered.journal, tampered.checkpoints, tampered.manifestCeremony);
}

/** What the pure verifier says on one core, without the events. */
function pure(files: Map<string, Uint8Array>, keys: 'given' | 'the bundle\'s' = 'given') {
  const { events: _events, ...verdict } = verifyBundle(files, { ...(keys === 'given' ? { trustedKeys: fixture.keys } : {}), sha256: nodeSha256 });
  return verdict;
}

/** Three threads: the tree hashed by a stand-in, the journal in parts, with the stand-in worker taking `takes` parts before this thread takes any. */
function inParts(parts: number, takes: number, counter?: { parts: number }, tree?: 'fails'): ParallelOptions {
  return { trustedKeys: fixture.keys, minBytes: 0, threads: 3, partsPerThread: Math.ceil(parts / 2), helpers: helpersInThread(takes, counter, tree) };
}

describe('the parallel verifier says exactly what the pure verifier says (without the events)', () => {
  it('with the journal in any number of parts, the worker taking any of them, over 600 random tamperings and the intact bundle', async () => {
    const counter = { parts: 0 };
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(tamper, { freq: 5 }), fc.integer({ min: 2, max: 24 }), fc.nat(24), fc.boolean(), async (t, parts, takes, treeFails) => {
        const files = t === null ? bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints) : tamperedFiles(t);
        if (files === undefined) return;
        const verdict = await verifyBundleInParallel(files, inParts(parts, takes, counter, treeFails ? 'fails' : undefined));
        expect(verdict, JSON.stringify({ t, parts, takes, treeFails })).toStrictEqual(pure(files));
        compared++;
      }),
      { numRuns: 600 },
    );
    expect(compared).toBeGreaterThan(560);
    // The stand-in worker took parts in most runs (not only when none was left for it).
    expect(counter.parts).toBeGreaterThan(compared);
  }, 180_000);

  it('the parts are joined, not re-verified, when none finds a problem: the intact bundle in 2 to 40 parts, each thread taking any number', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const expected = pure(intact);
    expect(expected.status).toBe('verified');
    const journal = intact.get(JOURNAL_PATH) as Uint8Array;
    expect(journal.length).toBeGreaterThan(256);
    for (let parts = 2; parts <= 40; parts += 2) {
      for (const takes of [0, 1, parts / 2, parts - 1, parts]) {
        const counter = { parts: 0 };
        expect(await verifyBundleInParallel(intact, inParts(parts, takes, counter)), `${parts}/${takes}`).toStrictEqual(expected);
        expect(counter.parts).toBe(takes);
      }
    }
  });

  it('through the worker thread: the intact bundle, a cut at a checkpoint, an edited line, a forged signature, a deleted line, and random tamperings', async () => {
    const fixed: Tamper[] = [
      { kind: 'cut', at: 100, forgeClose: false, otherCeremony: true },
      { kind: 'cut', at: 150, forgeClose: true, otherCeremony: false },
      { kind: 'edit', at: 700, byte: 0x41 },
      { kind: 'edit', at: fixture.journal.length - 700, byte: 0x41 },
      { kind: 'replace-signature', checkpoint: 1, seed: 7 },
      { kind: 'delete', i: 199 },
      { kind: 'swap', i: 120, j: 121 },
      { kind: 'truncate', at: 1000 },
    ];
    const random = fc.sample(tamper, { numRuns: 12, seed: 5 });
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const cases = [intact, ...[...fixed, ...random].map(tamperedFiles).filter((files) => files !== undefined)];
    for (const files of cases) expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads: 2 })).toStrictEqual(pure(files));
    // Three threads: two workers share the parts with this one.
    for (const files of cases.slice(0, 4)) expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads: 3 })).toStrictEqual(pure(files));
    // Without given keys both take the bundle's own keys.txt.
    expect(await verifyBundleInParallel(intact, { minBytes: 0, threads: 2 })).toStrictEqual(pure(intact, 'the bundle\'s'));
  }, 180_000);

  it('an intact bundle is verified from the joined parts and the tree\'s answer, not verified again on one thread', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    expect(pure(intact).status).toBe('verified');
    // A tree stand-in that answers a wrong root at size 100 (its leaf hashes right, so the join holds): the verdict then
    // comes from that answer, which shows the join was taken; the one-thread verifier would have said verified.
    const wrongRoot: Helpers = {
      ...helpersInThread(0),
      tree: (work) => {
        const tree = hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks);
        return { answer: Promise.resolve({ ...tree, roots: new Map([...tree.roots].map(([size, root]) => [size, size === 100 ? new Uint8Array(32) : root])) }), cancel: () => undefined };
      },
    };
    const verdict = await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, helpers: wrongRoot });
    expect(verdict.status).toBe('tampered');
    expect(verdict.summary).toMatch(/does not match the events/u);
    // Leaf hashes that are not the lines' (one in the middle wrong): a link refuses the join, and the one-thread verifier answers.
    const wrongLeaf: Helpers = {
      ...helpersInThread(0),
      tree: (work) => {
        const tree = hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks);
        const leafHashes = tree.leafHashes.slice();
        leafHashes[120 * 32] = (leafHashes[120 * 32] as number) ^ 1;
        return { answer: Promise.resolve({ ...tree, leafHashes }), cancel: () => undefined };
      },
    };
    expect(await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, helpers: wrongLeaf })).toStrictEqual(pure(intact));
  });

  it('a line edited into another valid line passes every part; its broken link refuses the join, and the edit is named as the one-thread verifier names it', async () => {
    const text = new TextDecoder().decode(fixture.journal);
    const at = text.indexOf('routine step 150');
    expect(at).toBeGreaterThan(0);
    const files = tamperedFiles({ kind: 'edit', at: at + 'routine '.length, byte: 0x53 /* S */ }) as Map<string, Uint8Array>;
    const journal = files.get(JOURNAL_PATH) as Uint8Array;
    const bounds = partBounds(journal, 4);
    for (let k = 0; k + 1 < bounds.length; k++) expect(scanJournalPart(journal, bounds[k] as number, bounds[k + 1] as number).firstBadEvent).toBeUndefined();
    const expected = pure(files);
    expect(expected.firstBadEvent?.index).toBe(150);
    for (const threads of [2, 3]) expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads, partsPerThread: 2, helpers: helpersInThread(1) })).toStrictEqual(expected);
  });

  it('a tree its worker hashes before the lines are checked is followed by the parts it took then: the same verdict, intact and edited', async () => {
    let took = 0;
    // Its tree hashed, it takes the first two of four parts (in this thread: before this thread takes the rest).
    const first: Helpers = {
      ...helpersInThread(0),
      tree: (work) => {
        const taken = takeParts(work, 2);
        took += taken.length;
        return { answer: Promise.resolve({ ...hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks), taken }), cancel: () => undefined };
      },
    };
    // The edit is in the journal's first half (a part the tree's worker took).
    const edited = tamperedFiles({ kind: 'edit', at: 700, byte: 0x41 }) as Map<string, Uint8Array>;
    for (const files of [bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints), edited]) {
      expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, partsPerThread: 4, helpers: first })).toStrictEqual(pure(files));
    }
    // Two parts of the intact bundle; of the edited one, the first alone, where it found the edit (and stopped the taking).
    expect(took).toBe(3);
  });

  it('a tree its worker starts late is hashed here from the end: this thread takes the chunks it finds unclaimed, and the verdict is the same', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    let handedOver: number | undefined = -1;
    // The tree's stand-in starts only once this thread awaits it, after its tail took every chunk (200 events: one chunk).
    const late: Helpers = {
      ...helpersInThread(0),
      tree: (work) => ({
        answer: Promise.resolve().then(() => {
          const tree = hashJournalTree(work.journal, nodeSha256, work.sizes, work.treeChunks);
          handedOver = tree.handedOver?.size;
          return tree;
        }),
        cancel: () => undefined,
      }),
    };
    expect(await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, helpers: late })).toStrictEqual(pure(intact));
    // Its tree was handed over before its first line: the verdict came from this thread's tail.
    expect(handedOver).toBe(0);
    const edited = tamperedFiles({ kind: 'edit', at: 700, byte: 0x41 }) as Map<string, Uint8Array>;
    expect(await verifyBundleInParallel(edited, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, helpers: late })).toStrictEqual(pure(edited));
  });

  it('parts a worker took and never answered for (it failed), and a tree its worker never hashed, are done here, with the same answer', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const dies = (tree: 'hashed' | 'fails'): Helpers => ({
      tree: helpersInThread(0, undefined, tree).tree,
      parts: (work) => {
        // It takes three parts, then fails before it answers.
        for (let k = 0; k < 3; k++) Atomics.add(work.taken, 0, 1);
        return { answer: Promise.reject(new Error('worker died')), cancel: () => undefined };
      },
    });
    const edited = tamperedFiles({ kind: 'edit', at: 700, byte: 0x41 });
    expect(edited).toBeDefined();
    for (const files of [intact, edited as Map<string, Uint8Array>]) {
      for (const tree of ['hashed', 'fails'] as const) expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads: 3, helpers: dies(tree) }), tree).toStrictEqual(pure(files));
      // Two threads: the tree's worker alone, and it fails.
      expect(await verifyBundleInParallel(files, { trustedKeys: fixture.keys, minBytes: 0, threads: 2, helpers: helpersInThread(0, undefined, 'fails') })).toStrictEqual(pure(files));
    }
  });

  it('one thread, or a journal below the threshold, is verified on this thread alone (no worker is asked)', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const ask = (): never => {
      throw new Error('no worker should be asked');
    };
    const never: Helpers = { tree: ask, parts: ask };
    expect(await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, minBytes: 0, threads: 1, helpers: never })).toStrictEqual(pure(intact));
    expect(await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, threads: 2, helpers: never })).toStrictEqual(pure(intact));
  });

  it('a bundle without a journal is unreadable on both', async () => {
    const files = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    files.delete(JOURNAL_PATH);
    expect(await verifyBundleInParallel(files, { minBytes: 0, threads: 2 })).toStrictEqual(pure(files, 'the bundle\'s'));
  });

  it('from a folder, with workers started before the reading (keyrite verify): the same verdict, intact and edited', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const edited = tamperedFiles({ kind: 'edit', at: 900, byte: 0x41 }) as Map<string, Uint8Array>;
    for (const [name, files] of [['intact', intact], ['edited', edited]] as const) {
      const folder = written(name, files);
      for (const threads of [1, 2, 3]) expect(await readAndVerifyBundle(folder, { trustedKeys: fixture.keys, minBytes: 0, threads }), `${name} ${threads}`).toStrictEqual(pure(files));
    }
    // Unreadable: the reading says why.
    await expect(readAndVerifyBundle(join(root, 'nothing-here'), { minBytes: 0, threads: 2 })).rejects.toThrow(/ENOENT/u);
  });

  it('workers started ahead: the one given work answers with the verifier\'s verdict (close then ends the one never given any)', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const workers = startWorkers(2);
    try {
      expect(await verifyBundleInParallel(intact, { trustedKeys: fixture.keys, minBytes: 0, threads: 3, helpers: workers.helpers })).toStrictEqual(pure(intact));
    } finally {
      workers.close();
    }
  });

  it('a worker thread given the work alone takes every part, or hashes the tree (and the journal file, unless this thread claimed it), and finds what this thread finds', async () => {
    const journal = new Uint8Array(new SharedArrayBuffer(fixture.journal.length));
    journal.set(fixture.journal);
    const work = () => ({ journal, bounds: partBounds(journal, 7), sizes: [0, 100, 200, 201], taken: new Int32Array(new SharedArrayBuffer(4)) });
    const here = takeParts(work());
    const tree = hashJournalTree(journal, nodeSha256, work().sizes);
    expect([...tree.roots.keys()]).toEqual([0, 100, 200]);
    const ahead = startWorkers(2);
    for (const helpers of [onWorkers, ahead.helpers]) {
      const there = await helpers.parts(work()).answer;
      expect(there.map(({ index }) => index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(there).toStrictEqual(here);
      const claim = new Int32Array(new SharedArrayBuffer(4));
      // Its tree done, it takes the parts no thread has taken (here, every part).
      expect(await helpers.tree(work(), claim).answer).toStrictEqual({ ...tree, journalSha256: nodeSha256(journal), taken: here });
      // Claimed already (by this thread, done first): the worker leaves the file's hash to it. Every part taken already: it takes none.
      const allTaken = { ...work(), taken: new Int32Array(new SharedArrayBuffer(4)).fill(7) };
      expect(await helpers.tree(allTaken, claim).answer).toStrictEqual({ ...tree, taken: [] });
      // Every chunk of the tree claimed by this thread's tail already (200 lines: one chunk): the worker hands over at once.
      const chunks = treeChunkClaims(journal.length);
      chunks[0] = 2;
      const handed = await helpers.tree({ ...work(), treeChunks: chunks }, claim).answer;
      expect(handed.handedOver).toEqual({ size: 0, roots: new Uint8Array(0) });
      expect(handed.lineCount).toBe(0);
      expect(handed.taken).toEqual([]);
      expect([...handed.roots.keys()]).toEqual([0]);
    }
  });
});

describe('a journal of several chunks of the tree, shared by the tree\'s worker and this thread\'s tail', () => {
  // 600 events: chunks of 256 lines end at 256, 512 and 600; checkpoints inside chunks and at their edges.
  let many: TamperFixture;
  beforeAll(async () => {
    const built = await fixtureTranscript(600, [100, 256, 300, 511, 512, 513, 600]);
    many = { journal: built.transcript.files().get(JOURNAL_PATH) as Uint8Array, lines: built.transcript.lines, checkpoints: notesOf(built.transcript), keys: built.keys };
  }, 60_000);

  /** A tree's worker (in this thread) that has claimed its first `head` chunks when this thread's tail starts, takes `take` parts, and may die after its claims. */
  function meetingAt(head: number, take: number, dies: boolean): Helpers {
    return {
      ...helpersInThread(0),
      tree: (work) => {
        const claims = work.treeChunks as Int32Array;
        claims.fill(1, 0, head);
        const taken = takeParts(work, take);
        return {
          answer: Promise.resolve().then(() => {
            claims.fill(0, 0, head);
            const tree = hashJournalTree(work.journal, nodeSha256, work.sizes, claims);
            if (dies) throw new Error('tree worker died');
            return { ...tree, taken };
          }),
          cancel: () => undefined,
        };
      },
    };
  }

  it('whichever chunk they meet at, whatever parts the worker took, and if it dies: the verifier\'s verdict, intact and tampered', async () => {
    const pureOf = (files: Map<string, Uint8Array>) => {
      const { events: _events, ...verdict } = verifyBundle(files, { trustedKeys: many.keys, sha256: nodeSha256 });
      return verdict;
    };
    let runs = 0;
    await fc.assert(fc.asyncProperty(fc.option(tamper, { freq: 3 }), fc.nat(3), fc.nat(2), fc.boolean(), fc.integer({ min: 1, max: 8 }), async (change, head, take, dies, partsPerThread) => {
      const tampered = change === null ? undefined : applyTamper(many, change);
      if (change !== null && tampered === undefined) return;
      const files = tampered === undefined ? bundleFiles(many.keys, many.journal, many.checkpoints) : bundleFiles(many.keys, tampered.journal, tampered.checkpoints, tampered.manifestCeremony);
      expect(await verifyBundleInParallel(files, { trustedKeys: many.keys, minBytes: 0, threads: 2, partsPerThread, helpers: meetingAt(head, take, dies) })).toStrictEqual(pureOf(files));
      runs++;
    }), { numRuns: 60 });
    expect(runs).toBeGreaterThan(40);
    // The intact bundle with real workers.
    const intact = bundleFiles(many.keys, many.journal, many.checkpoints);
    expect(pureOf(intact).status).toBe('verified');
    expect(await verifyBundleInParallel(intact, { trustedKeys: many.keys, minBytes: 0, threads: 2 })).toStrictEqual(pureOf(intact));
  }, 180_000);
});
