/**
 * The one door into the engine. Every call, from Electron's ipcMain or from
 * the test-only bridge, goes through `route`: sender check, size cap,
 * unknown-command refusal, request schema, handler, response schema, and a
 * last check that no secret is in the answer. It never throws: every
 * failure becomes `{ok: false, error}` and the process keeps running.
 */
import type { z } from 'zod';
import {
  commands,
  isCommandName,
  MAX_REQUEST_BYTES,
  type CommandName,
  type ResponseOf,
} from '../../shared/contract.ts';
import { KeyriteError, fail, ok, type Result } from '../../shared/result.ts';
import { SecretLeakError, isSecretBytes } from '../../shared/secret-bytes.ts';
import { judgeSender, type SenderInfo, type SenderPolicy } from './sender-policy.ts';

export type CommandHandlers = {
  [N in CommandName]: (request: z.output<(typeof commands)[N]['request']>) => Promise<ResponseOf<N>> | ResponseOf<N>;
};

export interface Refusal {
  command: string;
  code: string;
  reason: string;
}

export interface RouterOptions {
  handlers: CommandHandlers;
  policy: SenderPolicy;
  /** Told about every refused call, for the audit log. Must not throw. */
  onRefused?: (refusal: Refusal) => void;
  /** Told about handler failures that are not KeyriteErrors (bugs). */
  onInternalError?: (command: CommandName, error: unknown) => void;
}

export interface Router {
  route(sender: SenderInfo, command: unknown, payload: unknown): Promise<Result<unknown>>;
}

export function createRouter(options: RouterOptions): Router {
  // The hooks report; they must never turn an answer into a rejection (a
  // console.error on a closed stderr throws EPIPE).
  const report = (hook: () => void): void => {
    try {
      hook();
    } catch {
      // nothing more can be done about a failing report
    }
  };
  const refuse = (command: string, code: string, reason: string): Result<never> => {
    report(() => options.onRefused?.({ command, code, reason }));
    return fail(code, reason);
  };

  return {
    async route(sender, command, payload) {
      try {
        return await routeOnce(sender, command, payload);
      } finally {
        // Secret inputs (SecretInput bytes) travel one way and live no longer than the call: whatever a handler did not adopt, and every byte of a refused request, is zeroed here.
        wipeBytes(payload);
      }
    },
  };

  async function routeOnce(sender: SenderInfo, command: unknown, payload: unknown): Promise<Result<unknown>> {
    const label = typeof command === 'string' ? command.slice(0, 80) : typeof command;
    const verdict = judgeSender(sender, options.policy);
    if (!verdict.trusted) return refuse(label, 'BOUNDARY_UNTRUSTED_SENDER', `Refused: ${verdict.reason}.`);
    if (!isCommandName(command)) return refuse(label, 'BOUNDARY_UNKNOWN_COMMAND', `Refused: there is no command "${label}".`);

    const size = measure(payload);
    if (size === null) return refuse(command, 'BOUNDARY_INVALID_REQUEST', `Refused: the request to ${command} is not plain data.`);
    if (size > MAX_REQUEST_BYTES) {
      return refuse(command, 'BOUNDARY_PAYLOAD_TOO_LARGE', `Refused: the request to ${command} is ${size} bytes; the limit is ${MAX_REQUEST_BYTES}.`);
    }

    const spec = commands[command];
    const parsed = spec.request.safeParse(payload);
    if (!parsed.success) {
      return refuse(command, 'BOUNDARY_INVALID_REQUEST', `Refused: the request to ${command} is malformed (${describeIssues(parsed.error)}).`);
    }

    let value: unknown;
    try {
      const handler = options.handlers[command] as (request: unknown) => unknown;
      value = await handler(parsed.data);
    } catch (error) {
      if (error instanceof KeyriteError) return fail(error.code, error.message);
      if (error instanceof SecretLeakError) return fail(error.code, error.message);
      report(() => options.onInternalError?.(command, error));
      return fail('INTERNAL', `${command} failed unexpectedly; the details are in the log.`);
    }

    const leak = findSecret(value);
    if (leak !== null) return fail('SECRET_LEAK', `Refused to answer ${command}: the answer held a secret at ${leak}.`);
    const checked = spec.response.safeParse(value);
    if (!checked.success) {
      report(() => options.onInternalError?.(command, checked.error));
      return fail('BOUNDARY_INVALID_RESPONSE', `${command} produced an answer outside the contract; it was not sent.`);
    }
    return ok(checked.data);
  }
}

/** Zeroes every byte array inside a request payload (plain data: objects and arrays). */
export function wipeBytes(value: unknown, seen = new Set<object>()): void {
  if (value instanceof Uint8Array) {
    value.fill(0);
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  for (const child of Object.values(value)) wipeBytes(child, seen);
}

/**
 * Byte size of a payload as JSON, or null when it is not plain data
 * (cycles, functions, BigInt). Structured clone lets cycles through, so
 * this is a real check, not a formality.
 */
function measure(payload: unknown): number | null {
  try {
    const text = JSON.stringify(payload ?? null);
    return new TextEncoder().encode(text).length;
  } catch {
    return null;
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Path of the first SecretBytes inside `value`, or null. */
export function findSecret(value: unknown, path = '$', seen = new Set<object>()): string | null {
  if (isSecretBytes(value)) return path;
  if (typeof value !== 'object' || value === null) return null;
  if (seen.has(value)) return null;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecret(item, `${path}[${index}]`, seen);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findSecret(item, `${path}.${key}`, seen);
    if (found !== null) return found;
  }
  return null;
}
