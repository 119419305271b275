/**
 * Reading objects back from a token: find by id/label/class, and describe an
 * object by its class, key type, label, id and security attributes, never
 * its value. Used by generation (the re-check), inventory and destruction.
 */
import type { Handle, Template } from './binding.ts';
import type { Operation } from './hsm-session.ts';
import { EC_PARAMS } from './key-material.ts';
import { CK } from './pkcs11-constants.ts';

export type ObjectClass = 'secret-key' | 'private-key' | 'public-key' | 'certificate' | 'data' | 'other';
export type { KeyUsage } from '../../../shared/domain/keys.ts';
import type { KeyUsage } from '../../../shared/domain/keys.ts';

export interface ObjectDescription {
  class: ObjectClass;
  /** 'aes', 'ec', 'ec-edwards', 'rsa', or 'CKK_0x..' for others; null for non-keys. */
  keyType: string | null;
  label: string;
  /** CKA_ID in lower-case hex. */
  id: string;
  token: boolean;
  private: boolean;
  modifiable: boolean;
  /** Secret and private keys only (null otherwise). */
  sensitive: boolean | null;
  extractable: boolean | null;
  alwaysSensitive: boolean | null;
  neverExtractable: boolean | null;
  /** Keys only: generated on the token (CKA_LOCAL). */
  local: boolean | null;
  usages: KeyUsage[];
  /**
   * Keys only: type and size as the token reports them ('aes-256',
   * 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', ...), from CKA_VALUE_LEN,
   * CKA_EC_PARAMS or the modulus; null when the token does not say (SoftHSM
   * reports CKA_VALUE_LEN 0 for unwrapped keys: FACTS.md).
   */
  strength: string | null;
}

const CLASS_NAMES = new Map<number, ObjectClass>([
  [CK.CKO_SECRET_KEY, 'secret-key'], [CK.CKO_PRIVATE_KEY, 'private-key'], [CK.CKO_PUBLIC_KEY, 'public-key'], [1, 'certificate'], [0, 'data'],
]);
const KEY_TYPES = new Map<number, string>([[CK.CKK_AES, 'aes'], [CK.CKK_EC, 'ec'], [CK.CKK_EC_EDWARDS, 'ec-edwards'], [CK.CKK_RSA, 'rsa']]);
export const USAGE_ATTRIBUTE: Record<KeyUsage, number> = {
  encrypt: CK.CKA_ENCRYPT, decrypt: CK.CKA_DECRYPT, sign: CK.CKA_SIGN, verify: CK.CKA_VERIFY,
  wrap: CK.CKA_WRAP, unwrap: CK.CKA_UNWRAP, derive: CK.CKA_DERIVE,
};
/** Which usages PKCS#11 defines for each key class (v2.40 §4.8-4.10). */
const CLASS_USAGES: Partial<Record<ObjectClass, KeyUsage[]>> = {
  'secret-key': ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'],
  'private-key': ['decrypt', 'sign', 'unwrap', 'derive'],
  'public-key': ['encrypt', 'verify', 'wrap', 'derive'],
};

/** CK_ULONG is the platform's unsigned long: 8 bytes on 64-bit Unix, 4 on Windows. */
export function ulong(value: Buffer | undefined): number {
  if (value === undefined || value.length === 0) return -1;
  return value.length >= 8 ? Number(value.readBigUInt64LE(0)) : value.readUInt32LE(0);
}
const bool = (value: Buffer | undefined): boolean => value !== undefined && value.length > 0 && value[0] !== 0;

export function findObjects(op: Operation, what: { id?: Uint8Array; label?: string; class?: number }): Promise<Handle[]> {
  const template: Template = [];
  if (what.class !== undefined) template.push({ type: CK.CKA_CLASS, value: what.class });
  if (what.id !== undefined) template.push({ type: CK.CKA_ID, value: Buffer.from(what.id) });
  if (what.label !== undefined) template.push({ type: CK.CKA_LABEL, value: what.label });
  return op.call('searching the token', (b, s) => b.C_FindObjects(s, template));
}

export async function describeObject(op: Operation, object: Handle): Promise<ObjectDescription> {
  const common = await op.call('reading an object', (b, s) =>
    b.C_GetAttributeValue(s, object, [CK.CKA_CLASS, CK.CKA_TOKEN, CK.CKA_PRIVATE, CK.CKA_LABEL, CK.CKA_MODIFIABLE]));
  const cls = CLASS_NAMES.get(ulong(common.get(CK.CKA_CLASS))) ?? 'other';
  const description: ObjectDescription = {
    class: cls, keyType: null, label: (common.get(CK.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8'), id: '',
    token: bool(common.get(CK.CKA_TOKEN)), private: bool(common.get(CK.CKA_PRIVATE)), modifiable: bool(common.get(CK.CKA_MODIFIABLE)),
    sensitive: null, extractable: null, alwaysSensitive: null, neverExtractable: null, local: null, usages: [], strength: null,
  };
  const usages = CLASS_USAGES[cls];
  if (usages === undefined) {
    if (cls === 'certificate') {
      const id = await op.call('reading an object', (b, s) => b.C_GetAttributeValue(s, object, [CK.CKA_ID]));
      description.id = (id.get(CK.CKA_ID) ?? Buffer.alloc(0)).toString('hex');
    }
    return description;
  }
  const secretish = cls !== 'public-key';
  const types = [CK.CKA_KEY_TYPE, CK.CKA_ID, CK.CKA_LOCAL, ...usages.map((u) => USAGE_ATTRIBUTE[u]),
    ...(secretish ? [CK.CKA_SENSITIVE, CK.CKA_EXTRACTABLE, CK.CKA_ALWAYS_SENSITIVE, CK.CKA_NEVER_EXTRACTABLE] : [])];
  const key = await op.call('reading a key', (b, s) => b.C_GetAttributeValue(s, object, types));
  const keyType = ulong(key.get(CK.CKA_KEY_TYPE));
  description.keyType = KEY_TYPES.get(keyType) ?? `CKK_0x${keyType.toString(16)}`;
  description.id = (key.get(CK.CKA_ID) ?? Buffer.alloc(0)).toString('hex');
  description.local = bool(key.get(CK.CKA_LOCAL));
  description.usages = usages.filter((u) => bool(key.get(USAGE_ATTRIBUTE[u])));
  if (secretish) {
    description.sensitive = bool(key.get(CK.CKA_SENSITIVE));
    description.extractable = bool(key.get(CK.CKA_EXTRACTABLE));
    description.alwaysSensitive = bool(key.get(CK.CKA_ALWAYS_SENSITIVE));
    description.neverExtractable = bool(key.get(CK.CKA_NEVER_EXTRACTABLE));
  }
  description.strength = await strengthOf(op, object, cls, description.keyType);
  return description;
}

/**
 * CKA_EC_PARAMS as DER. PKCS#11 3.0 §2.3.5 lets an Edwards key name its
 * curve by OID or by the PrintableString "edwards25519"; SoftHSM gives the
 * private key the latter.
 */
const CURVES = new Map<string, string>([
  [EC_PARAMS['P-256'], 'ec-p256'],
  [EC_PARAMS['P-384'], 'ec-p384'],
  [EC_PARAMS.Ed25519, 'ed25519'],
  ['130c656477617264733235353139', 'ed25519'],
]);

/** The size attributes PKCS#11 v2.40 defines per key type (§2.3 EC, §2.1 RSA, §2.8 AES); all public. */
async function strengthOf(op: Operation, object: Handle, cls: ObjectClass, keyType: string | null): Promise<string | null> {
  const read = (type: number): Promise<Buffer | undefined> => op.call('reading a key size', async (b, s) => (await b.C_GetAttributeValue(s, object, [type])).get(type));
  switch (keyType) {
    case 'aes': {
      const bytes = ulong(await read(CK.CKA_VALUE_LEN));
      return bytes > 0 ? `aes-${bytes * 8}` : null;
    }
    case 'ec':
    case 'ec-edwards': {
      const params = (await read(CK.CKA_EC_PARAMS))?.toString('hex') ?? '';
      return CURVES.get(params) ?? `${keyType}-params-${params.slice(0, 40)}`;
    }
    case 'rsa': {
      if (cls === 'public-key') return `rsa-${ulong(await read(CK.CKA_MODULUS_BITS))}`;
      const modulus = await read(CK.CKA_MODULUS);
      return modulus === undefined || modulus.length === 0 ? null : `rsa-${modulus.length * 8}`;
    }
    default:
      return null;
  }
}
