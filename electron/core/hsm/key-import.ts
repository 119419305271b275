/**
 * Loading a secret held on the host (a rebuilt master secret) into an HSM as
 * a non-extractable AES key, three ways:
 * - 'aes-kwp': the HSM makes a one-time AES-256 wrapping key (a session
 *   object), we wrap the secret on the host with AES Key Wrap with Padding
 *   (RFC 5649, @noble/ciphers), and the HSM unwraps it (CKM_AES_KEY_WRAP_PAD).
 *   WARNING: the host must know the wrapping key to wrap, so it is made
 *   non-sensitive and read out once; it exists only in this session and is
 *   destroyed and wiped as soon as the unwrap is done.
 * - 'rsa-oaep': the HSM makes a one-time RSA-3072 session key pair; we
 *   encrypt to its public key with RSA-OAEP/SHA-256 (RFC 8017 §7.1) and the
 *   HSM unwraps with the private key, which never leaves it.
 * - 'create-object': C_CreateObject with CKA_VALUE, where the token allows it.
 * Afterwards the key is found again by id and re-checked, and its check
 * value computed inside the HSM must equal the expected one (by default the
 * one computed on the host), or the object is destroyed and the import fails.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { aeskwp } from '@noble/ciphers/aes.js';
import { KeyriteError } from '../../../shared/result.ts';
import { SecretBytes } from '../../../shared/secret-bytes.ts';
import type { Handle, Template } from './binding.ts';
import { HsmError } from './hsm-error.ts';
import type { HsmSession, Operation } from './hsm-session.ts';
import { assertLabelFree, freshId, recheck, validateKeyRequest } from './key-generation.ts';
import { aesCheckValues, exportPublicKey, hostAesCheckValues, type CheckValue } from './key-material.ts';
import { describeObject, findObjects, USAGE_ATTRIBUTE, type KeyUsage, type ObjectDescription } from './key-objects.ts';
import { CK } from './pkcs11-constants.ts';

export type ImportMethod = 'aes-kwp' | 'rsa-oaep' | 'create-object';

export interface ImportRequest {
  label: string;
  usages: readonly KeyUsage[];
  method: ImportMethod;
  /** The 3-byte AES-ECB check value to insist on (e.g. from the share commitment); default: computed on the host. */
  expectedCheckValue?: Uint8Array;
}

export interface ImportedKey {
  label: string;
  id: string;
  method: ImportMethod;
  attributes: ObjectDescription;
  checkValues: CheckValue[];
}

const ALL_SECRET_USAGES: readonly KeyUsage[] = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'];

function targetTemplate(request: ImportRequest, id: Uint8Array): Template {
  return [
    { type: CK.CKA_CLASS, value: CK.CKO_SECRET_KEY }, { type: CK.CKA_KEY_TYPE, value: CK.CKK_AES },
    { type: CK.CKA_TOKEN, value: true }, { type: CK.CKA_PRIVATE, value: true }, { type: CK.CKA_SENSITIVE, value: true },
    { type: CK.CKA_EXTRACTABLE, value: false }, { type: CK.CKA_MODIFIABLE, value: false },
    { type: CK.CKA_LABEL, value: request.label }, { type: CK.CKA_ID, value: Buffer.from(id) },
    ...ALL_SECRET_USAGES.map((u) => ({ type: USAGE_ATTRIBUTE[u], value: request.usages.includes(u) })),
  ];
}

/** A Buffer view (no copy) of bytes we own, for APIs that insist on Buffer. */
const view = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function unwrapWithAesKwp(op: Operation, secret: SecretBytes, template: Template): Promise<Handle> {
  const wrapping = await op.call('making a one-time wrapping key', (b, s) => b.C_GenerateKey(s, { mechanism: CK.CKM_AES_KEY_GEN }, [
    { type: CK.CKA_TOKEN, value: false }, { type: CK.CKA_VALUE_LEN, value: 32 }, { type: CK.CKA_UNWRAP, value: true },
    { type: CK.CKA_SENSITIVE, value: false }, { type: CK.CKA_EXTRACTABLE, value: true }, { type: CK.CKA_LABEL, value: 'keyrite one-time wrapping key' },
  ]), op.timeouts.generateMs);
  let kek: SecretBytes | null = null;
  try {
    const read = await op.call('reading the one-time wrapping key', (b, s) => b.C_GetAttributeValue(s, wrapping, [CK.CKA_VALUE]));
    const raw = read.get(CK.CKA_VALUE) ?? Buffer.alloc(0);
    kek = SecretBytes.adopt(raw);
    const wrapped = kek.expose((k) => secret.expose((value) => aeskwp(k).encrypt(value)));
    return await op.call('unwrapping the key inside the HSM', (b, s) => b.C_UnwrapKey(s, { mechanism: CK.CKM_AES_KEY_WRAP_PAD }, wrapping, wrapped, template), op.timeouts.generateMs);
  } finally {
    kek?.wipe();
    await op.call('destroying the one-time wrapping key', (b, s) => b.C_DestroyObject(s, wrapping)).catch(() => undefined);
  }
}

async function unwrapWithRsaOaep(op: Operation, secret: SecretBytes, template: Template): Promise<Handle> {
  const pair = await op.call('making a one-time RSA key pair', (b, s) => b.C_GenerateKeyPair(s, { mechanism: CK.CKM_RSA_PKCS_KEY_PAIR_GEN },
    [{ type: CK.CKA_TOKEN, value: false }, { type: CK.CKA_MODULUS_BITS, value: 3072 }, { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }, { type: CK.CKA_WRAP, value: true }, { type: CK.CKA_ENCRYPT, value: true }],
    [{ type: CK.CKA_TOKEN, value: false }, { type: CK.CKA_PRIVATE, value: true }, { type: CK.CKA_SENSITIVE, value: true }, { type: CK.CKA_EXTRACTABLE, value: false }, { type: CK.CKA_UNWRAP, value: true }]),
  op.timeouts.generateMs);
  try {
    const spki = (await exportPublicKey(op, pair.publicKey)).spkiDer;
    const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    // WARNING: SoftHSM 2.6 unwraps RSA-OAEP only with SHA-1/MGF1-SHA-1 (it answers
    // CKR_ARGUMENTS_BAD to SHA-256). OAEP's security does not rest on collision
    // resistance, so SHA-1 is still sound here (RFC 8017 §7.1 allows it); we try
    // SHA-256 first and fall back only when the token refuses the parameters.
    for (const hash of ['sha256', 'sha1'] as const) {
      const wrapped = secret.expose((value) => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, view(value)));
      const parameter = hash === 'sha256'
        ? { type: CK.CK_PARAMS_RSA_OAEP, hashAlg: CK.CKM_SHA256, mgf: CK.CKG_MGF1_SHA256, source: CK.CKZ_DATA_SPECIFIED }
        : { type: CK.CK_PARAMS_RSA_OAEP, hashAlg: CK.CKM_SHA_1, mgf: CK.CKG_MGF1_SHA1, source: CK.CKZ_DATA_SPECIFIED };
      try {
        return await op.call('unwrapping the key inside the HSM', (b, s) => b.C_UnwrapKey(s, { mechanism: CK.CKM_RSA_PKCS_OAEP, parameter }, pair.privateKey, wrapped, template), op.timeouts.generateMs);
      } catch (error) {
        if (hash === 'sha1' || !(error instanceof HsmError) || (error.ckr !== 'CKR_ARGUMENTS_BAD' && error.ckr !== 'CKR_MECHANISM_PARAM_INVALID')) throw error;
      } finally {
        wrapped.fill(0);
      }
    }
    throw new HsmError('HSM_FAILURE', 'The HSM refused every RSA-OAEP variant.');
  } finally {
    for (const h of [pair.privateKey, pair.publicKey]) await op.call('destroying the one-time key pair', (b, s) => b.C_DestroyObject(s, h)).catch(() => undefined);
  }
}

export async function importSecretKey(session: HsmSession, secret: SecretBytes, request: ImportRequest): Promise<ImportedKey> {
  validateKeyRequest({ label: request.label, algorithm: 'aes-256', usages: request.usages });
  if (![16, 24, 32].includes(secret.length)) throw new KeyriteError('HSM_IMPORT_LENGTH', 'Only 128, 192 or 256-bit AES keys can be loaded.');
  if (!request.usages.includes('encrypt') && !request.usages.includes('sign') && request.method !== 'create-object') {
    throw new KeyriteError('HSM_CHECK_VALUE_UNAVAILABLE', 'An imported key must allow encrypt or sign, or its check value cannot be proved inside the HSM.');
  }
  const expected = request.expectedCheckValue ?? hostAesCheckValues(secret).ecb;
  return session.run(`loading the key '${request.label}' into the HSM`, async (op) => {
    await assertLabelFree(op, request.label, session.token.label);
    const id = await freshId(op);
    const idHex = Buffer.from(id).toString('hex');
    op.onFailure(`imported key '${request.label}' (id ${idHex})`, async (b, s) => {
      for (const h of await b.C_FindObjects(s, [{ type: CK.CKA_ID, value: Buffer.from(id) }])) await b.C_DestroyObject(s, h);
    });
    const template = targetTemplate(request, id);
    // SoftHSM refuses CKA_MODIFIABLE=false in an unwrap template (CKR_ATTRIBUTE_READ_ONLY);
    // sensitive and extractable are one-way anyway (PKCS#11 v2.40 §4.9).
    const unwrapTemplate = template.filter((a) => a.type !== CK.CKA_MODIFIABLE);
    if (request.method === 'aes-kwp') await unwrapWithAesKwp(op, secret, unwrapTemplate);
    else if (request.method === 'rsa-oaep') await unwrapWithRsaOaep(op, secret, unwrapTemplate);
    else await secret.expose((value) => op.call('creating the key object', (b, s) => b.C_CreateObject(s, [...template, { type: CK.CKA_VALUE, value: view(value) }])));
    const found = await findObjects(op, { id });
    if (found.length !== 1) throw new HsmError('HSM_KEY_RECHECK_FAILED', `The loaded key '${request.label}' could not be found again on token '${session.token.label}'.`);
    const handle = found[0] as Handle;
    const attributes = await describeObject(op, handle);
    recheck(attributes, { label: request.label, algorithm: 'aes-256', usages: request.usages }, idHex, false, false);
    const checkValues = await aesCheckValues(op, handle);
    const inHsm = checkValues.find((c) => c.method === 'aes-ecb-zero-block') ?? checkValues.find((c) => c.method === 'token-cka-check-value');
    if (inHsm === undefined || inHsm.value.hex !== Buffer.from(expected).toString('hex')) {
      throw new HsmError('HSM_CHECK_VALUE_MISMATCH', `The key loaded into token '${session.token.label}' has check value ${inHsm?.value.hexGroups ?? '(none)'}, not the expected ${Buffer.from(expected).toString('hex')}; it was destroyed and the load failed.`);
    }
    return { label: request.label, id: idHex, method: request.method, attributes, checkValues };
  });
}
