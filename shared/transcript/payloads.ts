/**
 * What event payloads may say. The transcript never holds a secret
 * (DESIGN.md, "The trust boundary"): a field whose name says it carries a
 * PIN, passphrase, share or private key is refused wherever it appears, and
 * the events the report reads have fixed fields.
 *
 * Hand-written rather than zod on purpose: the journal loads this in every
 * process that records an event, and zod alone costs more to import than
 * the rest of the transcript code (measured: ~80 ms of a ~200 ms start).
 */
import type { JsonValue } from './event.ts';

// Compared after lower-casing and removing '-', '_' and ' '.
const secretNames = new Set(['pin', 'puk', 'sopin', 'userpin', 'passphrase', 'password', 'secret', 'secretkey', 'privatekey', 'privkey', 'share', 'sharevalue', 'seed', 'mnemonic', 'plaintext', 'keymaterial', 'cleartext']);

// Hot path of the verifier: a journal repeats a few dozen field names, so
// each name's answer is kept (bench:verify); bounded, as a hostile journal
// may use a new name on every line.
const secretVerdicts = new Map<string, boolean>();

function namesSecret(key: string): boolean {
  let verdict = secretVerdicts.get(key);
  if (verdict === undefined) {
    const lower = key.toLowerCase();
    verdict = secretNames.has(lower) || (/[-_ ]/.test(lower) && secretNames.has(lower.replace(/[-_ ]/g, '')));
    if (secretVerdicts.size >= 4096) secretVerdicts.clear();
    secretVerdicts.set(key, verdict);
  }
  return verdict;
}

// Past this depth the walk goes on with a stack of its own: a hostile line
// may nest a payload deeper than the call stack (a list 6,482 deep threw
// RangeError out of the verifier), and the answer must not depend on the
// thread that checks it (a worker's stack is larger).
const RECURSION_LIMIT = 256;

/** The path of the first field whose name names a secret, or undefined. */
export function findSecretField(value: JsonValue, path = '', depth = 0): string | undefined {
  if (depth > RECURSION_LIMIT) return findSecretFieldDeep(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSecretField(value[i] as JsonValue, `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key in value) {
    if (namesSecret(key)) return path === '' ? key : `${path}.${key}`;
    const child = value[key];
    if (typeof child !== 'object' || child === null) continue;
    const found = findSecretField(child, path === '' ? key : `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** findSecretField without recursion: the same walk, in the same order, with the lists and objects still open on a stack. */
function findSecretFieldDeep(value: JsonValue, path: string): string | undefined {
  const open: { value: JsonValue[] | { [key: string]: JsonValue }; names: string[] | undefined; next: number; path: string }[] = [];
  const enter = (child: JsonValue | undefined, childPath: string) => {
    if (Array.isArray(child)) open.push({ value: child, names: undefined, next: 0, path: childPath });
    else if (typeof child === 'object' && child !== null) open.push({ value: child, names: Object.keys(child), next: 0, path: childPath });
  };
  enter(value, path);
  for (let top = open.at(-1); top !== undefined; top = open.at(-1)) {
    const k = top.next++;
    if (top.names === undefined) {
      const list = top.value as JsonValue[];
      if (k < list.length) enter(list[k], `${top.path}[${k}]`);
      else open.pop();
      continue;
    }
    const key = top.names[k];
    if (key === undefined) {
      open.pop();
      continue;
    }
    const keyPath = top.path === '' ? key : `${top.path}.${key}`;
    if (namesSecret(key)) return keyPath;
    enter((top.value as { [key: string]: JsonValue })[key], keyPath);
  }
  return undefined;
}

type Field =
  | { kind: 'text'; min: number; max: number; optional?: true }
  | { kind: 'hex'; bytes: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'one-of'; values: readonly string[] }
  | { kind: 'names'; max: number };

const name: Field = { kind: 'text', min: 1, max: 256 };

/** Required fields of the event types the report reads (other fields are allowed; other types carry any public payload). */
export const knownPayloads: Readonly<Record<string, Readonly<Record<string, Field>>>> = {
  'ceremony/opened': { title: name, scriptSha256: { kind: 'hex', bytes: 32 }, signingKey: { kind: 'text', min: 1, max: 512 } },
  'participant/enrolled': { participant: name, displayName: name, role: { kind: 'one-of', values: ['administrator', 'custodian', 'witness', 'observer'] }, cosignerKey: { kind: 'text', min: 1, max: 512, optional: true } },
  'key/created': { label: name, algorithm: name, fingerprint: { kind: 'text', min: 8, max: 128 }, checkValue: { kind: 'text', min: 1, max: 64, optional: true }, token: { ...name, optional: true } },
  'share-set/issued': { shareSetId: name, keyLabel: name, threshold: { kind: 'int', min: 1, max: 255 }, total: { kind: 'int', min: 1, max: 255 }, commitment: { kind: 'text', min: 8, max: 256 }, custodians: { kind: 'names', max: 255 } },
  'sign-off/recorded': { witness: name, statement: { kind: 'text', min: 0, max: 1024 } },
  'exception/recorded': { description: { kind: 'text', min: 1, max: 2048 }, decision: { kind: 'text', min: 0, max: 2048 } },
  'transcript/recovered': { discardedBytes: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, lastSeq: { kind: 'int', min: -1, max: Number.MAX_SAFE_INTEGER } },
  'ceremony/closed': { outcome: { kind: 'one-of', values: ['completed', 'aborted'] } },
  // A crashed run resumed (docs/formats/transcript.md §2): what was lost, what is redone, and the new ceremony key that signs from here.
  'ceremony/resumed': {
    reason: { kind: 'text', min: 1, max: 2048 }, lost: { kind: 'names', max: 64 }, redone: { kind: 'names', max: 255 },
    signingKey: { kind: 'text', min: 1, max: 512 }, previousSigningKey: { kind: 'text', min: 1, max: 512 }, keyChange: { kind: 'text', min: 1, max: 2048 },
  },
};

function fieldProblem(field: Field, value: JsonValue | undefined): string | undefined {
  if (value === undefined) return field.kind === 'text' && field.optional === true ? undefined : 'is missing';
  switch (field.kind) {
    case 'text':
      return typeof value === 'string' && value.length >= field.min && value.length <= field.max ? undefined : `must be text of ${field.min} to ${field.max} characters`;
    case 'hex':
      return typeof value === 'string' && value.length === field.bytes * 2 && /^[0-9a-f]*$/.test(value) ? undefined : `must be ${field.bytes} bytes of lower-case hex`;
    case 'int':
      return Number.isSafeInteger(value) && (value as number) >= field.min && (value as number) <= field.max ? undefined : `must be a whole number from ${field.min} to ${field.max}`;
    case 'one-of':
      return typeof value === 'string' && field.values.includes(value) ? undefined : `must be one of ${field.values.join(', ')}`;
    case 'names':
      return Array.isArray(value) && value.length <= field.max && value.every((item) => typeof item === 'string' && item.length >= 1 && item.length <= 256) ? undefined : 'must be a list of names';
  }
}

/** The reason a known event's payload is malformed, or undefined. */
export function checkPayload(type: string, payload: { readonly [key: string]: JsonValue }): string | undefined {
  const fields = Object.hasOwn(knownPayloads, type) ? knownPayloads[type] : undefined;
  if (fields === undefined) return undefined;
  for (const [key, field] of Object.entries(fields)) {
    const problem = fieldProblem(field, Object.hasOwn(payload, key) ? payload[key] : undefined);
    if (problem !== undefined) return `payload of ${type}: ${key} ${problem}`;
  }
  return undefined;
}
