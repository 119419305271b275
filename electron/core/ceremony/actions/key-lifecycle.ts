/**
 * Shared by key.deprecate, key.scheduleDestruction and key.destroy: days as
 * milliseconds, and the earlier lifecycle step a step waits on.
 */
import type { PublicValue, Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { human } from '../../hsm/index.ts';
import type { KeyLifecycleRecord, RunContext } from '../runner/context.ts';

const DAY_MS = 86_400_000;

/** `from` plus whole days (UTC: a day is 86,400 s here; the schedule is about elapsed time, not calendar days). */
export const plusDays = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

/** The record an earlier step of this run left for `key`, of the kind this step needs. */
export function lifecycleOf<K extends KeyLifecycleRecord['kind']>(ctx: RunContext, step: Step, earlier: string, kind: K, key: string): Extract<KeyLifecycleRecord, { kind: K }> {
  const record = ctx.keyLifecycle.get(earlier);
  if (record?.kind !== kind || record.key !== key) {
    const what = kind === 'deprecated' ? 'deprecated' : 'scheduled the destruction of';
    throw new KeyriteError('CEREMONY_LIFECYCLE_MISSING', `Step '${step.id}' needs step '${earlier}' to have ${what} key '${key}' earlier in this ceremony.`);
  }
  return record as Extract<KeyLifecycleRecord, { kind: K }>;
}

/** A hex fingerprint as words to read aloud; `kcv:<hex>` (an AES key's check value) too. */
export const fingerprintWords = (fingerprint: string): string[] => human(Buffer.from(fingerprint.replace(/^kcv:/, ''), 'hex')).words;

/**
 * A resumed run: what a completed key.deprecate or key.scheduleDestruction
 * decided, taken back from its recorded result, so the steps that wait on
 * it can run after the crash (or after the weeks a production destruction
 * waits). Other steps are ignored.
 */
export function restoreKeyLifecycle(ctx: RunContext, step: Step, result: PublicValue): void {
  if (step.action !== 'key.deprecate' && step.action !== 'key.scheduleDestruction') return;
  const r = (result ?? {}) as { readonly [key: string]: PublicValue };
  const date = (name: string): Date => {
    const at = new Date(String(r[name]));
    if (Number.isNaN(at.getTime())) throw new KeyriteError('CEREMONY_RESULT_INVALID', `Step '${step.id}' recorded no valid ${name}.`);
    return at;
  };
  const { key, hsm } = step.params;
  const fingerprint = String(r['fingerprint']);
  if (step.action === 'key.deprecate') ctx.keyLifecycle.set(step.id, { kind: 'deprecated', key, hsm, fingerprint, deprecatedAt: date('deprecatedAt'), graceEndsAt: date('graceEndsAt') });
  else ctx.keyLifecycle.set(step.id, { kind: 'scheduled', key, hsm, fingerprint, scheduledAt: date('scheduledAt'), notBefore: date('notBefore') });
}
