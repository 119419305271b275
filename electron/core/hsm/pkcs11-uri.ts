/**
 * RFC 7512 PKCS#11 URIs: how a ceremony script names a token or a key
 * ("pkcs11:token=root-hsm-1;serial=4cc9a1;object=ksk-2026;type=private").
 *
 * WARNING: RFC 7512 §2.3 allows a `pin-value` query attribute. A PIN in a
 * URI ends up in scripts, logs and screenshots, so we refuse to parse one.
 */
import { KeyriteError } from '../../../shared/result.ts';

/** RFC 7512 §2.3 path attributes, in the order the RFC lists them (and we print them). */
const PATH_ATTRIBUTES = [
  'library-description', 'library-manufacturer', 'library-version',
  'slot-description', 'slot-id', 'slot-manufacturer',
  'manufacturer', 'model', 'serial', 'token',
  'id', 'object', 'type',
] as const;
const QUERY_ATTRIBUTES = ['module-name', 'module-path', 'pin-source'] as const;
const OBJECT_TYPES = ['public', 'private', 'cert', 'secret-key', 'data'] as const;

type PathAttribute = (typeof PATH_ATTRIBUTES)[number];
type QueryAttribute = (typeof QUERY_ATTRIBUTES)[number];

export interface Pkcs11Uri {
  /** Text path attributes (decoded). `id` is kept apart because it is bytes. */
  path: Partial<Record<Exclude<PathAttribute, 'id'>, string>>;
  /** CKA_ID, as bytes (RFC 7512 §2.3: percent-encoded octets). */
  id?: Uint8Array;
  query: Partial<Record<QueryAttribute, string>>;
}

const bad = (why: string): KeyriteError => new KeyriteError('HSM_URI_INVALID', `That PKCS#11 URI is not valid: ${why}.`);

function decode(value: string, what: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] ?? '';
    if (ch === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/u.test(hex)) throw bad(`"${what}" has a broken percent escape`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...new TextEncoder().encode(ch));
    }
  }
  return Uint8Array.from(out);
}

function decodeText(value: string, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(decode(value, what));
  } catch (error) {
    if (error instanceof KeyriteError) throw error;
    throw bad(`"${what}" is not UTF-8 text`);
  }
}

/** Parses an RFC 7512 URI. Attribute names are case-sensitive; a repeated attribute is an error (§2.3). */
export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (!text.startsWith('pkcs11:')) throw bad('it must start with "pkcs11:"');
  const rest = text.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const pathPart = q === -1 ? rest : rest.slice(0, q);
  const queryPart = q === -1 ? '' : rest.slice(q + 1);
  const uri: Pkcs11Uri = { path: {}, query: {} };
  const seen = new Set<string>();
  for (const pair of pathPart === '' ? [] : pathPart.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw bad(`"${pair}" is not name=value`);
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (seen.has(name)) throw bad(`"${name}" appears twice`);
    seen.add(name);
    if (name === 'id') uri.id = decode(value, name);
    else if ((PATH_ATTRIBUTES as readonly string[]).includes(name)) {
      const decoded = decodeText(value, name);
      if (name === 'type' && !(OBJECT_TYPES as readonly string[]).includes(decoded)) throw bad(`type must be one of ${OBJECT_TYPES.join(', ')}`);
      uri.path[name as Exclude<PathAttribute, 'id'>] = decoded;
    } else if (!name.startsWith('x-')) throw bad(`"${name}" is not an RFC 7512 path attribute`);
  }
  for (const pair of queryPart === '' ? [] : queryPart.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw bad(`"${pair}" is not name=value`);
    const name = pair.slice(0, eq);
    if (name === 'pin-value') throw bad('a PIN must never be written in a URI (pin-value is refused)');
    if (seen.has(name)) throw bad(`"${name}" appears twice`);
    seen.add(name);
    if ((QUERY_ATTRIBUTES as readonly string[]).includes(name)) uri.query[name as QueryAttribute] = decodeText(pair.slice(eq + 1), name);
    else if (!name.startsWith('x-')) throw bad(`"${name}" is not an RFC 7512 query attribute`);
  }
  return uri;
}

// RFC 7512 §2.3: pk11-pchar = unreserved / pk11-subdelims / ":" / "[" / "]" / "@" / "!" / "$" / "'" / "(" / ")" / "*" / "+" / "," / "="
// minus ";" in the path; we escape every other byte, which any parser accepts.
const SAFE = /[A-Za-z0-9\-._~:[\]@!$'()*+,=&]/u;

function encode(bytes: Uint8Array, everything: boolean): string {
  let out = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    out += !everything && byte < 0x80 && SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Prints a URI in RFC 7512 attribute order; `id` is always fully percent-encoded (§2.3). */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const parts: string[] = [];
  for (const name of PATH_ATTRIBUTES) {
    if (name === 'id') {
      if (uri.id !== undefined) parts.push(`id=${encode(uri.id, true)}`);
      continue;
    }
    const value = uri.path[name];
    if (value !== undefined) parts.push(`${name}=${encode(new TextEncoder().encode(value), false).replaceAll('&', '%26')}`);
  }
  const query = QUERY_ATTRIBUTES.flatMap((name) => {
    const value = uri.query[name];
    return value === undefined ? [] : [`${name}=${encode(new TextEncoder().encode(value), false).replaceAll('&', '%26')}`];
  });
  return `pkcs11:${parts.join(';')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
