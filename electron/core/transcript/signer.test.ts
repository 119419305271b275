import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { JOURNAL_PATH, checkpointFileName } from '../../../shared/transcript/layout.ts';
import { leafHash, treeRoot, verifyConsistency, verifyInclusion } from '../../../shared/transcript/merkle.ts';
import { SIGNATURE_TYPE, ecdsaRawToDer, makeVerifierKey } from '../../../shared/transcript/note.ts';
import { verifyTranscript } from '../../../shared/transcript/verify.ts';
import { fixtureEvent } from './fixtures.ts';
import { Journal } from './journal.ts';
import { SoftwareEd25519Signer, type CheckpointSigner } from './signer.ts';
import { readTar, writeTar } from './tar.ts';

const root = mkdtempSync(join(tmpdir(), 'keyrite-signer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ceremonyId = 'keyrite.example/ceremony/hsm-rehearsal';

/** What the HSM layer will do: CKM_ECDSA over SHA-256(text), raw r||s, converted to DER. Here node:crypto stands in for the HSM. */
function hsmStyleSigner(namedCurve: 'P-256' | 'P-384'): CheckpointSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  const verifierKey = makeVerifierKey(ceremonyId, SIGNATURE_TYPE.ecdsa, new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })));
  return {
    verifierKey,
    signNote: (text) => Promise.resolve({ keyName: verifierKey.name, keyId: verifierKey.keyId, signature: ecdsaRawToDer(new Uint8Array(nodeSign('sha256', Buffer.from(text), { key: privateKey, dsaEncoding: 'ieee-p1363' }))) }),
  };
}

describe('checkpoint signers', () => {
  it('an ECDSA P-384 (or P-256) signer in the HSM style signs checkpoints the verifier accepts, cosigned in software', async () => {
    for (const curve of ['P-384', 'P-256'] as const) {
      const folder = join(root, curve);
      const { journal } = Journal.open(folder, ceremonyId);
      for (let i = 0; i < 5; i++) journal.append(fixtureEvent(i));
      const signer = hsmStyleSigner(curve);
      const witness = SoftwareEd25519Signer.generate('keyrite.example/participant/wendy', 'cosigner');
      await journal.checkpoint(signer);
      await journal.cosign(witness);
      journal.close();
      const note = readFileSync(join(folder, checkpointFileName(5)), 'utf8');
      const input = { journal: readFileSync(join(folder, JOURNAL_PATH)), checkpoints: [{ name: '000000000005.note', note }] };
      expect(verifyTranscript({ ...input, trustedKeys: [signer.verifierKey.text, witness.verifierKey.text] }).status).toBe('verified');
      // another ECDSA key with the same name is not the ceremony key
      expect(verifyTranscript({ ...input, trustedKeys: [hsmStyleSigner(curve).verifierKey.text, witness.verifierKey.text] }).status).not.toBe('verified');
      witness.destroy();
    }
  });

  it('the software signer keeps its seed in SecretBytes and stops signing once destroyed', async () => {
    const seed = new SecretBytes(new Uint8Array(32).fill(5));
    const signer = SoftwareEd25519Signer.fromSeed(ceremonyId, seed, 'ceremony');
    await expect(signer.signNote('x\n')).resolves.toHaveProperty('signature');
    signer.destroy();
    expect(seed.wiped).toBe(true);
    await expect(signer.signNote('x\n')).rejects.toThrow(/wiped/);
    expect(() => JSON.stringify(seed)).toThrow();
  });

  it('the journal gives inclusion and consistency proofs that verify against its roots', () => {
    const { journal } = Journal.open(join(root, 'proofs'), ceremonyId);
    for (let i = 0; i < 11; i++) journal.append(fixtureEvent(i));
    const lines = readFileSync(join(root, 'proofs', JOURNAL_PATH), 'utf8').trim().split('\n');
    const leaves = lines.map((line) => leafHash(new TextEncoder().encode(line)));
    expect(journal.root()).toEqual(treeRoot(leaves));
    expect(verifyInclusion(leaves[6] as Uint8Array, 6, 11, journal.inclusionProof(6), journal.root())).toBe(true);
    expect(verifyConsistency(7, 11, journal.consistencyProof(7), treeRoot(leaves.slice(0, 7)), journal.root())).toBe(true);
    journal.close();
  });

  it('tar: round trip, and the reader refuses unsafe paths and bad checksums', () => {
    const files = new Map([['a.txt', new TextEncoder().encode('hello')], ['checkpoints/000000000001.note', new Uint8Array(600).fill(65)]]);
    const archive = writeTar(files, new Date('2026-11-28T00:00:00Z'));
    expect(readTar(archive)).toEqual(files);
    const evil = writeTar(new Map([['../escape', new Uint8Array(1)]]), new Date(0));
    expect(() => readTar(evil)).toThrow(/unsafe path/);
    const damaged = archive.slice();
    damaged[10] = (damaged[10] as number) ^ 1;
    expect(() => readTar(damaged)).toThrow(/checksum/);
  });
});
