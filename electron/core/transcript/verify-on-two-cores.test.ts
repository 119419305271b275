import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PATH, bundleCheckpoints, verifyBundle } from '../../../shared/transcript/bundle.ts';
import { prepareByteWork } from '../../../shared/transcript/prepared-work.ts';
import { readJournalLines } from '../../../shared/transcript/scan.ts';
import { nodeSha256 } from './node-sha256.ts';
import { applyTamper, bundleFiles, tamper, tamperFixture, type Tamper, type TamperFixture } from './tamper-fixtures.ts';
import { verifyBundleOnTwoCores } from './verify-on-two-cores.ts';

let fixture: TamperFixture;
beforeAll(async () => {
  fixture = await tamperFixture();
});

function tamperedFiles(t: Tamper): Map<string, Uint8Array> | undefined {
  const tampered = applyTamper(fixture, t);
  return tampered === undefined ? undefined : bundleFiles(fixture.keys, tampered.journal, tampered.checkpoints, tampered.manifestCeremony);
}

const pure = (files: Map<string, Uint8Array>) => verifyBundle(files, { trustedKeys: fixture.keys, sha256: nodeSha256 });

describe('the two-core verifier says exactly what the pure verifier says', () => {
  it('with the byte work prepared ahead (as the worker does it), over 400 random tamperings', () => {
    let compared = 0;
    fc.assert(
      fc.property(tamper, (t) => {
        const files = tamperedFiles(t);
        if (files === undefined) return;
        const journal = files.get(JOURNAL_PATH) as Uint8Array;
        const prepared = { lines: readJournalLines(journal), ...prepareByteWork(journal, bundleCheckpoints(files), fixture.keys, nodeSha256) };
        expect(verifyBundle(files, { trustedKeys: fixture.keys, sha256: nodeSha256, prepared }), JSON.stringify(t)).toStrictEqual(pure(files));
        compared++;
      }),
      { numRuns: 400 },
    );
    expect(compared).toBeGreaterThan(380);
  }, 180_000);

  it('through the worker thread: the intact bundle, a cut at a checkpoint, an edited line, a forged signature, a deleted journal line, and random tamperings', async () => {
    const fixed: Tamper[] = [
      { kind: 'cut', at: 100, forgeClose: false, otherCeremony: true },
      { kind: 'cut', at: 150, forgeClose: true, otherCeremony: false },
      { kind: 'edit', at: 700, byte: 0x41 },
      { kind: 'replace-signature', checkpoint: 1, seed: 7 },
      { kind: 'delete', i: 199 },
      { kind: 'truncate', at: 1000 },
    ];
    const random = fc.sample(tamper, { numRuns: 16, seed: 5 });
    const intact = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    const cases = [intact, ...[...fixed, ...random].map(tamperedFiles).filter((files) => files !== undefined)];
    for (const files of cases) {
      const expected = pure(files);
      expect(await verifyBundleOnTwoCores(files, { trustedKeys: fixture.keys, minBytes: 0 })).toStrictEqual(expected);
    }
    expect(pure(intact).status).toBe('verified');
    // Without given keys both take the bundle's own keys.txt.
    expect(await verifyBundleOnTwoCores(intact, { minBytes: 0 })).toStrictEqual(verifyBundle(intact, { sha256: nodeSha256 }));
  }, 180_000);

  it('a bundle without a journal is unreadable on both', async () => {
    const files = bundleFiles(fixture.keys, fixture.journal, fixture.checkpoints);
    files.delete(JOURNAL_PATH);
    expect(await verifyBundleOnTwoCores(files, { minBytes: 0 })).toStrictEqual(verifyBundle(files));
  });
});
