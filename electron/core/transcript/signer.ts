/**
 * Who signs checkpoints. A signer is anything that can put one C2SP note
 * signature line on a checkpoint's text: the ceremony key (Ed25519 in
 * software for rehearsals now; Ed25519 or ECDSA P-256/P-384 inside an HSM
 * through the HSM layer later) and each participant's cosigning key.
 *
 * An HSM-backed signer implements NoteSigner like this:
 *   verifierKey = makeVerifierKey(ceremonyId, SIGNATURE_TYPE.ecdsa, ecdsaSpki(point))
 *   signNote(text) = { keyName, keyId, signature: ecdsaRawToDer(C_Sign(CKM_ECDSA, sha256(text))) }
 * or, for Ed25519 (CKM_EDDSA over the text itself), SIGNATURE_TYPE.ed25519
 * with the raw 64-byte signature.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { SIGNATURE_TYPE, cosignatureMessage, makeVerifierKey, type NoteSignature, type VerifierKey } from '../../../shared/transcript/note.ts';
import { utf8ToBytes } from '../../../shared/transcript/bytes.ts';

export interface NoteSigner {
  /** Name, key ID and public key; `verifierKey.text` is what an auditor is given. */
  readonly verifierKey: VerifierKey;
  /** One signature line's content for the note text (which ends with a newline). */
  signNote(text: string): Promise<NoteSignature>;
}

/** A ceremony (log) key: signature type 0x01 over the checkpoint text. */
export type CheckpointSigner = NoteSigner;
/** A participant's key: tlog-cosignature/v1, type 0x04, timestamped. */
export type CheckpointCosigner = NoteSigner;

/**
 * Ed25519 in software, for rehearsals and for participants' cosignatures.
 * The 32-byte seed lives in SecretBytes; `destroy()` wipes it.
 * WARNING: @noble/curves derives the expanded key into its own buffers on
 * each signature, which we cannot wipe; an HSM-backed signer avoids that.
 */
export class SoftwareEd25519Signer implements NoteSigner {
  readonly verifierKey: VerifierKey;
  readonly #seed: SecretBytes;
  readonly #cosignature: boolean;
  readonly #clock: () => Date;

  private constructor(name: string, seed: SecretBytes, kind: 'ceremony' | 'cosigner', clock: () => Date) {
    this.#seed = seed;
    this.#cosignature = kind === 'cosigner';
    this.#clock = clock;
    const publicKey = seed.expose((bytes) => ed25519.getPublicKey(bytes));
    this.verifierKey = makeVerifierKey(name, this.#cosignature ? SIGNATURE_TYPE.cosignatureV1 : SIGNATURE_TYPE.ed25519, publicKey);
  }

  /** A fresh key from the OS CSPRNG (through @noble/curves' randomSecretKey). */
  static generate(name: string, kind: 'ceremony' | 'cosigner', clock: () => Date = () => new Date()): SoftwareEd25519Signer {
    return new SoftwareEd25519Signer(name, SecretBytes.adopt(ed25519.utils.randomSecretKey()), kind, clock);
  }

  /** Takes ownership of `seed` (32 bytes); the caller must not wipe it. */
  static fromSeed(name: string, seed: SecretBytes, kind: 'ceremony' | 'cosigner', clock: () => Date = () => new Date()): SoftwareEd25519Signer {
    if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
    return new SoftwareEd25519Signer(name, seed, kind, clock);
  }

  async signNote(text: string): Promise<NoteSignature> {
    const { name, keyId } = this.verifierKey;
    if (!this.#cosignature) return { keyName: name, keyId, signature: this.#seed.expose((seed) => ed25519.sign(utf8ToBytes(text), seed)) };
    // tlog-cosignature: timestamped_signature = u64 big-endian POSIX seconds || Ed25519 signature.
    const time = BigInt(Math.floor(this.#clock().getTime() / 1000));
    const signature = new Uint8Array(72);
    new DataView(signature.buffer).setBigUint64(0, time);
    signature.set(this.#seed.expose((seed) => ed25519.sign(cosignatureMessage(time, text), seed)), 8);
    return { keyName: name, keyId, signature };
  }

  destroy(): void {
    this.#seed.wipe();
  }
}
