/**
 * The script's hash: SHA-256 over the RFC 8785 (JCS) canonical JSON of the
 * script as validated. The schema has no defaults and no transforms, so
 * that is the JSON data model of the file itself: a YAML file and its JSON
 * translation hash the same, and anyone can recompute the hash with any
 * JCS implementation. It is the first transcript event (`ceremony/opened`,
 * scriptSha256).
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { KeyriteError } from '../result.ts';

/** RFC 8785 canonical JSON; refuses what JSON cannot say (undefined, functions, non-finite numbers). */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new KeyriteError('CEREMONY_NOT_CANONICAL', 'The value cannot be written as canonical JSON (RFC 8785).', { cause });
  }
  if (text === undefined) throw new KeyriteError('CEREMONY_NOT_CANONICAL', 'The value cannot be written as canonical JSON (RFC 8785).');
  return text;
}

export const canonicalSha256 = (value: unknown): Uint8Array => sha256(utf8ToBytes(canonicalJson(value)));

/** Lower-case hex SHA-256 of the script's canonical JSON. */
export const scriptSha256 = (script: unknown): string => bytesToHex(canonicalSha256(script));
