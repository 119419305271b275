/** inventory.snapshot: every object on an HSM as the logged-in user sees it, kept for a later inventory.diff. */
import { takeInventory } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { inventoryDigest, objectsAsPublic } from './inventory-record.ts';

export const inventorySnapshot: ActionHandler<'inventory.snapshot'> = async (ctx, step) => {
  const inventory = await takeInventory(await sessionFor(ctx, step.params.hsm), ctx.now);
  ctx.inventories.set(`${step.id}/${step.params.hsm}`, inventory);
  return { result: { objectCount: inventory.objects.length, view: inventory.view, objects: objectsAsPublic(inventory), ...inventoryDigest(inventory) } };
};
