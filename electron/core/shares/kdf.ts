/**
 * Argon2id (RFC 9106) of a custodian's passphrase, on Node 24's built-in
 * `crypto.argon2` (OpenSSL's implementation). The asynchronous form runs on
 * libuv's thread pool, so the engine's event loop (and with it the UI) keeps
 * running; `npm run bench:kdf` measures it against the Debian C tool.
 *
 * The native call reports nothing until it ends, so progress is an estimate
 * from the elapsed time and the cost of the previous derivation, reported on
 * a timer, then 1 exactly when the key is there.
 *
 * Nor can the native call be stopped once libuv runs it: an AbortSignal
 * stops the wait (the caller goes on at once) and the key the job still
 * delivers is wiped on arrival, never returned.
 */
import { argon2 } from 'node:crypto';
import type { KdfParameters } from '../../../shared/shares/envelope.ts';
import { scrub } from './scrub.ts';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';

export type KdfCost = Omit<KdfParameters, 'salt'>;

/**
 * Production parameters: RFC 9106 §4's second recommended option
 * (64 MiB, t=3, p=4), the floor the issue sets.
 */
export const PRODUCTION_KDF: KdfCost = Object.freeze({ memoryKiB: 65536, passes: 3, parallelism: 4 });

/**
 * INSECURE, FOR TESTS ONLY: 64 KiB, one pass, one lane, so a property test
 * can open thousands of envelopes. Only `INSECURE_TEST_KDF_POLICY` accepts a
 * share sealed with it; the production policy refuses it before deriving.
 */
export const INSECURE_TEST_KDF: KdfCost = Object.freeze({ memoryKiB: 64, passes: 1, parallelism: 1 });

/** What a share's header may ask of us: below the floor is weak, above the ceiling a denial of service. */
export interface KdfPolicy {
  readonly name: string;
  readonly min: KdfCost;
  readonly max: KdfCost;
}

export const PRODUCTION_KDF_POLICY: KdfPolicy = Object.freeze({
  name: 'production',
  min: PRODUCTION_KDF,
  // 1 GiB and 10 passes: ~20x the production cost, a bound on time and memory.
  max: Object.freeze({ memoryKiB: 1024 * 1024, passes: 10, parallelism: 16 }),
});

/** INSECURE, FOR TESTS ONLY: accepts INSECURE_TEST_KDF as well as production shares. */
export const INSECURE_TEST_KDF_POLICY: KdfPolicy = Object.freeze({
  name: 'INSECURE test-only',
  min: INSECURE_TEST_KDF,
  max: PRODUCTION_KDF_POLICY.max,
});

/** 'weak' / 'costly' if the header's cost is outside the policy, else undefined. */
export function judgeKdfCost(cost: KdfCost, policy: KdfPolicy): 'weak' | 'costly' | undefined {
  const keys = ['memoryKiB', 'passes', 'parallelism'] as const;
  if (keys.some((k) => cost[k] > policy.max[k])) return 'costly';
  if (cost.memoryKiB < policy.min.memoryKiB || cost.passes < policy.min.passes) return 'weak';
  return undefined;
}

export interface KdfProgress {
  /** 0..1; an estimate until the last report, which is exactly 1. */
  fraction: number;
  elapsedMs: number;
}
export type KdfProgressListener = (progress: KdfProgress) => void;

/** Milliseconds per KiB-pass, from the last derivation; starts at what FACTS.md measured (~214 ms for 64 MiB x 3). */
let msPerKiBPass = 214 / (65536 * 3);

/** Counts derivations, so tests can prove cheap checks ran first (none happen for a refused file). */
export const kdfStats = { derivations: 0 };

/**
 * Derives a 32-byte key. The passphrase is read, not wiped (its owner wipes
 * it). Node copies the passphrase into the job; that copy is OpenSSL's to
 * clear. The returned array is fresh and unpooled; the caller wipes it.
 */
export async function deriveShareKey(passphrase: SecretBytes, parameters: KdfParameters, onProgress?: KdfProgressListener, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  kdfStats.derivations++;
  const started = performance.now();
  const expected = Math.max(1, msPerKiBPass * parameters.memoryKiB * parameters.passes);
  const timer = onProgress === undefined ? undefined : setInterval(() => {
    const elapsedMs = performance.now() - started;
    onProgress({ fraction: Math.min(0.99, elapsedMs / expected), elapsedMs });
  }, 50);
  try {
    const derived = await passphrase.expose((message) => new Promise<Buffer>((resolve, reject) => {
      const stop = (): void => reject(signal?.reason);
      signal?.addEventListener('abort', stop, { once: true });
      argon2('argon2id', {
        message, nonce: parameters.salt, parallelism: parameters.parallelism,
        memory: parameters.memoryKiB, passes: parameters.passes, tagLength: 32,
      }, (error, key) => {
        signal?.removeEventListener('abort', stop);
        // Cancelled while the job ran: nobody waits for this key any more.
        if (signal?.aborted === true) scrub.bytes(key);
        else if (error === null) resolve(key);
        else reject(error);
      });
    }));
    const key = new Uint8Array(32);
    key.set(derived);
    scrub.bytes(derived);
    const elapsedMs = performance.now() - started;
    if (parameters.memoryKiB >= 8192) msPerKiBPass = elapsedMs / (parameters.memoryKiB * parameters.passes);
    onProgress?.({ fraction: 1, elapsedMs });
    return key;
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
}
