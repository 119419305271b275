/**
 * preflight.inventory: USB devices, removable media and each listed HSM's
 * objects before anything changes. The HSM view is public (nobody has
 * logged in yet); each snapshot is kept for a later inventory.diff.
 */
import type { PublicValue } from '../../../../shared/ceremony/index.ts';
import { takeInventory } from '../../hsm/index.ts';
import { sessionFor, type ActionHandler } from '../runner/context.ts';
import { devicesOf } from './preflight-air-gap.ts';
import { inventoryDigest, objectsAsPublic } from './inventory-record.ts';

export const preflightInventory: ActionHandler<'preflight.inventory'> = async (ctx, step) => {
  const devices = await devicesOf(ctx);
  const hsmObjects: Record<string, PublicValue> = {};
  const digests: Record<string, string> = {};
  for (const hsm of step.params.hsms) {
    const inventory = await takeInventory(await sessionFor(ctx, hsm), ctx.now);
    ctx.inventories.set(`${step.id}/${hsm}`, inventory);
    hsmObjects[hsm] = { token: { ...inventory.token }, view: inventory.view, objects: objectsAsPublic(inventory) };
    digests[hsm] = inventoryDigest(inventory).snapshotSha256;
  }
  const usb = devices.usb;
  return {
    result: {
      usbDevices: usb.available ? usb.devices.map((d) => ({ id: d.id, busPath: d.busPath })) : { unavailable: usb.reason },
      removableMedia: devices.media.ok ? devices.media.media.map((m) => ({ label: m.label, device: m.device, mountPoint: m.mountPoint })) : { unavailable: devices.media.error.message },
      hsmObjects,
      snapshotSha256: digests,
    },
  };
};
