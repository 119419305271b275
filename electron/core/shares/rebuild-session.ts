/**
 * A rebuild, driven one share at a time by the UI (Vault's unseal flow):
 * accept(share, passphrase) → progress {accepted k, threshold M} or a
 * refusal naming the share; reset() wipes everything; rebuild() once k >= M.
 *
 * Each share is checked on arrival, cheapest first: format, checksum and
 * header ranges, then its fit with the shares already accepted (ceremony,
 * set, threshold, length, duplicate index), then the KDF cost against the
 * policy, and only then Argon2id and authenticated decryption. A refused
 * share leaves the session exactly as it was.
 *
 * Give it the set as the transcript recorded it (`recordedSet`, e.g.
 * `recordedSetOf(shareSet)`): then M, N and the secret commitment come from
 * the record, not from the custodians' own headers, and a successful rebuild
 * says `authenticatedBy: 'recorded-set'`. A caller that loads the key into an
 * HSM should insist on that (share-assembly.ts explains the collusion it stops).
 */
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { KeyriteError } from '../../../shared/result.ts';
import { ShareRejection, ShareSetError } from '../../../shared/shares/share-rejection.ts';
import { PRODUCTION_KDF_POLICY } from './kdf.ts';
import type { KdfPolicy, KdfProgressListener } from './kdf.ts';
import { nameOf, openShare } from './seal.ts';
import { ShareAssembly } from './share-assembly.ts';
import type { AssemblyOptions, RebuildProgress, Rebuilt } from './share-assembly.ts';
import { readShareInput } from './share-input.ts';
import type { ShareInput } from './share-input.ts';
import { scrub } from './scrub.ts';

export type AcceptOutcome = { accepted: true; progress: RebuildProgress } | { accepted: false; rejection: ShareRejection; progress: RebuildProgress };
export type RebuildOutcome = { ok: true; rebuilt: Rebuilt } | { ok: false; error: ShareSetError };

export interface RebuildSessionOptions extends AssemblyOptions {
  kdfPolicy?: KdfPolicy;
  onKdfProgress?: KdfProgressListener;
}

export class RebuildSession {
  readonly #assembly: ShareAssembly;
  readonly #policy: KdfPolicy;
  readonly #onProgress: KdfProgressListener | undefined;
  #closed = false;
  #busy = false;
  /** Bumped by reset(): a share still being derived when the custodian pressed reset is dropped. */
  #generation = 0;

  /** Throws a ShareSetError (SHARE_RECORD_INVALID) if `options.recordedSet` is malformed or contradicts the other options. */
  constructor(options: RebuildSessionOptions) {
    this.#assembly = new ShareAssembly(options);
    this.#policy = options.kdfPolicy ?? PRODUCTION_KDF_POLICY;
    this.#onProgress = options.onKdfProgress;
  }

  /** Checks one share and keeps it if it passes. Always wipes `passphrase`. `signal` stops its KDF (rejects with its reason; the session is left as it was). */
  async accept(input: ShareInput, passphrase: SecretBytes, signal?: AbortSignal): Promise<AcceptOutcome> {
    let value: Uint8Array | undefined;
    let holding = false;
    try {
      if (this.#closed) throw new ShareRejection('SHARE_SESSION_CLOSED', { source: input.name }, 'this rebuild is finished; start a new one.');
      // One share at a time: a second accept while one is deriving would race the checks.
      if (this.#busy) throw new ShareRejection('SHARE_SESSION_CLOSED', { source: input.name }, 'another share is still being checked.');
      this.#busy = true;
      holding = true;
      const generation = this.#generation;
      const parsed = readShareInput(input);
      const name = nameOf(input.name, parsed.header);
      this.#assembly.check(parsed.header, name);
      value = await openShare(parsed, input.name, passphrase, this.#policy, this.#onProgress, signal);
      if (this.#closed || generation !== this.#generation) throw new ShareRejection('SHARE_SESSION_CLOSED', name, 'the rebuild was reset while this share was being checked; present it again.');
      const progress = this.#assembly.admit({ name, header: parsed.header, value });
      value = undefined;
      return { accepted: true, progress };
    } catch (error) {
      if (error instanceof ShareRejection) return { accepted: false, rejection: error, progress: this.#assembly.progress() };
      throw error;
    } finally {
      if (holding) this.#busy = false;
      scrub.bytes(value);
      passphrase.wipe();
    }
  }

  progress(): RebuildProgress {
    return this.#assembly.progress();
  }

  /** Forgets (and wipes) every accepted share. */
  reset(): void {
    this.#generation++;
    this.#assembly.reset();
  }

  /**
   * Rebuilds and verifies the secret. The caller owns the returned SecretBytes
   * and wipes it. The session's shares are wiped either way on success; on a
   * mismatch they stay, so more shares can be presented to find the bad one.
   */
  async rebuild(): Promise<RebuildOutcome> {
    if (this.#closed) return { ok: false, error: new ShareSetError('SHARE_SESSION_CLOSED', 'This rebuild is finished; start a new one.') };
    try {
      const rebuilt = await this.#assembly.rebuild();
      this.close();
      return { ok: true, rebuilt };
    } catch (error) {
      if (error instanceof ShareSetError) return { ok: false, error };
      throw error instanceof KeyriteError ? error : new KeyriteError('SHARE_REBUILD_MISMATCH', 'The shares could not be combined.', { cause: error });
    }
  }

  /** Wipes everything; the session refuses further use. */
  close(): void {
    this.#closed = true;
    this.#assembly.reset();
  }
}
