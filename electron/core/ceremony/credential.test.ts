import { createPublicKey, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { contentHash, SIGN_OFF_DOMAIN, signedMessage, verifySignature, type StepContent } from '../../../shared/ceremony/sign-off.ts';
import { credentialSalt, deriveParticipantCredential } from './credential.ts';

/** Low cost for tests only; the production cost is PARTICIPANT_KDF. */
const cheap = { memoryKiB: 256, passes: 1, parallelism: 1 };
const passphrase = (text: string): SecretBytes => SecretBytes.adopt(utf8ToBytes(text));
const content: StepContent = { ceremony: 'c-1', runNonce: 'cd'.repeat(16), scriptSha256: 'ab'.repeat(32), step: { id: 'generate', index: 3, action: 'secret.generate' }, stage: 'sign-off', result: { fingerprintWords: 'abandon ability able' } };

/** RFC 8410 SubjectPublicKeyInfo for a raw Ed25519 key, so node:crypto can verify. */
const spki = (raw: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });

describe('participant credential', () => {
  it('is Ed25519 over Argon2id(passphrase, salt) — cross-checked with @noble/hashes argon2id', async () => {
    const credential = await deriveParticipantCredential(passphrase('correct horse battery'), 'c-1', 'alice', cheap);
    const seed = argon2id(utf8ToBytes('correct horse battery'), credentialSalt('c-1', 'alice'), { t: 1, m: 256, p: 1, dkLen: 32 });
    expect(credential.publicKeyHex).toBe(bytesToHex(ed25519.getPublicKey(seed)));
  });

  it('gives unrelated keys for another participant or another ceremony, the same key for the same inputs', async () => {
    const key = async (ceremony: string, participant: string) => (await deriveParticipantCredential(passphrase('correct horse battery'), ceremony, participant, cheap)).publicKeyHex;
    const base = await key('c-1', 'alice');
    expect(await key('c-1', 'alice')).toBe(base);
    expect(await key('c-1', 'bob')).not.toBe(base);
    expect(await key('c-2', 'alice')).not.toBe(base);
    // The separator keeps ("c-1a", "lice") apart from ("c-1", "alice").
    expect(await key('c-1a', 'lice')).not.toBe(base);
  });

  it('wipes the passphrase after deriving, and after refusing a short one', async () => {
    const good = passphrase('correct horse battery');
    await deriveParticipantCredential(good, 'c-1', 'alice', cheap);
    expect(good.wiped).toBe(true);
    const short = passphrase('short');
    await expect(deriveParticipantCredential(short, 'c-1', 'alice', cheap)).rejects.toMatchObject({ code: 'CEREMONY_PASSPHRASE_TOO_SHORT' });
    expect(short.wiped).toBe(true);
  });

  it('signs a step so that node:crypto and the pure verifier accept it, and nothing else', async () => {
    const credential = await deriveParticipantCredential(passphrase('correct horse battery'), 'c-1', 'alice', cheap);
    const claim = credential.signStep(content);
    const message = signedMessage(SIGN_OFF_DOMAIN, 'alice', contentHash(content));
    expect(verify(null, message, spki(credential.publicKey), Buffer.from(claim.signature, 'hex'))).toBe(true);
    expect(verifySignature(SIGN_OFF_DOMAIN, contentHash(content), claim)).toBe(true);
    const otherResult: StepContent = { ...content, result: { fingerprintWords: 'abandon ability ably' } };
    expect(verifySignature(SIGN_OFF_DOMAIN, contentHash(otherResult), claim)).toBe(false);
    expect(verifySignature(SIGN_OFF_DOMAIN, contentHash({ ...content, stage: 'approval' }), claim)).toBe(false);
    expect(verifySignature(SIGN_OFF_DOMAIN, contentHash({ ...content, runNonce: 'ce'.repeat(16) }), claim)).toBe(false);
    expect(verifySignature(SIGN_OFF_DOMAIN, contentHash(content), { ...claim, participantId: 'bob' })).toBe(false);
  });

  it('cannot sign after wipe', async () => {
    const credential = await deriveParticipantCredential(passphrase('correct horse battery'), 'c-1', 'alice', cheap);
    credential.wipe();
    expect(credential.wiped).toBe(true);
    expect(() => credential.signStep(content)).toThrow(/wiped/);
  });
});
