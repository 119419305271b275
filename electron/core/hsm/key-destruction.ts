/**
 * Destroying a key, with evidence: what was destroyed (id, label, each
 * object's class, the public-key fingerprint or AES check value), when, and
 * the proof that it is gone (a search by its id afterwards finds nothing).
 *
 * `inspectKey` reads the same description without changing anything, so a
 * ceremony can check a key is the one an earlier ceremony recorded before it
 * deprecates or schedules it; `destroyKey`'s guard runs that check again in
 * the destroying operation itself, between finding the key and destroying
 * it, so nothing can be swapped in between.
 */
import { HsmError } from './hsm-error.ts';
import type { HsmSession, Operation } from './hsm-session.ts';
import { aesCheckValues, exportPublicKey, type CheckValue } from './key-material.ts';
import { findObjects, type ObjectDescription } from './key-objects.ts';
import { findKey, type FoundKey, type KeyRef } from './key-lookup.ts';
import { CK } from './pkcs11-constants.ts';

/** A key on a token as destruction sees it: public values only. */
export interface KeyDescription {
  token: { label: string; serial: string };
  id: string;
  label: string;
  objects: ObjectDescription[];
  /** SHA-256 of the SPKI, hex, when the key has a public half. */
  fingerprint: string | null;
  checkValues: CheckValue[];
}

export interface DestructionEvidence extends KeyDescription {
  destroyedAt: string;
  /** The search made after destruction: by CKA_ID, and how many objects it found (always 0). */
  proof: { searchedBy: 'CKA_ID'; id: string; found: 0; checkedAt: string };
}

async function describeKey(op: Operation, session: HsmSession, key: FoundKey): Promise<KeyDescription> {
  const fingerprint = key.public === undefined ? null : (await exportPublicKey(op, key.public.handle)).fingerprint.hex;
  const checkValues = key.secret?.description.keyType === 'aes' ? await aesCheckValues(op, key.secret.handle) : [];
  return { token: { ...session.token }, id: key.id, label: key.label, objects: key.objects.map((o) => o.description), fingerprint, checkValues };
}

/** The key `ref` names, described; nothing on the token changes. HSM_KEY_NOT_FOUND when there is none. */
export async function inspectKey(session: HsmSession, ref: KeyRef): Promise<KeyDescription> {
  return session.run('reading a key', async (op) => describeKey(op, session, await findKey(op, ref, session.token.label)));
}

/**
 * Destroys every object of the key `ref` names. `guard`, when given, sees
 * the key's description first; if it throws, nothing is destroyed.
 */
export async function destroyKey(session: HsmSession, ref: KeyRef, now: () => Date = () => new Date(), guard?: (key: KeyDescription) => void): Promise<DestructionEvidence> {
  return session.run('destroying a key', async (op) => {
    const key = await findKey(op, ref, session.token.label);
    const described = await describeKey(op, session, key);
    guard?.(described);
    // Once destruction starts it is finished even if a call fails half-way: the
    // undo of a destruction is to destroy whatever is left with this id.
    op.onFailure(`the rest of key '${key.label}' (id ${key.id})`, async (b, s) => {
      for (const h of await b.C_FindObjects(s, [{ type: CK.CKA_ID, value: Buffer.from(key.id, 'hex') }])) await b.C_DestroyObject(s, h);
    });
    // The secret half first: if anything fails, what is left is only public.
    const ordered = [...key.objects].sort((a, b) => Number(a.description.class === 'public-key') - Number(b.description.class === 'public-key'));
    for (const { handle } of ordered) await op.call('destroying a key', (b, s) => b.C_DestroyObject(s, handle));
    const destroyedAt = now().toISOString();
    const left = await findObjects(op, { id: Buffer.from(key.id, 'hex') });
    if (left.length > 0) {
      throw new HsmError('HSM_DESTROY_UNPROVEN', `Token '${session.token.label}' still holds ${left.length} object(s) with id ${key.id} after destruction. Record an exception.`);
    }
    return { ...described, destroyedAt, proof: { searchedBy: 'CKA_ID', id: key.id, found: 0, checkedAt: now().toISOString() } };
  });
}
