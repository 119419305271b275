/**
 * Public records of an HSM inventory: the objects' security attributes (never
 * a value) and a SHA-256 over their canonical JSON, read aloud as words.
 */
import { canonicalSha256 } from '../../../../shared/ceremony/index.ts';
import type { PublicValue } from '../../../../shared/ceremony/index.ts';
import { human, type Inventory } from '../../hsm/index.ts';

export function inventoryDigest(inventory: Inventory): { snapshotSha256: string; snapshotWords: string[] } {
  const digest = human(canonicalSha256({ token: inventory.token, view: inventory.view, objects: inventory.objects }));
  return { snapshotSha256: digest.hex, snapshotWords: digest.words };
}

export const objectsAsPublic = (inventory: Inventory): PublicValue => inventory.objects.map((o) => ({ ...o, usages: [...o.usages] }));
