/**
 * Key generation with protective templates (Let's Encrypt's ceremony tool
 * does the same checks): token, private, sensitive, not extractable, only
 * the usages asked for, a unique CKA_ID from the HSM's RNG; a label that
 * already exists is refused; after generating, the key is found again by
 * its id and its attributes re-checked before success is reported (SoftHSM
 * can report success on a token that has gone, FACTS.md).
 */
import { KeyriteError } from '../../../shared/result.ts';
import type { Handle, Mechanism, Template } from './binding.ts';
import { HsmError } from './hsm-error.ts';
import type { HsmSession, Operation } from './hsm-session.ts';
import { aesCheckValues, EC_PARAMS, exportPublicKey, type CheckValue, type PublicKeyExport } from './key-material.ts';
import { describeObject, findObjects, USAGE_ATTRIBUTE, type KeyUsage, type ObjectDescription } from './key-objects.ts';
import { CK } from './pkcs11-constants.ts';
import { USAGES_BY_ALGORITHM, type KeyAlgorithm } from '../../../shared/domain/keys.ts';

export type { KeyAlgorithm } from '../../../shared/domain/keys.ts';

export interface KeyRequest {
  label: string;
  algorithm: KeyAlgorithm;
  usages: readonly KeyUsage[];
}

export interface GeneratedKey {
  label: string;
  algorithm: KeyAlgorithm;
  /** CKA_ID, hex; the same on both halves of a pair. */
  id: string;
  /** What the token reports after the re-check (the private or secret half). */
  attributes: ObjectDescription;
  publicKey: PublicKeyExport | null;
  checkValues: CheckValue[];
}

const PUBLIC_USAGES: readonly KeyUsage[] = ['encrypt', 'verify', 'wrap'];
const ALLOWED = USAGES_BY_ALGORITHM;

export function validateKeyRequest(request: KeyRequest): void {
  if (!/^[\p{L}\p{N} ._:/-]{1,64}$/u.test(request.label)) {
    throw new KeyriteError('HSM_LABEL_INVALID', 'A key label is 1 to 64 letters, digits, spaces and . _ : / - characters.');
  }
  if (request.usages.length === 0) throw new KeyriteError('HSM_USAGE_MISSING', 'Say what the key is for (sign, encrypt, wrap...).');
  const wrong = request.usages.filter((u) => !ALLOWED[request.algorithm].includes(u));
  if (wrong.length > 0) throw new KeyriteError('HSM_USAGE_INVALID', `A ${request.algorithm} key cannot be used to ${wrong.join(', ')}.`);
}

/** Refuses a label that any object on the token already carries (needs a user login to see private objects). */
export async function assertLabelFree(op: Operation, label: string, tokenLabel: string): Promise<void> {
  const existing = await findObjects(op, { label });
  if (existing.length > 0) {
    throw new KeyriteError('HSM_LABEL_EXISTS', `Token '${tokenLabel}' already has an object labelled '${label}'. Keyrite never reuses a label; choose another.`);
  }
}

/** A 16-byte CKA_ID from the HSM's RNG, checked to be unused on the token. */
export async function freshId(op: Operation): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const id = await op.call('drawing a key id from the HSM', (b, s) => b.C_GenerateRandom(s, 16));
    if ((await findObjects(op, { id })).length === 0) return id;
  }
  throw new HsmError('HSM_RNG_SUSPECT', 'The HSM kept returning key ids that already exist; its random generator is suspect.');
}

const flags = (usages: readonly KeyUsage[], allowed: readonly KeyUsage[]): Template =>
  allowed.map((u) => ({ type: USAGE_ATTRIBUTE[u], value: usages.includes(u) }));

/** Attributes every protected key half carries (PKCS#11 v2.40 §4.7-4.9). */
const protectedSecret = (label: string, id: Uint8Array): Template => [
  { type: CK.CKA_TOKEN, value: true }, { type: CK.CKA_PRIVATE, value: true }, { type: CK.CKA_SENSITIVE, value: true },
  { type: CK.CKA_EXTRACTABLE, value: false }, { type: CK.CKA_MODIFIABLE, value: false },
  { type: CK.CKA_LABEL, value: label }, { type: CK.CKA_ID, value: Buffer.from(id) },
];

export function templatesFor(request: KeyRequest, id: Uint8Array): { mechanism: Mechanism; secret: Template; public?: Template } {
  const secret = protectedSecret(request.label, id);
  if (request.algorithm === 'aes-256') {
    return { mechanism: { mechanism: CK.CKM_AES_KEY_GEN }, secret: [...secret, { type: CK.CKA_VALUE_LEN, value: 32 }, ...flags(request.usages, ALLOWED['aes-256'])] };
  }
  const pub: Template = [
    { type: CK.CKA_TOKEN, value: true }, { type: CK.CKA_PRIVATE, value: false }, { type: CK.CKA_MODIFIABLE, value: false },
    { type: CK.CKA_LABEL, value: request.label }, { type: CK.CKA_ID, value: Buffer.from(id) },
    // Every usage is set explicitly, false unless asked: token defaults differ (SoftHSM turns on encrypt and wrap).
    ...flags(request.usages, PUBLIC_USAGES),
  ];
  const priv: Template = [...secret, ...flags(request.usages, ['sign', 'decrypt', 'unwrap', 'derive'])];
  switch (request.algorithm) {
    case 'ec-p256':
    case 'ec-p384':
      pub.push({ type: CK.CKA_EC_PARAMS, value: Buffer.from(request.algorithm === 'ec-p256' ? EC_PARAMS['P-256'] : EC_PARAMS['P-384'], 'hex') });
      return { mechanism: { mechanism: CK.CKM_EC_KEY_PAIR_GEN }, secret: priv, public: pub };
    case 'ed25519':
      pub.push({ type: CK.CKA_EC_PARAMS, value: Buffer.from(EC_PARAMS.Ed25519, 'hex') });
      return { mechanism: { mechanism: CK.CKM_EC_EDWARDS_KEY_PAIR_GEN }, secret: priv, public: pub };
    case 'rsa-3072':
    case 'rsa-4096':
      pub.push({ type: CK.CKA_MODULUS_BITS, value: request.algorithm === 'rsa-3072' ? 3072 : 4096 }, { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) });
      return { mechanism: { mechanism: CK.CKM_RSA_PKCS_KEY_PAIR_GEN }, secret: priv, public: pub };
  }
}

const KEY_TYPE_OF: Record<KeyAlgorithm, string> = {
  'aes-256': 'aes', 'ec-p256': 'ec', 'ec-p384': 'ec', ed25519: 'ec-edwards', 'rsa-3072': 'rsa', 'rsa-4096': 'rsa',
};

/** Throws HSM_KEY_RECHECK_FAILED unless the token reports exactly the protections we asked for. */
export function recheck(found: ObjectDescription, request: KeyRequest, idHex: string, isPublic: boolean, expectLocal = true): void {
  const problems: string[] = [];
  const expectedType = KEY_TYPE_OF[request.algorithm];
  if (found.keyType !== expectedType) problems.push(`key type ${found.keyType ?? 'none'} instead of ${expectedType}`);
  // A token that ignores CKA_VALUE_LEN, the curve or the modulus size must not pass for the key asked for.
  if (found.strength !== null && found.strength !== request.algorithm) problems.push(`${found.strength} instead of ${request.algorithm}`);
  if (expectLocal && found.strength === null) problems.push('its size could not be read');
  // Generated keys are asked to be unmodifiable, so their usages cannot be widened later.
  if (expectLocal && found.modifiable) problems.push('modifiable');
  if (found.id !== idHex) problems.push('id');
  if (found.label !== request.label) problems.push('label');
  if (!found.token) problems.push('not stored on the token');
  if (!isPublic) {
    if (!found.private) problems.push('not private');
    if (found.sensitive !== true) problems.push('not sensitive');
    if (found.extractable !== false) problems.push('extractable');
    if (expectLocal && (found.alwaysSensitive !== true || found.neverExtractable !== true)) problems.push('not always-sensitive/never-extractable');
  }
  if (expectLocal && found.local !== true) problems.push('not generated on the token');
  const asked = new Set(isPublic ? request.usages.filter((u) => PUBLIC_USAGES.includes(u)) : request.algorithm === 'aes-256' ? request.usages : request.usages.filter((u) => !PUBLIC_USAGES.includes(u)));
  const extra = found.usages.filter((u) => !asked.has(u));
  const missing = [...asked].filter((u) => !found.usages.includes(u));
  if (extra.length > 0) problems.push(`usages not asked for: ${extra.join(', ')}`);
  if (missing.length > 0) problems.push(`usages missing: ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw new HsmError('HSM_KEY_RECHECK_FAILED', `The key '${request.label}' the HSM made is not what was asked for (${problems.join('; ')}); it was destroyed.`);
  }
}

export async function generateKey(session: HsmSession, request: KeyRequest): Promise<GeneratedKey> {
  validateKeyRequest(request);
  return session.run(`generating the ${request.algorithm} key '${request.label}'`, async (op) => {
    await assertLabelFree(op, request.label, session.token.label);
    const id = await freshId(op);
    const idHex = Buffer.from(id).toString('hex');
    const t = templatesFor(request, id);
    const made: Handle[] = [];
    op.onFailure(`key '${request.label}' (id ${idHex})`, async (b, s) => {
      // Destroy what a search by id finds, not the handles we were given: the
      // token is the truth, and a handle we never received may still exist.
      for (const h of await b.C_FindObjects(s, [{ type: CK.CKA_ID, value: Buffer.from(id) }])) await b.C_DestroyObject(s, h);
    });
    let publicHandle: Handle | null = null;
    if (t.public === undefined) {
      made.push(await op.call('generating a key', (b, s) => b.C_GenerateKey(s, t.mechanism, t.secret), op.timeouts.generateMs));
    } else {
      const pair = await op.call('generating a key pair', (b, s) => b.C_GenerateKeyPair(s, t.mechanism, t.public ?? [], t.secret), op.timeouts.generateMs);
      made.push(pair.privateKey, pair.publicKey);
      publicHandle = pair.publicKey;
    }
    // The re-check: find by id, never trust the handles the generate call returned.
    const found = await findObjects(op, { id });
    if (found.length !== made.length) throw new HsmError('HSM_KEY_RECHECK_FAILED', `The key '${request.label}' could not be found again on token '${session.token.label}' after it was made.`);
    let attributes: ObjectDescription | null = null;
    for (const handle of found) {
      const d = await describeObject(op, handle);
      recheck(d, request, idHex, d.class === 'public-key');
      if (d.class === 'public-key') publicHandle = handle;
      else attributes = d;
    }
    if (attributes === null) throw new HsmError('HSM_KEY_RECHECK_FAILED', `The key '${request.label}' has no secret half on the token.`);
    const handle = found.find((h) => h !== publicHandle) as Handle;
    return {
      label: request.label, algorithm: request.algorithm, id: idHex, attributes,
      publicKey: publicHandle === null ? null : await exportPublicKey(op, publicHandle),
      checkValues: request.algorithm === 'aes-256' ? await aesCheckValues(op, handle) : [],
    };
  });
}
