/** Reshare and custody audit, end to end: split, write to media, read back, audit, rebuild, reshare. Production KDF. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { auditCustody } from './custody-audit.ts';
import { PRODUCTION_KDF } from './kdf.ts';
import { readShareFile, writeShareFile } from './medium.ts';
import { RebuildSession } from './rebuild-session.ts';
import { reshare } from './reshare.ts';
import { toArmour } from './armour.ts';
import { passphraseOf, TEST_CEREMONY, testSecret, testSplit } from './test-fixtures.ts';
import { toPaperForm } from '../../../shared/shares/paper-form.ts';

describe('custody, end to end with the production KDF', () => {
  it('split 2-of-3 to media, audit one share, reshare to 3-of-4 with new custodians, rebuild from the new set', async () => {
    const media = mkdtempSync(join(tmpdir(), 'keyrite-media-'));
    const set = await testSplit({ m: 2, n: 3, kdf: PRODUCTION_KDF });
    // The transcript would record these at split time.
    const recorded = new Map(set.shares.map((s) => [s.index, s.header.shareCommitment]));
    for (const share of set.shares) await writeShareFile(media, `${share.custodian}.share`, new TextEncoder().encode(toArmour(share.envelope)));

    // Custody audit: Bob proves he holds share and passphrase; nothing combined.
    const bob = set.shares[1];
    if (bob === undefined) throw new Error('fixture');
    const audit = await auditCustody({ kind: 'file', name: 'Bob.share', bytes: await readShareFile(media, 'Bob.share') }, passphraseOf('Bob'), {
      recordedShareCommitment: recorded.get(bob.index) ?? new Uint8Array(), expectedSetId: set.setId,
    });
    expect(audit.statement).toBe(`share ${bob.index} of set ${set.setId.slice(0, 8)}…, held by Bob: verified`);
    expect(audit.shareCommitment).toBe(bob.shareCommitment);
    // Against another share's recorded commitment, the audit fails, naming the file.
    await expect(auditCustody({ kind: 'file', name: 'Bob.share', bytes: await readShareFile(media, 'Bob.share') }, passphraseOf('Bob'), {
      recordedShareCommitment: hexToBytes(set.shares[0]?.shareCommitment ?? ''),
    })).rejects.toMatchObject({ code: 'SHARE_NOT_RECORDED', share: { source: 'Bob.share' } });

    // Reshare: Alice's file and Chiamaka's paper form (typed back) rebuild; new set 3-of-4.
    const session = new RebuildSession({ ceremonyId: TEST_CEREMONY, recordedShareCommitments: recorded, expectedSetId: hexToBytes(set.setId) });
    expect((await session.accept({ kind: 'file', name: 'Alice.share', bytes: await readShareFile(media, 'Alice.share') }, passphraseOf('Alice'))).accepted).toBe(true);
    const words = toPaperForm(set.shares[2]?.envelope ?? new Uint8Array()).map((l) => l.join(' ')).join('\n');
    expect((await session.accept({ kind: 'words', name: 'typed by Chiamaka', words }, passphraseOf('Chiamaka'))).progress).toMatchObject({ accepted: 2, threshold: 2, ready: true });
    const newNames = ['Dmitri', 'Eun-ji', 'Farah', 'Gustavo'];
    const result = await reshare(session, {
      ceremonyId: TEST_CEREMONY, threshold: 3, kdf: PRODUCTION_KDF,
      custodians: newNames.map((name) => ({ name, passphrase: passphraseOf(name) })),
    });
    expect(result.revokedSetId).toBe(set.setId);
    expect(result.newSet.setId).not.toBe(set.setId);
    expect(result.newSet).toMatchObject({ threshold: 3, total: 4 });
    expect(result.newSet.shares.map((s) => s.custodian)).toEqual(newNames);
    expect(result.newSet.shares[0]?.header.keyLabel).toBe('Root KEK 2026');
    expect(session.progress().accepted).toBe(0); // wiped after use

    // An old share is refused by a rebuild of the new set; three new ones rebuild the same secret.
    const again = new RebuildSession({ ceremonyId: TEST_CEREMONY, expectedSetId: hexToBytes(result.newSet.setId) });
    expect((await again.accept({ kind: 'file', name: 'Bob.share', bytes: bob.envelope }, passphraseOf('Bob'))).accepted).toBe(false);
    for (const share of result.newSet.shares.slice(1)) {
      expect((await again.accept({ kind: 'file', name: share.custodian, bytes: share.envelope }, passphraseOf(share.custodian))).accepted).toBe(true);
    }
    const rebuilt = await again.rebuild();
    if (!rebuilt.ok) throw rebuilt.error;
    expect(rebuilt.rebuilt.secret.expose(bytesToHex)).toBe(testSecret().expose(bytesToHex));
  }, 90_000);
});
