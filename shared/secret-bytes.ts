/**
 * SecretBytes: the only shape a secret (PIN, passphrase, share, key) takes
 * inside Keyrite. It owns a private copy of the bytes, can be wiped, and
 * refuses every way a value usually leaks: JSON, string conversion,
 * template literals, console inspection and structured cloning by
 * enumeration (the bytes live in a private field, which structured clone
 * does not copy, and the IPC router refuses any SecretBytes it meets).
 *
 * Lives in shared/ so that the router, the engine and the verifier can all
 * recognise one; only the engine ever creates one.
 */
export class SecretLeakError extends Error {
  readonly code = 'SECRET_LEAK';
  constructor(how: string) {
    super(`A secret value was about to leave the engine (${how}); refused.`);
    this.name = 'SecretLeakError';
  }
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class SecretBytes {
  #bytes: Uint8Array;
  #wiped = false;

  /** Takes ownership of `bytes`: the caller's array is wiped after copying. */
  static adopt(bytes: Uint8Array): SecretBytes {
    const secret = new SecretBytes(bytes);
    bytes.fill(0);
    return secret;
  }

  /** Copies `bytes` into a fresh, unpooled buffer owned by this object. */
  constructor(bytes: Uint8Array) {
    this.#bytes = new Uint8Array(bytes.length);
    this.#bytes.set(bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  /**
   * Lends the bytes to `use`. The view must not outlive the call: callers
   * that need the bytes later make their own SecretBytes.
   */
  expose<T>(use: (bytes: Uint8Array) => T): T {
    if (this.#wiped) throw new Error('SecretBytes used after it was wiped');
    return use(this.#bytes);
  }

  /** Overwrites the bytes with zeros. Idempotent. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  toJSON(): never {
    throw new SecretLeakError('JSON serialisation');
  }

  toString(): never {
    throw new SecretLeakError('string conversion');
  }

  [Symbol.toPrimitive](): never {
    throw new SecretLeakError('primitive conversion');
  }

  [inspectSymbol](): string {
    return `SecretBytes(${this.#bytes.length} bytes, redacted)`;
  }
}

export function isSecretBytes(value: unknown): value is SecretBytes {
  return value instanceof SecretBytes;
}

/** Runs `use` and wipes every secret afterwards, on success and on error. */
export async function withSecrets<T>(secrets: readonly SecretBytes[], use: () => Promise<T> | T): Promise<T> {
  try {
    return await use();
  } finally {
    for (const secret of secrets) secret.wipe();
  }
}
