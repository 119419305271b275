/**
 * HSM inventory: every object on a token with its security attributes (never
 * a value), a diff of two snapshots (ceremony steps 2 and 7 in DESIGN.md),
 * and policy checks over one snapshot.
 */
import type { HsmSession } from './hsm-session.ts';
import { describeObject, findObjects, type ObjectDescription } from './key-objects.ts';

export interface Inventory {
  token: { label: string; serial: string };
  takenAt: string;
  /** Who was logged in: private objects are only visible to a logged-in user. */
  view: 'public' | 'user' | 'so';
  objects: ObjectDescription[];
}

const keyOf = (o: ObjectDescription): string => `${o.class}/${o.id}/${o.label}`;

export async function takeInventory(session: HsmSession, now: () => Date = () => new Date()): Promise<Inventory> {
  return session.run('taking the token inventory', async (op) => {
    const objects: ObjectDescription[] = [];
    for (const handle of await findObjects(op, {})) objects.push(await describeObject(op, handle));
    objects.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    return { token: { ...session.token }, takenAt: now().toISOString(), view: session.loggedInAs ?? 'public', objects };
  });
}

export interface InventoryDiff {
  added: ObjectDescription[];
  removed: ObjectDescription[];
  changed: { before: ObjectDescription; after: ObjectDescription; fields: (keyof ObjectDescription)[] }[];
}

export function diffInventories(before: Inventory, after: Inventory): InventoryDiff {
  const was = new Map(before.objects.map((o) => [keyOf(o), o]));
  const now = new Map(after.objects.map((o) => [keyOf(o), o]));
  const changed: InventoryDiff['changed'] = [];
  for (const [k, a] of now) {
    const b = was.get(k);
    if (b === undefined) continue;
    const fields = (Object.keys(a) as (keyof ObjectDescription)[]).filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
    if (fields.length > 0) changed.push({ before: b, after: a, fields });
  }
  return {
    added: [...now].filter(([k]) => !was.has(k)).map(([, o]) => o),
    removed: [...was].filter(([k]) => !now.has(k)).map(([, o]) => o),
    changed,
  };
}

export type InventoryRule =
  | { rule: 'no-extractable-secrets' }
  | { rule: 'all-secrets-sensitive' }
  | { rule: 'only-labels'; labels: readonly string[] }
  | { rule: 'no-session-objects' };

export interface PolicyViolation {
  rule: InventoryRule['rule'];
  object: Pick<ObjectDescription, 'class' | 'id' | 'label'>;
  why: string;
}

const isSecret = (o: ObjectDescription): boolean => o.class === 'secret-key' || o.class === 'private-key';

export function checkPolicy(inventory: Inventory, rules: readonly InventoryRule[]): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const o of inventory.objects) {
    const object = { class: o.class, id: o.id, label: o.label };
    for (const r of rules) {
      if (r.rule === 'no-extractable-secrets' && isSecret(o) && o.extractable !== false) out.push({ rule: r.rule, object, why: `${o.class} '${o.label}' can be extracted` });
      if (r.rule === 'all-secrets-sensitive' && isSecret(o) && o.sensitive !== true) out.push({ rule: r.rule, object, why: `${o.class} '${o.label}' is not sensitive` });
      if (r.rule === 'only-labels' && !r.labels.includes(o.label)) out.push({ rule: r.rule, object, why: `'${o.label}' is not an expected label` });
      if (r.rule === 'no-session-objects' && !o.token) out.push({ rule: r.rule, object, why: `'${o.label}' is a session object` });
    }
  }
  return out;
}
