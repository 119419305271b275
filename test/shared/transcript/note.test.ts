import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../../shared/transcript/bytes.ts';
import { checkpointText, parseCheckpointText } from '../../../shared/transcript/checkpoint.ts';
import { SIGNATURE_TYPE, cosignatureMessage, ecdsaRawToDer, ecdsaSpki, formatNote, makeVerifierKey, parseNote, parseVerifierKey, signatureMatchesKey, verifyNoteSignature } from '../../../shared/transcript/note.ts';

// golang.org/x/mod/sumdb/note note_test.go, the example the C2SP signed-note spec descends from.
const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const note = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('C2SP signed notes', () => {
  it('verifies the PeterNeumann example note with its vkey', () => {
    const key = parseVerifierKey(vkey);
    expect(key?.text).toBe(vkey);
    const parsed = parseNote(note);
    if (typeof parsed === 'string' || key === undefined) throw new Error(String(parsed));
    expect(parsed.text).toBe(text);
    const [signature] = parsed.signatures;
    if (signature === undefined) throw new Error('no signature');
    expect(signatureMatchesKey(signature, key)).toBe(true);
    expect(verifyNoteSignature(parsed.text, signature, key)).toBe(true);
    expect(verifyNoteSignature(parsed.text.replace('cryptography', 'cryptographY'), signature, key)).toBe(false);
    expect(formatNote(parsed)).toBe(note);
  });

  it('refuses vkeys with a wrong key ID, a changed character or an unknown type', () => {
    expect(parseVerifierKey(vkey.replace('c74f20a3', 'c74f20a4'))).toBeUndefined();
    expect(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBeUndefined();
    for (let i = 0; i < vkey.length; i++) {
      const mangled = vkey.slice(0, i) + String.fromCharCode(vkey.charCodeAt(i) + 1) + vkey.slice(i + 1);
      expect(parseVerifierKey(mangled)).toBeUndefined();
    }
  });

  it('refuses malformed notes', () => {
    expect(parseNote(text)).toBeTypeOf('string');
    expect(parseNote(note.slice(0, -1))).toBeTypeOf('string');
    expect(parseNote(note.replace('\u2014', '-'))).toBeTypeOf('string');
    expect(parseNote(note.replace('problem,', 'problem,\t'))).toBeTypeOf('string');
  });

  it('strict base64: one encoding per byte string', () => {
    expect(fromBase64('AQ==')).toEqual(Uint8Array.of(1));
    expect(fromBase64('AR==')).toBeUndefined();
    expect(fromBase64('AQ')).toBeUndefined();
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    }
  });

  it('tlog-cosignature/v1: a timestamped Ed25519 cosignature over the checkpoint verifies, and binds its time', () => {
    const secret = ed25519.utils.randomSecretKey();
    const key = makeVerifierKey('witness.example/w1', SIGNATURE_TYPE.cosignatureV1, ed25519.getPublicKey(secret));
    const body = checkpointText({ origin: 'example.com/behind-the-sofa', size: 20852163, root: new Uint8Array(32).fill(7) });
    const time = 1679315147n;
    const stamp = new Uint8Array(8);
    new DataView(stamp.buffer).setBigUint64(0, time);
    const signature = { keyName: key.name, keyId: key.keyId, signature: new Uint8Array([...stamp, ...ed25519.sign(cosignatureMessage(time, body), secret)]) };
    expect(verifyNoteSignature(body, signature, key)).toBe(true);
    const later = new Uint8Array(signature.signature);
    later[7] = (later[7] as number) + 1;
    expect(verifyNoteSignature(body, { ...signature, signature: later }, key)).toBe(false);
    expect(new TextDecoder().decode(cosignatureMessage(time, body))).toBe('cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n');
  });

  it('ECDSA (type 0x02): P-256 and P-384 signatures made by node:crypto over SHA-256 verify; key ID is SHA-256 of the SPKI', () => {
    for (const namedCurve of ['P-256', 'P-384']) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
      const point = spki.slice(spki.length - (namedCurve === 'P-256' ? 65 : 97));
      expect(ecdsaSpki(point)).toEqual(spki);
      const key = makeVerifierKey('ceremony.example/c1', SIGNATURE_TYPE.ecdsa, spki);
      expect(parseVerifierKey(key.text)?.text).toBe(key.text);
      const body = checkpointText({ origin: 'ceremony.example/c1', size: 3, root: new Uint8Array(32) });
      const der = new Uint8Array(nodeSign('sha256', Buffer.from(body), privateKey));
      expect(verifyNoteSignature(body, { keyName: key.name, keyId: key.keyId, signature: der }, key)).toBe(true);
      expect(verifyNoteSignature(body.replace('3', '4'), { keyName: key.name, keyId: key.keyId, signature: der }, key)).toBe(false);
      const raw = new Uint8Array(nodeSign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      expect(verifyNoteSignature(body, { keyName: key.name, keyId: key.keyId, signature: ecdsaRawToDer(raw) }, key)).toBe(true);
    }
  });

  it('checkpoint text round-trips and refuses leading zeros and extension lines', () => {
    const checkpoint = { origin: 'keyrite/c/1', size: 12, root: new Uint8Array(32).fill(1) };
    expect(parseCheckpointText(checkpointText(checkpoint))).toEqual(checkpoint);
    expect(parseCheckpointText(checkpointText(checkpoint).replace('\n12\n', '\n012\n'))).toBeTypeOf('string');
    expect(parseCheckpointText(`${checkpointText(checkpoint)}extension\n`)).toBeTypeOf('string');
  });
});
