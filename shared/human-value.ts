/**
 * Values a person reads aloud and another compares (ICANN's KSK ceremonies
 * do this with every digest): hex in groups of four, and words from the
 * BIP-39 English list (2048 words, 11 bits each). One encoding everywhere,
 * so a fingerprint reads the same on screen, in the report and on paper:
 *
 * - a 16, 20, 24, 28 or 32-byte value (a key fingerprint, a transcript root)
 *   is exactly its BIP-39 mnemonic (BIP-39 §"Generating the mnemonic"): the
 *   last word carries a checksum and any BIP-39 tool turns the words back
 *   into the hex;
 * - any other length (a 3-byte key check value) is its bits in 11-bit
 *   groups, the last padded with zero bits.
 */
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

export interface HumanValue {
  hex: string;
  /** "4cc9 a1f0 …": groups of 4 hex digits. */
  hexGroups: string;
  words: string[];
}

const BIP39_ENTROPY_BYTES = new Set([16, 20, 24, 28, 32]);

/** Big-endian 11-bit groups of `bytes`, the last padded with zero bits. */
export function toElevenBitSymbols(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 11) {
      bits -= 11;
      out.push((acc >>> bits) & 0x7ff);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out.push((acc << (11 - bits)) & 0x7ff);
  return out;
}

export function toHexGroups(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{1,4}/gu)?.join(' ') ?? '';
}

export function toWords(bytes: Uint8Array): string[] {
  if (BIP39_ENTROPY_BYTES.has(bytes.length)) return entropyToMnemonic(bytes, wordlist).split(' ');
  return toElevenBitSymbols(bytes).map((symbol) => wordlist[symbol] ?? '?');
}

/** The bytes a 16..32-byte value's words stand for; throws on a mistyped word or a bad checksum. */
export function wordsToDigest(words: readonly string[]): Uint8Array {
  return mnemonicToEntropy(words.join(' '), wordlist);
}

export function human(bytes: Uint8Array): HumanValue {
  return { hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''), hexGroups: toHexGroups(bytes), words: toWords(bytes) };
}
