/**
 * What event payloads may say. The transcript never holds a secret
 * (DESIGN.md, "The trust boundary"): a field whose name says it carries a
 * PIN, passphrase, share or private key is refused wherever it appears, and
 * the events the report reads have schemas of their own.
 */
import { z } from 'zod';
import type { JsonValue } from './event.ts';

// Compared after lower-casing and removing '-', '_' and ' '.
const secretNames = new Set(['pin', 'puk', 'sopin', 'userpin', 'passphrase', 'password', 'secret', 'secretkey', 'privatekey', 'privkey', 'share', 'sharevalue', 'seed', 'mnemonic', 'plaintext', 'keymaterial', 'cleartext']);

/** The path of the first field whose name names a secret, or undefined. */
export function findSecretField(value: JsonValue, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSecretField(value[i] as JsonValue, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key in value) {
    const here = path === '' ? key : `${path}.${key}`;
    if (secretNames.has(key.toLowerCase().replace(/[-_ ]/g, ''))) return here;
    const found = findSecretField(value[key] as JsonValue, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const name = z.string().min(1).max(256);

/** Payload schemas of the event types the report reads; other types carry any public payload. */
export const knownPayloads = {
  'ceremony/opened': z.looseObject({ title: name, scriptSha256: hex(32), signingKey: z.string().min(1).max(512) }),
  'participant/enrolled': z.looseObject({ participant: name, displayName: name, role: z.enum(['administrator', 'custodian', 'witness', 'auditor']), cosignerKey: z.string().max(512).optional() }),
  'key/created': z.looseObject({ label: name, algorithm: name, fingerprint: z.string().min(8).max(128), checkValue: z.string().max(64).optional(), token: name.optional() }),
  'share-set/issued': z.looseObject({ shareSetId: name, keyLabel: name, threshold: z.number().int().min(1).max(255), total: z.number().int().min(1).max(255), commitment: z.string().min(8).max(256), custodians: z.array(name).max(255) }),
  'sign-off/recorded': z.looseObject({ witness: name, statement: z.string().max(1024) }),
  'exception/recorded': z.looseObject({ description: z.string().min(1).max(2048), decision: z.string().max(2048) }),
  'transcript/recovered': z.looseObject({ discardedBytes: z.number().int().nonnegative(), lastSeq: z.number().int().min(-1) }),
  'ceremony/closed': z.looseObject({ outcome: z.enum(['completed', 'aborted']) }),
} as const;
export type KnownEventType = keyof typeof knownPayloads;

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(knownPayloads, type);
}

/** The reason a known event's payload is malformed, or undefined. */
export function checkPayload(type: string, payload: unknown): string | undefined {
  if (!isKnownEventType(type)) return undefined;
  const result = knownPayloads[type].safeParse(payload);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `payload of ${type}: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}`;
}
