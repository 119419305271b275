import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, verifyBundle } from '../../../shared/transcript/bundle.ts';
import { scanJournalPart } from '../../../shared/transcript/journal-parts.ts';
import { nodeSha256 } from './node-sha256.ts';
import { applyTamper, bundleFiles, tamper, tamperFixture, type Tamper, type TamperFixture } from './tamper-fixtures.ts';
import { verifyBundleOnTwoCores, type TwoCoreOptions } from './verify-on-two-cores.ts';

let fixture: TamperFixture;
beforeAll(async () => {
  fixture = await tamperFixture();
});

function tamperedFiles(t: Tamper): Map<string, Uint8Array> | undefined {
  const tampered = applyTamper(fixture, t);
  return tampered === undefined ? undefined : bundleFiles(fixture.keys, tampered.journal, tampered.checkpoints, tampered.manifestCeremony);
}

/** What the pure verifier says on one core, without the events. */
function pure(files: Map<string, Uint8Array>, keys: 'given' | 'the bundle\'s' = 'given') {
  const { events: _events, ...verdict } = verifyBundle(files, { ...(keys === 'given' ? { trustedKeys: fixture.keys } : {}), sha256: nodeSha256 });
  return verdict;
}

/** The second part checked on this thread (the worker runs the same function), counting whether it ran. */
function inThread(counter: { runs: number }): NonNullable<TwoCoreOptions['secondPart']> {
  return ({ journal, start, end }) => {
    counter.runs++;
    return { answer: Promise.resolve(scanJournalPart(journal, start, end, nodeSha256)), cancel: () => undefined };
  };
}

describe('the two-core verifier says exactly what the pure verifier says (without the events)', () => {
  it('with the journal cut anywhere, over 600 random tamperings and the intact bundle', async () => {
    const counter = { runs: 0 };
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(tamper, { freq: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), async (t, share) => {
        const files = t === null ? bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints) : tamperedFiles(t);
        if (files === undefined) return;
        const verdict = await verifyBundleOnTwoCores(files, { trustedKeys: fixture.keys, minBytes: 0, share, secondPart: inThread(counter) });
        expect(verdict, JSON.stringify({ t, share })).toStrictEqual(pure(files));
        compared++;
      }),
      { numRuns: 600 },
    );
    expect(compared).toBeGreaterThan(560);
    // The second part was checked in most runs (not only when the first part already failed).
    expect(counter.runs).toBeGreaterThan(compared / 2);
  }, 180_000);

  it('the parts are joined, not re-verified, when neither finds a problem: the intact bundle cut at every line', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const expected = pure(intact);
    expect(expected.status).toBe('verified');
    const journal = intact.get(JOURNAL_PATH) as Uint8Array;
    for (let share = 0; share <= 1; share += 1 / 256) {
      const counter = { runs: 0 };
      expect(await verifyBundleOnTwoCores(intact, { trustedKeys: fixture.keys, minBytes: 0, share, secondPart: inThread(counter) })).toStrictEqual(expected);
      expect(counter.runs).toBe(1);
    }
    expect(journal.length).toBeGreaterThan(256);
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
    for (const files of cases) expect(await verifyBundleOnTwoCores(files, { trustedKeys: fixture.keys, minBytes: 0 })).toStrictEqual(pure(files));
    // Without given keys both take the bundle's own keys.txt.
    expect(await verifyBundleOnTwoCores(intact, { minBytes: 0 })).toStrictEqual(pure(intact, 'the bundle\'s'));
  }, 180_000);

  it('a second part that cannot be checked elsewhere (the worker fails) is checked here, with the same answer', async () => {
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const failing: TwoCoreOptions['secondPart'] = () => ({ answer: Promise.reject(new Error('no threads here')), cancel: () => undefined });
    expect(await verifyBundleOnTwoCores(intact, { trustedKeys: fixture.keys, minBytes: 0, secondPart: failing })).toStrictEqual(pure(intact));
  });

  it('a bundle without a journal is unreadable on both', async () => {
    const files = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    files.delete(JOURNAL_PATH);
    expect(await verifyBundleOnTwoCores(files, { minBytes: 0 })).toStrictEqual(pure(files, 'the bundle\'s'));
  });
});
