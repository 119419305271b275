/** Finding a key the ceremony named, by label or CKA_ID, as its private/secret and public halves. */
import { KeyriteError } from '../../../shared/result.ts';
import type { Handle } from './binding.ts';
import type { Operation } from './hsm-session.ts';
import { describeObject, findObjects, type ObjectDescription } from './key-objects.ts';
import { parsePkcs11Uri } from './pkcs11-uri.ts';

/** A key named by label, by CKA_ID (hex), or by an RFC 7512 URI with `object=` and/or `id=`. */
export type KeyRef = { label: string } | { id: string } | { uri: string };

function resolve(ref: KeyRef): { label?: string; id?: Uint8Array; named: string } {
  if ('label' in ref) return { label: ref.label, named: `labelled '${ref.label}'` };
  if ('id' in ref) return { id: Buffer.from(ref.id, 'hex'), named: `with id ${ref.id}` };
  const uri = parsePkcs11Uri(ref.uri);
  if (uri.path.object === undefined && uri.id === undefined) throw new KeyriteError('HSM_URI_INVALID', 'That PKCS#11 URI names no key (give object= or id=).');
  const out: { label?: string; id?: Uint8Array; named: string } = { named: `named ${ref.uri}` };
  if (uri.path.object !== undefined) out.label = uri.path.object;
  if (uri.id !== undefined) out.id = uri.id;
  return out;
}

export interface FoundKey {
  id: string;
  label: string;
  objects: { handle: Handle; description: ObjectDescription }[];
  secret: { handle: Handle; description: ObjectDescription } | undefined;
  public: { handle: Handle; description: ObjectDescription } | undefined;
}

export async function findKey(op: Operation, ref: KeyRef, tokenLabel: string): Promise<FoundKey> {
  const { named, ...what } = resolve(ref);
  const handles = await findObjects(op, what);
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
