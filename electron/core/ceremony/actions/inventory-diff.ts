/**
 * inventory.diff: the HSM now against an earlier snapshot, and the script's
 * rules checked over the current objects. `only-script-labels` allows the
 * labels of the script's keys. A violation is a deviation: the step's
 * onException decides whether the ceremony may continue.
 */
import { KeyriteError } from '../../../../shared/result.ts';
import { checkPolicy, diffInventories, takeInventory, type InventoryRule } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';

const brief = (o: { class: string; id: string; label: string }) => ({ class: o.class, id: o.id, label: o.label });

export const inventoryDiff: ActionHandler<'inventory.diff'> = async (ctx, step) => {
  const { hsm, before, rules } = step.params;
  const earlier = ctx.inventories.get(`${before}/${hsm}`);
  if (earlier === undefined) throw new KeyriteError('CEREMONY_SNAPSHOT_MISSING', `Step '${before}' took no snapshot of HSM '${hsm}' in this run.`);
  const now = await takeInventory(await sessionFor(ctx, hsm), ctx.now);
  ctx.inventories.set(`${step.id}/${hsm}`, now);
  const diff = diffInventories(earlier, now);
  const labels = ctx.script.keys.map((k) => k.label);
  const policy: InventoryRule[] = rules.map((rule) => (rule === 'only-script-labels' ? { rule: 'only-labels', labels } : { rule }));
  const violations = checkPolicy(now, policy).map((v) => ({ rule: v.rule, object: brief(v.object), why: v.why }));
  return {
    result: {
      added: diff.added.map(brief), removed: diff.removed.map(brief),
      changed: diff.changed.map((c) => ({ object: brief(c.after), fields: [...c.fields] })),
      violations, view: now.view, objectCount: now.objects.length,
    },
    deviation: violations.length > 0,
  };
};
