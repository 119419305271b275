/**
 * Big-endian readers and writers for the share envelope's fields (docs/formats/share.md §2).
 * `text` is one length byte then strict UTF-8.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';

// TextDecoder exists in every runtime shared/ runs in (Node, browsers,
// Electron) but shared/'s tsconfig has neither DOM nor Node types.
declare const TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => { decode(bytes: Uint8Array): string };
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Thrown when a field runs past the end of the input. */
export class TruncatedError extends Error {}

export class Reader {
  offset = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  skip(n: number): void {
    this.take(n);
  }
  take(n: number): Uint8Array {
    if (this.offset + n > this.#bytes.length) throw new TruncatedError();
    const out = this.#bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(): number {
    this.take(1);
    return this.#view.getUint8(this.offset - 1);
  }
  u16(): number {
    this.take(2);
    return this.#view.getUint16(this.offset - 2);
  }
  u32(): number {
    this.take(4);
    return this.#view.getUint32(this.offset - 4);
  }
  u64(): number {
    this.take(8);
    const value = this.#view.getBigUint64(this.offset - 8);
    // Above 2^53 the value is out of range; checkHeaderFields then refuses it.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(value);
  }
  text(): string {
    // fatal: invalid UTF-8 is an error (TypeError), never silently replaced.
    return strictUtf8.decode(this.take(this.u8()));
  }
}

export class Writer {
  #parts: number[] = [];
  bytes(b: Uint8Array): void {
    for (const x of b) this.#parts.push(x);
  }
  u8(n: number): void {
    this.#parts.push(n & 0xff);
  }
  u16(n: number): void {
    this.#parts.push((n >>> 8) & 0xff, n & 0xff);
  }
  u32(n: number): void {
    this.u16(Math.floor(n / 0x10000));
    this.u16(n & 0xffff);
  }
  u64(n: number): void {
    this.u32(Math.floor(n / 0x100000000));
    this.u32(n >>> 0);
  }
  text(s: string): void {
    const b = utf8ToBytes(s);
    this.u8(b.length);
    this.bytes(b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}
