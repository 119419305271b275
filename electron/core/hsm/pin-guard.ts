/**
 * Keyrite's own PIN lockout. SoftHSM never locks a PIN (FACTS.md: 25 wrong
 * PINs, then the right one works) and real HSMs differ in how many tries
 * they allow, so the app stops asking after `maxAttempts` consecutive wrong
 * PINs per token and role, before a real HSM would zeroise or lock.
 *
 * WARNING: the count lives in memory; the engine should record each wrong
 * PIN in the transcript so a restart cannot be used to reset it silently.
 */
import { KeyriteError } from '../../../shared/result.ts';
import type { UserKind } from './binding.ts';
import { describeToken, type TokenContext } from './hsm-error.ts';

export const DEFAULT_PIN_ATTEMPTS = 5;

export class PinGuard {
  readonly maxAttempts: number;
  #wrong = new Map<string, number>();

  constructor(maxAttempts = DEFAULT_PIN_ATTEMPTS) {
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
    this.maxAttempts = maxAttempts;
  }

  wrongAttempts(serial: string, kind: UserKind): number {
    return this.#wrong.get(`${serial}/${kind}`) ?? 0;
  }

  /** Throws HSM_PIN_ATTEMPTS_EXHAUSTED before a PIN is even sent once the limit is reached. */
  assertMayTry(token: TokenContext, kind: UserKind): void {
    if (this.wrongAttempts(token.serial, kind) >= this.maxAttempts) {
      throw new KeyriteError(
        'HSM_PIN_ATTEMPTS_EXHAUSTED',
        `Keyrite has stopped accepting ${role(kind)} PINs for ${describeToken(token)} after ${this.maxAttempts} wrong attempts. ` +
          'Record an exception; the ceremony administrator must reset the count before anyone tries again.',
      );
    }
  }

  /** Counts a wrong PIN and returns the message a custodian sees. */
  recordWrong(token: TokenContext, kind: UserKind): KeyriteError {
    const attempt = this.wrongAttempts(token.serial, kind) + 1;
    this.#wrong.set(`${token.serial}/${kind}`, attempt);
    const left = this.maxAttempts - attempt;
    return new KeyriteError(
      'HSM_PIN_INCORRECT',
      `Wrong ${role(kind)} PIN for ${describeToken(token)}, attempt ${attempt} of ${this.maxAttempts}.` +
        (left === 0 ? ' No attempts are left.' : ''),
    );
  }

  recordSuccess(token: TokenContext, kind: UserKind): void {
    this.#wrong.delete(`${token.serial}/${kind}`);
  }

  /** The administrator's reset, after an exception has been recorded. */
  reset(serial: string, kind: UserKind): void {
    this.#wrong.delete(`${serial}/${kind}`);
  }
}

const role = (kind: UserKind): string => (kind === 'so' ? 'security-officer' : 'user');
