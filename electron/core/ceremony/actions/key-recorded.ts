/**
 * The key a destruction ceremony is about: the one an earlier ceremony
 * generated, as that ceremony's verified evidence bundle recorded it
 * (`key/created`: label, fingerprint or check value, token). Nothing is
 * taken from the answers file but the bundle's place; the bundle must
 * verify before anything is read from it.
 *
 * On the token the key is found by its label from the script's key spec
 * AND must be the recorded key: same token (label and serial) and same
 * fingerprint (key pairs: SHA-256 of the SPKI) or check value (AES keys).
 * A key swapped in under the same label is refused, never deprecated or
 * destroyed in the recorded key's name.
 */
import type { KeySpec, Step } from '../../../../shared/ceremony/index.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { verifyBundle } from '../../../../shared/transcript/bundle.ts';
import type { HsmSession } from '../../hsm/index.ts';
import { inspectKey, type KeyDescription } from '../../hsm/key-destruction.ts';
import { readBundle } from '../../transcript/bundle-export.ts';
import { nodeCrypto } from '../../transcript/node-crypto.ts';
import { sessionFor, type RunContext } from '../runner/context.ts';
import { keySpecOf } from './hsm-generate-key.ts';

export interface RecordedKey {
  /** The earlier ceremony (its transcript's ceremony id and tree root). */
  ceremonyId: string;
  root: string;
  label: string;
  algorithm: string;
  /** What `key/created` recorded: the SPKI fingerprint (hex) of a key pair, `kcv:<hex>` of an AES key. */
  fingerprint: string;
  /** `<token label> (<serial>)` the key was generated on, when recorded. */
  token: string | undefined;
}

const cache = new WeakMap<RunContext, Map<string, RecordedKey>>();

/** The earlier ceremony's record of the key labelled `spec.label` (verified once per run, recorded as `previous/verified`). */
export async function recordedKey(ctx: RunContext, step: Step, spec: KeySpec): Promise<RecordedKey> {
  const known = cache.get(ctx)?.get(spec.label);
  if (known !== undefined) return known;
  const bundle = await ctx.inputs.previousBundle({ step, purpose: 'key' });
  if (bundle === undefined) throw new KeyriteError('CEREMONY_ANSWER_MISSING', `Step '${step.id}' needs the evidence bundle of the ceremony that generated '${spec.label}' (previous.bundle in an answers file).`);
  const verified = verifyBundle(readBundle(bundle), nodeCrypto);
  if (verified.status !== 'verified' || verified.rootHex === undefined || verified.ceremonyId === undefined) {
    throw new KeyriteError('CEREMONY_PREVIOUS_UNVERIFIED', `The earlier ceremony's bundle does not verify (${verified.status}): ${verified.summary}. Nothing is taken from it; no key was touched.`);
  }
  const created = verified.events.filter((e) => e.type === 'key/created' && e.payload['label'] === spec.label).at(-1);
  if (created === undefined) throw new KeyriteError('CEREMONY_KEY_NOT_RECORDED', `The earlier ceremony ${verified.ceremonyId} generated no key labelled '${spec.label}'.`);
  const token = created.payload['token'];
  const key: RecordedKey = {
    ceremonyId: verified.ceremonyId, root: verified.rootHex, label: spec.label,
    algorithm: String(created.payload['algorithm']), fingerprint: String(created.payload['fingerprint']), token: typeof token === 'string' ? token : undefined,
  };
  if (key.algorithm !== spec.type) throw new KeyriteError('CEREMONY_KEY_MISMATCH', `Key '${spec.label}' is ${spec.type} in this script but ${key.algorithm} in ceremony ${key.ceremonyId}.`);
  cache.set(ctx, (cache.get(ctx) ?? new Map<string, RecordedKey>()).set(spec.label, key));
  ctx.journal.append({
    type: 'previous/verified', step: step.id,
    payload: { ceremonyId: key.ceremonyId, root: key.root, keyLabel: key.label, algorithm: key.algorithm, fingerprint: key.fingerprint, token: key.token ?? null, note: 'The earlier ceremony\'s bundle verified; the key\'s record is taken from it.' },
  });
  return key;
}

/** True when the key on the token is the recorded one: same SPKI fingerprint, or (AES) one of its check values. */
const sameKey = (recorded: RecordedKey, found: KeyDescription): boolean =>
  found.fingerprint !== null ? found.fingerprint === recorded.fingerprint : found.checkValues.some((c) => `kcv:${c.value.hex}` === recorded.fingerprint);

/** Throws CEREMONY_KEY_MISMATCH unless `found` is the recorded key; nothing has been changed when it does. */
export function checkSameKey(recorded: RecordedKey, found: KeyDescription): void {
  if (sameKey(recorded, found)) return;
  const actual = found.fingerprint ?? found.checkValues.map((c) => `kcv:${c.value.hex}`).join(', ');
  throw new KeyriteError(
    'CEREMONY_KEY_MISMATCH',
    `Token '${found.token.label}' holds a key labelled '${found.label}' (id ${found.id}) whose fingerprint is ${actual}, but ceremony ${recorded.ceremonyId} recorded ${recorded.fingerprint} for it: it is not the key that ceremony generated. Nothing was changed.`,
  );
}

/** Throws CEREMONY_TOKEN_MISMATCH unless the session's token is the one the key was generated on. */
export function checkSameToken(recorded: RecordedKey, session: HsmSession): void {
  const here = `${session.token.label} (${session.token.serial})`;
  if (recorded.token !== undefined && recorded.token !== here) {
    throw new KeyriteError('CEREMONY_TOKEN_MISMATCH', `Ceremony ${recorded.ceremonyId} generated '${recorded.label}' on token ${recorded.token}, but this step's HSM is token ${here}. Nothing was changed.`);
  }
}

/** The recorded key, its HSM session, and the key as the token holds it now, checked to be the same key on the same token. */
export async function confirmRecordedKey(ctx: RunContext, step: Step, keyName: string, hsm: string): Promise<{ spec: KeySpec; recorded: RecordedKey; session: HsmSession; found: KeyDescription }> {
  const spec = keySpecOf(ctx, keyName);
  const recorded = await recordedKey(ctx, step, spec);
  const session = await sessionFor(ctx, hsm);
  checkSameToken(recorded, session);
  const found = await inspectKey(session, { label: spec.label });
  checkSameKey(recorded, found);
  return { spec, recorded, session, found };
}
