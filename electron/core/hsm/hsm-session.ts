/**
 * The one owner of a PKCS#11 session. Every operation runs through
 * `session.run(doing, body)`, which
 *  - serialises operations on the session (PKCS#11 sessions are not re-entrant),
 *  - races each library call against a timeout (a hung HSM becomes HSM_TIMEOUT),
 *  - maps every CKR_* to a typed HsmError naming the token,
 *  - on failure, undoes what the operation created (no orphan objects), and
 *  - closes the session when it can no longer be trusted (device removed,
 *    handle invalid, timeout...), so no session or login leaks on any path.
 */
import { KeyriteError } from '../../../shared/result.ts';
import type { SecretBytes } from '../../../shared/secret-bytes.ts';
import { completedAlready, type Handle, type Pkcs11Binding, type UserKind } from './binding.ts';
import { HsmError, ckrOf, hsmErrorFrom, timeoutError, type TokenContext } from './hsm-error.ts';
import type { PinGuard } from './pin-guard.ts';

export interface SessionTimeouts {
  /** Any call (default 30 s). */
  callMs: number;
  /** Key generation and unwrapping (default 10 min: RSA-4096 on a slow HSM). */
  generateMs: number;
}

export interface Operation {
  /** One library call, timed out after `timeoutMs` (default: the session's callMs). */
  call<T>(doing: string, fn: (binding: Pkcs11Binding, session: Handle) => Promise<T>, timeoutMs?: number): Promise<T>;
  /** Registers an undo to run if the operation fails after this point (newest first). */
  onFailure(what: string, undo: (binding: Pkcs11Binding, session: Handle) => Promise<void>): void;
  readonly timeouts: SessionTimeouts;
}

export class HsmSession {
  readonly token: TokenContext;
  readonly readWrite: boolean;
  #binding: Pkcs11Binding;
  #handle: Handle;
  #pins: PinGuard;
  #timeouts: SessionTimeouts;
  #onClosed: (session: HsmSession) => void;
  #loggedInAs: UserKind | null = null;
  #lost: HsmError | null = null;
  #closed = false;
  #tail: Promise<unknown> = Promise.resolve();
  #running = 0;

  constructor(init: {
    token: TokenContext; readWrite: boolean; binding: Pkcs11Binding; handle: Handle;
    pins: PinGuard; timeouts: SessionTimeouts; onClosed: (session: HsmSession) => void;
  }) {
    this.token = init.token;
    this.readWrite = init.readWrite;
    this.#binding = init.binding;
    this.#handle = init.handle;
    this.#pins = init.pins;
    this.#timeouts = init.timeouts;
    this.#onClosed = init.onClosed;
  }

  get loggedInAs(): UserKind | null {
    return this.#loggedInAs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Logs in as user or security officer. The PIN is wiped when this returns,
   * on every path. Wrong PINs count towards the app's own lockout (PinGuard).
   */
  async login(kind: UserKind, pin: SecretBytes): Promise<void> {
    try {
      this.#pins.assertMayTry(this.token, kind);
      await this.run(`logging in as ${kind === 'so' ? 'security officer' : 'user'}`, async (op) => {
        try {
          await op.call('logging in', (b, s) => b.C_Login(s, kind, pin));
        } catch (error) {
          if (error instanceof HsmError && error.ckr === 'CKR_PIN_INCORRECT') throw this.#pins.recordWrong(this.token, kind);
          throw error;
        }
      });
      this.#pins.recordSuccess(this.token, kind);
      this.#loggedInAs = kind;
    } finally {
      pin.wipe();
    }
  }

  async logout(): Promise<void> {
    if (this.#loggedInAs === null) return;
    await this.run('logging out', (op) => op.call('logging out', (b, s) => b.C_Logout(s)));
    this.#loggedInAs = null;
  }

  /** Runs one operation with the guarantees listed at the top of this file. */
  run<T>(doing: string, body: (op: Operation) => Promise<T>): Promise<T> {
    // Start at once when idle (the common case, and the signing hot path); queue otherwise.
    const result = this.#running === 0 ? this.#runNow(doing, body) : this.#tail.then(() => this.#runNow(doing, body));
    this.#running += 1;
    const finished = (): void => { this.#running -= 1; };
    const done = result.then(finished, finished);
    this.#tail = done;
    return result;
  }

  async #runNow<T>(doing: string, body: (op: Operation) => Promise<T>): Promise<T> {
    if (this.#closed) throw new HsmError('HSM_SESSION_CLOSED', `The connection to token '${this.token.label}' is closed; open a new one to continue.`);
    const undos: { what: string; undo: (b: Pkcs11Binding, s: Handle) => Promise<void> }[] = [];
    const op: Operation = {
      timeouts: this.#timeouts,
      call: (what, fn, timeoutMs) => {
        if (this.#lost !== null) return Promise.reject(this.#lost);
        return this.#call(what, fn, timeoutMs ?? this.#timeouts.callMs);
      },
      onFailure: (what, undo) => undos.push({ what, undo }),
    };
    try {
      return await body(op);
    } catch (error) {
      const failure = error instanceof KeyriteError ? error : hsmErrorFrom(error, doing, this.token);
      const leftBehind: string[] = [];
      for (const { what, undo } of undos.reverse()) {
        // Undo even on a lost session: the handle may still be valid (a fault
        // that is not what it claims), and one retry covers a transient fault.
        if (!(await this.#attempt(() => undo(this.#binding, this.#handle)))) {
          if (!(await this.#attempt(() => undo(this.#binding, this.#handle)))) leftBehind.push(what);
        }
      }
      if (leftBehind.length > 0) {
        throw new HsmError('HSM_ORPHAN_LEFT', `${failure.message} Keyrite could not remove what it had started to create on token '${this.token.label}': ${leftBehind.join('; ')}. Record an exception and check the token's inventory.`, { cause: failure });
      }
      throw failure;
    } finally {
      if (this.#lost !== null) await this.close();
    }
  }

  async #call<T>(doing: string, fn: (binding: Pkcs11Binding, session: Handle) => Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const call = fn(this.#binding, this.#handle);
      if (completedAlready(call)) return await call;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(doing, timeoutMs, this.token)), timeoutMs);
      });
      return await Promise.race([call, timeout]);
    } catch (error) {
      const mapped = error instanceof HsmError ? error : hsmErrorFrom(error, doing, this.token);
      if (mapped instanceof HsmError && mapped.sessionLost) this.#lost = mapped;
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  async #attempt(fn: () => Promise<void>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([fn(), new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), this.#timeouts.callMs); })]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Logs out (if logged in) and closes the session; idempotent, never throws.
   * A close that fails is retried once; if the device is gone, so is the session.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#loggedInAs !== null && this.#lost === null) await this.#attempt(() => this.#binding.C_Logout(this.#handle));
      this.#loggedInAs = null;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        let gone = false;
        const closedOk = await this.#attempt(() =>
          this.#binding.C_CloseSession(this.#handle).catch((error: unknown) => {
            const ckr = ckrOf(error);
            // Already closed, or the device took it with it: nothing to release.
            if (ckr === 'CKR_SESSION_HANDLE_INVALID' || ckr === 'CKR_SESSION_CLOSED' || ckr === 'CKR_DEVICE_REMOVED' || ckr === 'CKR_TOKEN_NOT_PRESENT') gone = attempt > 0;
            if (!gone) throw error;
          }),
        );
        if (closedOk) break;
      }
    } finally {
      this.#onClosed(this);
    }
  }
}
