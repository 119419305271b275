/**
 * Byte helpers for the transcript format. Hex and UTF-8 come from
 * @noble/hashes; base64 (RFC 4648 §4, the standard alphabet with padding,
 * as signed notes use) is written here because shared/ may not use Node's
 * Buffer and the `Uint8Array.fromBase64` proposal is not in Node 24.
 */
import { bytesToHex, hexToBytes, utf8ToBytes, concatBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes, utf8ToBytes, concatBytes };

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lookup = new Int16Array(128).fill(-1);
for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;

/** RFC 4648 §4 base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63] : '=';
  }
  return out;
}

/**
 * Strict RFC 4648 §4 decoding: padding required, no whitespace, and the
 * unused bits of the last symbol must be zero, so that every byte string has
 * exactly one encoding (a changed character is never silently accepted).
 * Returns undefined for anything else.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const v: number[] = [];
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      if (last && j >= 4 - pad) {
        if (ch !== 61) return undefined;
        v.push(0);
        continue;
      }
      const d = ch < 128 ? (lookup[ch] ?? -1) : -1;
      if (d < 0) return undefined;
      v.push(d);
    }
    const n = ((v[0] ?? 0) << 18) | ((v[1] ?? 0) << 12) | ((v[2] ?? 0) << 6) | (v[3] ?? 0);
    if (last && pad === 2 && (n & 0xffff) !== 0) return undefined;
    if (last && pad === 1 && (n & 0xff) !== 0) return undefined;
    out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

// TextDecoder is in every runtime shared/ runs in (Node, browsers,
// Electron) but in no `lib` without DOM; declare just what we use.
declare const TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => { decode(bytes: Uint8Array): string };
// ignoreBOM: a leading byte-order mark is kept as U+FEFF, not dropped. What
// is hashed and signed is bytes, so the text must be all of them: a journal
// is decoded a segment at a time (scan.ts), and a BOM dropped at each
// segment's start made a line's verdict depend on where a segment began
// (RFC 8259 §8.1: JSON text carries no BOM).
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, or returns undefined for an invalid sequence (never replaces, and keeps a byte-order mark). */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** `bytes`, or, if it is shorter than `length`, a copy at least twice as long (a list of hashes that grows, at a cost that stays linear). */
export function withRoom(bytes: Uint8Array<ArrayBuffer>, length: number): Uint8Array<ArrayBuffer> {
  if (bytes.length >= length) return bytes;
  const more = new Uint8Array(Math.max(2 * bytes.length, length));
  more.set(bytes);
  return more;
}

/**
 * Room for the 32-byte hashes of a journal's lines, one for each 256 bytes
 * of it (withRoom makes more when there are more lines): counting the lines
 * first cost a pass (bench:verify).
 */
export function hashRoomFor(journalLength: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(32 * Math.max(64, Math.ceil(journalLength / 256)));
}
