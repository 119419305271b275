/**
 * A participant's personal signing credential: a software Ed25519 key
 * derived from their passphrase (hardware tokens come later).
 *
 *   seed = Argon2id(passphrase, salt, m = 64 MiB, t = 3, p = 4, 32 bytes)
 *   salt = "keyrite/participant-credential/v1" 0x00 ceremony id 0x00 participant id   (UTF-8)
 *   key  = Ed25519 key pair from seed (RFC 8032 §5.1.5)
 *
 * Argon2id with RFC 9106 §4's second recommended parameter set, the same
 * floor as the share envelopes (electron/core/shares/kdf.ts), run by
 * Node 24's `crypto.argon2` on the thread pool. The salt makes the key
 * different in every ceremony and for every participant, so the same
 * passphrase in two ceremonies gives unrelated keys.
 *
 * The passphrase arrives as SecretBytes and is wiped when derivation ends,
 * on success and on error; the seed lives only in a SecretBytes held by the
 * credential until `wipe()`.
 * WARNING: @noble/curves expands the seed into a scalar on every sign and
 * does not wipe its intermediates; JavaScript gives no way to. The seed
 * itself is the only long-lived copy, and it is wiped.
 */
import { argon2 } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import { contentHash, EXCEPTION_DOMAIN, SIGN_OFF_DOMAIN, signedMessage, type ExceptionContent, type SignatureClaim, type StepContent } from '../../../shared/ceremony/sign-off.ts';

export interface CredentialKdfCost {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

/** RFC 9106 §4, second recommended option. */
export const PARTICIPANT_KDF: CredentialKdfCost = Object.freeze({ memoryKiB: 65536, passes: 3, parallelism: 4 });
export const CREDENTIAL_SALT_PREFIX = 'keyrite/participant-credential/v1';
export const MIN_PASSPHRASE_BYTES = 8;

export function credentialSalt(ceremonyId: string, participantId: string): Uint8Array {
  if (ceremonyId.includes('\0') || participantId.includes('\0')) throw new KeyriteError('CEREMONY_INVALID_COMMAND', 'Ids cannot contain NUL characters.');
  return utf8ToBytes(`${CREDENTIAL_SALT_PREFIX}\0${ceremonyId}\0${participantId}`);
}

export class ParticipantCredential {
  readonly participantId: string;
  /** Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  #seed: SecretBytes;

  /** Takes ownership of `seed`. */
  constructor(participantId: string, seed: SecretBytes) {
    this.participantId = participantId;
    this.#seed = seed;
    this.publicKey = seed.expose((bytes) => ed25519.getPublicKey(bytes));
  }

  get publicKeyHex(): string {
    return bytesToHex(this.publicKey);
  }

  /** Signs a step's content (an approval or a sign-off). */
  signStep(content: StepContent): SignatureClaim {
    return this.#claim(signedMessage(SIGN_OFF_DOMAIN, this.participantId, contentHash(content)));
  }

  /** Signs an exception record (expected, actual, decision). */
  signException(content: ExceptionContent): SignatureClaim {
    return this.#claim(signedMessage(EXCEPTION_DOMAIN, this.participantId, contentHash(content)));
  }

  #claim(message: Uint8Array): SignatureClaim {
    const signature = this.#seed.expose((seed) => ed25519.sign(message, seed));
    return { participantId: this.participantId, publicKey: this.publicKeyHex, signature: bytesToHex(signature) };
  }

  /** Wipes the seed; the credential cannot sign afterwards. */
  wipe(): void {
    this.#seed.wipe();
  }

  get wiped(): boolean {
    return this.#seed.wiped;
  }
}

/**
 * Derives a participant's credential. `passphrase` is consumed: wiped when
 * this returns or throws. `cost` other than PARTICIPANT_KDF is for tests.
 */
export async function deriveParticipantCredential(passphrase: SecretBytes, ceremonyId: string, participantId: string, cost: CredentialKdfCost = PARTICIPANT_KDF): Promise<ParticipantCredential> {
  let derived: Buffer | undefined;
  try {
    if (passphrase.length < MIN_PASSPHRASE_BYTES) throw new KeyriteError('CEREMONY_PASSPHRASE_TOO_SHORT', `A signing passphrase is at least ${MIN_PASSPHRASE_BYTES} characters.`);
    const salt = credentialSalt(ceremonyId, participantId);
    derived = await passphrase.expose(
      (message) =>
        new Promise<Buffer>((resolve, reject) => {
          argon2('argon2id', { message, nonce: salt, memory: cost.memoryKiB, passes: cost.passes, parallelism: cost.parallelism, tagLength: 32 }, (error, key) => (error === null ? resolve(key) : reject(error)));
        }),
    );
    return new ParticipantCredential(participantId, SecretBytes.adopt(derived));
  } finally {
    passphrase.wipe();
    derived?.fill(0);
  }
}
