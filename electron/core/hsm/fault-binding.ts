/**
 * Fault injection for the faults SoftHSM cannot produce (FACTS.md: it never
 * locks a PIN and never reports a removed device). Wraps any binding and, at
 * the Nth call (of one function or of all of them), makes that call fail
 * with a chosen CKR_* code, hang, or run slowly. Faults are injected
 * *instead of* the call (a hang never reaches the library), except `slow`,
 * which delays and then makes the real call.
 *
 * Test and rehearsal use only; the engine never builds one by itself.
 */
import type { Pkcs11Binding, Pkcs11Function } from './binding.ts';

/** The PKCS#11 v2.40 §5.1 return values the matrix injects. */
export const INJECTABLE_CKR = {
  CKR_GENERAL_ERROR: 0x05,
  CKR_DEVICE_ERROR: 0x30,
  CKR_DEVICE_REMOVED: 0x32,
  CKR_PIN_LOCKED: 0xa4,
  CKR_SESSION_HANDLE_INVALID: 0xb3,
  CKR_TOKEN_NOT_PRESENT: 0xe0,
} as const;
export type InjectableCkr = keyof typeof INJECTABLE_CKR;

export type Fault = { kind: 'error'; ckr: InjectableCkr } | { kind: 'hang' } | { kind: 'slow'; delayMs: number };

export interface FaultPlan {
  fault: Fault;
  /** 1-based: the Nth call counted (of `only`, or of any function). */
  atCall: number;
  only?: Pkcs11Function;
}

/** Shaped like pkcs11js's Pkcs11Error, so the layer handles it the same way. */
export class InjectedPkcs11Error extends Error {
  readonly code: number;
  readonly method: string;
  constructor(ckr: InjectableCkr, method: string) {
    super(`${ckr}:${INJECTABLE_CKR[ckr]}`);
    this.name = 'Pkcs11Error';
    this.code = INJECTABLE_CKR[ckr];
    this.method = method;
  }
}

export interface FaultyBinding extends Pkcs11Binding {
  /** Arms one fault; counting starts again from zero. */
  arm(plan: FaultPlan): void;
  disarm(): void;
  /** Calls counted since the last arm/reset (of `only`, or all). */
  readonly calls: number;
  /** Names of every call made since the last reset, in order. */
  readonly trace: readonly Pkcs11Function[];
  resetTrace(): void;
  /** True once the armed fault has fired. */
  readonly fired: boolean;
}

export function faultyBinding(inner: Pkcs11Binding): FaultyBinding {
  let plan: FaultPlan | null = null;
  let count = 0;
  let fired = false;
  let trace: Pkcs11Function[] = [];
  const intercept = (name: Pkcs11Function, real: () => Promise<unknown>): Promise<unknown> => {
    trace.push(name);
    if (plan === null || fired) return real();
    if (plan.only !== undefined && plan.only !== name) return real();
    count += 1;
    if (count !== plan.atCall) return real();
    fired = true;
    const fault = plan.fault;
    switch (fault.kind) {
      case 'error':
        return Promise.reject(new InjectedPkcs11Error(fault.ckr, name));
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'slow':
        return new Promise((resolve) => setTimeout(resolve, fault.delayMs)).then(real);
    }
  };
  const wrapped = {} as Record<Pkcs11Function, (...args: never[]) => Promise<unknown>>;
  for (const name of Object.keys(inner) as Pkcs11Function[]) {
    const fn = inner[name] as unknown;
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: never[]) => intercept(name, () => (fn as (...a: never[]) => Promise<unknown>).apply(inner, args));
  }
  // defineProperties, not Object.assign: assign would copy the getters' values once.
  return Object.defineProperties(wrapped as unknown as FaultyBinding, {
    arm: { value: (next: FaultPlan) => { plan = next; count = 0; fired = false; } },
    disarm: { value: () => { plan = null; } },
    resetTrace: { value: () => { trace = []; } },
    calls: { get: () => count },
    trace: { get: () => trace },
    fired: { get: () => fired },
  });
}
