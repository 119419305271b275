/**
 * preflight.custodySerials: chain of custody. For each item the step lists
 * (a tamper-evident bag, an HSM, a laptop), one person types the serial and
 * a witness reads it back from the item; they must agree (else the step is
 * refused: the wrong value must never be recorded as the item's). The
 * normalised serials are recorded, and compared with the ones an earlier
 * ceremony's verified bundle recorded for the same items: a different
 * serial means the item may have been swapped or opened, so the result
 * deviates and the runner records an exception naming the item.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import { compareCustodySerials, confirmReadBack, type CustodyComparison, type CustodySerial } from '../../devices/index.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { nodeCrypto } from '../../transcript/node-crypto.ts';
import type { ActionHandler } from '../runner/context.ts';
import { untilAccepted } from '../runner/inputs.ts';
import { recordRefusedInput } from '../runner/sign-stage.ts';

/** The devices module throws DEVICES_SERIAL_* for an empty or invisible-character serial; the ceremony names it as its own refusal. */
function confirmed(item: { kind: string; label: string }, typed: string, readBack: string): string {
  let check: { confirmed: boolean; value: string };
  try {
    check = confirmReadBack(typed, readBack);
  } catch (error) {
    if (error instanceof KeyriteError) throw new KeyriteError('CEREMONY_CUSTODY_SERIAL_INVALID', `${item.kind} '${item.label}': ${error.message}`);
    throw error;
  }
  if (!check.confirmed) {
    throw new KeyriteError('CEREMONY_CUSTODY_READ_BACK_MISMATCH', `${item.kind} '${item.label}': typed ${JSON.stringify(check.value)} but the witness read back ${JSON.stringify(readBack.trim())}; type it again from the item.`);
  }
  return check.value;
}

/** The serials the earlier ceremony's last custody step recorded, from its verified bundle. */
function recordedSerials(bundlePath: string): { ceremonyId: string; root: string; serials: CustodySerial[] } {
  const verified = verifyBundle(readBundle(bundlePath), nodeCrypto);
  if (verified.status !== 'verified' || verified.rootHex === undefined || verified.ceremonyId === undefined) {
    throw new KeyriteError('CEREMONY_PREVIOUS_UNVERIFIED', `The earlier ceremony's bundle does not verify (${verified.status}): ${verified.summary}`);
  }
  const recorded = verified.events.filter((e) => e.type === 'step/result' && e.payload['action'] === 'preflight.custodySerials').at(-1);
  const serials = (recorded?.payload['result'] as { serials?: CustodySerial[] } | undefined)?.serials;
  if (serials === undefined) throw new KeyriteError('CEREMONY_SERIALS_MISSING', `The earlier ceremony ${verified.ceremonyId} recorded no custody serials.`);
  return { ceremonyId: verified.ceremonyId, root: verified.rootHex, serials: serials.map((s) => ({ kind: s.kind, label: s.label, value: s.value })) };
}

export const preflightCustodySerials: ActionHandler<'preflight.custodySerials'> = async (ctx, step) => {
  // Labels are compared as serials are (case and spacing folded): "Bag A" and "bag a" are one item, listed twice.
  const seen = new Set<string>();
  for (const item of step.params.items) {
    const key = `${item.kind}/${item.label.normalize('NFC').replace(/\s+/gu, ' ').trim().toUpperCase()}`;
    if (seen.has(key)) throw new KeyriteError('CEREMONY_CUSTODY_DUPLICATE_ITEM', `The step lists ${item.kind} '${item.label}' twice.`);
    seen.add(key);
  }
  const entered: CustodySerial[] = [];
  for (const item of step.params.items) {
    // A read-back that differs is typed again (people at the screen); the wrong value is never recorded.
    const value = await untilAccepted(ctx.inputs, step, (code, message) => recordRefusedInput(ctx, step, code, message), async () => {
      const answer = await ctx.inputs.custodySerial({ step, item });
      return confirmed(item, answer.typed, answer.readBack);
    });
    entered.push({ kind: item.kind, label: item.label, value });
  }
  const earlier = await ctx.inputs.previousBundle({ step, purpose: 'custody-serials' });
  let comparison: CustodyComparison | undefined;
  let comparedWith: { ceremonyId: string; root: string } | null = null;
  if (earlier !== undefined) {
    const recorded = recordedSerials(earlier);
    // Only the items this step lists: the earlier ceremony may have sealed more bags than this one reopens.
    const relevant = recorded.serials.filter((r) => entered.some((e) => e.kind === r.kind && e.label === r.label));
    comparison = compareCustodySerials(entered, relevant);
    comparedWith = { ceremonyId: recorded.ceremonyId, root: recorded.root };
  }
  const mismatches = comparison?.mismatches ?? [];
  const result = {
    serials: entered.map((s) => ({ ...s })),
    comparedWith,
    mismatches: mismatches.map((m) => ({ ...m })),
    matched: (comparison?.matches ?? []).map((m) => ({ kind: m.kind, label: m.label })),
    notRecordedBefore: (comparison?.new ?? []).map((m) => ({ kind: m.kind, label: m.label })),
  };
  if (mismatches.length === 0) return Promise.resolve({ result, deviation: false });
  return Promise.resolve({
    result,
    deviation: true,
    exception: {
      expected: mismatches.map((m) => `${m.kind} '${m.label}' serial ${m.recorded} (recorded by ${comparedWith?.ceremonyId ?? 'the earlier ceremony'})`).join('; '),
      actual: mismatches.map((m) => `${m.kind} '${m.label}' serial ${m.entered}`).join('; '),
      items: mismatches.map((m) => ({ kind: m.kind, label: m.label, expected: m.recorded, actual: m.entered })),
    },
  });
};
