/**
 * TEST ONLY: the byte-exact search of everything the renderer received for
 * every secret of the run (issue #8: "no byte of any key, share, PIN or
 * passphrase ... appears in any of them (hex, base64 or raw)").
 *
 * Messages are walked, not stringified: JSON.stringify turns a Uint8Array
 * into {"0":12,"1":34,...}, where no encoding of the secret can be seen.
 * Typed arrays, ArrayBuffers, arrays of byte-sized integers and objects
 * shaped like a serialised typed array are taken as bytes; a string as its
 * UTF-8 bytes and, when every code unit fits a byte, as those bytes too (a
 * binary string made with String.fromCharCode). Object keys count as strings.
 *
 * Each secret is searched as raw bytes, hex (lower and upper) and base64 and
 * base64url (RFC 4648 §4, §5) at all three alignments: inside a longer blob
 * the secret starts at offset 0, 1 or 2 mod 3, and its base64 then differs.
 * For alignment k the secret minus its first k bytes, cut to whole 3-byte
 * groups, encodes to characters that appear in the blob's base64 whatever
 * comes before or after it.
 */

/** A secret of the run: what it is (never its value) and its bytes. */
export interface KnownSecret {
  what: string;
  bytes: Uint8Array;
}

/** Where a secret was found: which secret, in which form, where in the messages. */
export interface SecretHit {
  what: string;
  form: string;
  path: string;
}

/**
 * Secrets shorter than this are not searched. Every form of an 8-byte
 * secret is at least 8 characters (48 bits of a random value), so a chance
 * match against megabytes of public data is about 2^-48 per position;
 * shorter values (a 3-byte check value, a 4-digit number) would match
 * public data by chance and make the scan cry wolf. The real secrets are
 * longer: PINs of 8 digits, passphrases, 33-byte shares, 32-byte keys.
 */
export const MIN_SECRET_BYTES = 8;

interface Needle {
  form: string;
  bytes: Buffer;
}

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Every form in which `bytes` could sit inside a message. */
export function formsOf(bytes: Uint8Array): Needle[] {
  const raw = Buffer.from(bytes);
  const hex = raw.toString('hex');
  const needles: Needle[] = [
    { form: 'raw bytes', bytes: raw },
    { form: 'lower-case hex', bytes: ascii(hex) },
    { form: 'upper-case hex', bytes: ascii(hex.toUpperCase()) },
  ];
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((raw.length - skip) / 3) * 3;
    if (whole < 3) continue;
    const groups = raw.subarray(skip, skip + whole);
    needles.push({ form: `base64 (from byte ${skip})`, bytes: ascii(groups.toString('base64')) });
    needles.push({ form: `base64url (from byte ${skip})`, bytes: ascii(groups.toString('base64url')) });
  }
  return needles;
}

interface Haystack {
  path: string;
  start: number;
  end: number;
}

const isByte = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;

/** A plain object {"0": b0, "1": b1, ...}: a typed array after a JSON round trip. */
function serialisedBytes(value: object): Uint8Array | null {
  const entries = Object.entries(value);
  if (entries.length < MIN_SECRET_BYTES) return null;
  const out = new Uint8Array(entries.length);
  for (const [i, [key, v]] of entries.entries()) {
    if (key !== String(i) || !isByte(v)) return null;
    out[i] = v;
  }
  return out;
}

/** Every searchable run of bytes in `messages`, laid end to end in one buffer (one search over it, not one per string). */
export function haystacksOf(messages: readonly unknown[]): { buffer: Buffer; parts: Haystack[] } {
  // Gathered first and written once into a buffer of the summed length: the
  // ceremony specs' messages hold hundreds of thousands of short strings.
  const pieces: (string | Uint8Array)[] = [];
  const parts: Haystack[] = [];
  let at = 0;
  const push = (path: string, piece: string | Uint8Array): void => {
    const length = typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.byteLength;
    if (length === 0) return;
    pieces.push(piece);
    parts.push({ path, start: at, end: at + length });
    at += length;
  };
  const pushString = (path: string, text: string): void => {
    push(path, text);
    // eslint-disable-next-line no-control-regex -- a binary string: code units 0x80-0xff, none above
    if (/[^\u0000-\u007f]/u.test(text) && !/[^\u0000-\u00ff]/u.test(text)) push(`${path} (as one byte a character)`, Buffer.from(text, 'latin1'));
  };
  const seen = new Set<object>();
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') return pushString(path, value);
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return push(path, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) return push(path, new Uint8Array(value));
    if (value instanceof Map) {
      for (const [k, v] of value) {
        walk(k, `${path}<key>`);
        walk(v, `${path}.get(${typeof k === 'string' ? k : '…'})`);
      }
      return;
    }
    if (value instanceof Set) {
      let i = 0;
      for (const v of value) walk(v, `${path}<${i++}>`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length >= MIN_SECRET_BYTES && value.every(isByte)) push(`${path} (as bytes)`, Uint8Array.from(value));
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    const asBytes = '0' in value ? serialisedBytes(value) : null;
    if (asBytes !== null) push(`${path} (as bytes)`, asBytes);
    for (const key of Object.keys(value)) {
      pushString(`${path}.${key} (the key itself)`, key);
      walk((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  messages.forEach((m, i) => walk(m, `received[${i}]`));
  const buffer = Buffer.allocUnsafe(at);
  pieces.forEach((piece, i) => {
    const { start } = parts[i] as Haystack;
    if (typeof piece === 'string') buffer.write(piece, start, 'utf8');
    else buffer.set(piece, start);
  });
  return { buffer, parts };
}

/** The part holding [from, to), or undefined when the match runs across two parts (not one message's value). */
function partHolding(parts: readonly Haystack[], from: number, to: number): Haystack | undefined {
  let lo = 0;
  let hi = parts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const part = parts[mid] as Haystack;
    if (from < part.start) hi = mid - 1;
    else if (from >= part.end) lo = mid + 1;
    else return to <= part.end ? part : undefined;
  }
  return undefined;
}

/**
 * Every place any of `secrets` appears in `messages`, in any form (the
 * first place for each secret and form); empty when none does. One pass
 * over the bytes: each position's next four bytes are looked up among the
 * needles' first four (every needle has at least 8), and only a candidate is
 * compared in full. Searching needle by needle costs a full pass each, some
 * 500 passes over the ceremony specs' messages.
 */
export function findSecrets(messages: readonly unknown[], secrets: readonly KnownSecret[]): SecretHit[] {
  const { buffer, parts } = haystacksOf(messages);
  const byPrefix = new Map<number, { what: string; needle: Needle; found: boolean }[]>();
  /** The low 16 bits of every prefix: most positions are ruled out by one array read, before the map. */
  const maybe = new Uint8Array(65536);
  for (const secret of secrets) {
    if (secret.bytes.length < MIN_SECRET_BYTES) continue;
    for (const needle of formsOf(secret.bytes)) {
      const prefix = needle.bytes.readUInt32BE(0);
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { what: secret.what, needle, found: false }]);
      maybe[prefix & 0xffff] = 1;
    }
  }
  const hits: SecretHit[] = [];
  let window = 0;
  for (let end = 0; end < buffer.length; end++) {
    window = ((window << 8) | (buffer[end] as number)) >>> 0;
    if (end < 3 || maybe[window & 0xffff] === 0) continue;
    const candidates = byPrefix.get(window);
    if (candidates === undefined) continue;
    const start = end - 3;
    for (const candidate of candidates) {
      const length = candidate.needle.bytes.length;
      if (candidate.found || start + length > buffer.length || buffer.compare(candidate.needle.bytes, 0, length, start, start + length) !== 0) continue;
      const part = partHolding(parts, start, start + length);
      if (part === undefined) continue;
      candidate.found = true;
      hits.push({ what: candidate.what, form: candidate.needle.form, path: part.path });
    }
  }
  return hits;
}
