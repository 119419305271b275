/** Finding a key the ceremony named, by label or CKA_ID, as its private/secret and public halves. */
import { KeyriteError } from '../../../shared/result.ts';
import type { Handle } from './binding.ts';
import type { Operation } from './hsm-session.ts';
import { describeObject, findObjects, type ObjectDescription } from './key-objects.ts';

export type KeyRef = { label: string } | { id: string };

export interface FoundKey {
  id: string;
  label: string;
  objects: { handle: Handle; description: ObjectDescription }[];
  secret: { handle: Handle; description: ObjectDescription } | undefined;
  public: { handle: Handle; description: ObjectDescription } | undefined;
}

export async function findKey(op: Operation, ref: KeyRef, tokenLabel: string): Promise<FoundKey> {
  const handles = 'label' in ref ? await findObjects(op, { label: ref.label }) : await findObjects(op, { id: Buffer.from(ref.id, 'hex') });
  const named = 'label' in ref ? `labelled '${ref.label}'` : `with id ${ref.id}`;
  if (handles.length === 0) throw new KeyriteError('HSM_KEY_NOT_FOUND', `Token '${tokenLabel}' has no key ${named}.`);
  const objects = [];
  for (const handle of handles) objects.push({ handle, description: await describeObject(op, handle) });
  const ids = new Set(objects.map((o) => o.description.id));
  if (ids.size !== 1 || objects.length > 2) throw new KeyriteError('HSM_KEY_AMBIGUOUS', `More than one key on token '${tokenLabel}' is ${named}.`);
  const first = objects[0] as (typeof objects)[number];
  return {
    id: first.description.id,
    label: first.description.label,
    objects,
    secret: objects.find((o) => o.description.class === 'secret-key' || o.description.class === 'private-key'),
    public: objects.find((o) => o.description.class === 'public-key'),
  };
}
