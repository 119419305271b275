/**
 * Errors cross the trust boundary as data, never as thrown exceptions
 * (Signal's sql channel does the same): every command answers with a Result.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: WireError };

export interface WireError {
  /** Stable, machine-readable: `BOUNDARY_*` for the IPC layer, `HSM_*`, `SHARE_*`... for the engine. */
  code: string;
  /** A sentence a custodian understands. Never contains a secret. */
  message: string;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: string, message: string): Result<never> => ({ ok: false, error: { code, message } });

/**
 * An error the engine raises on purpose: its code and message are safe to
 * show. Anything else thrown in a handler becomes a generic INTERNAL error
 * whose message is not forwarded (it could carry a path or a value).
 */
export class KeyriteError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyriteError';
    this.code = code;
  }
}
