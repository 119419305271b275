/**
 * Values a person reads aloud and another compares (ICANN KSK ceremonies do
 * this with every digest): hex in groups of four, and words from the BIP-39
 * English list (2048 words, 11 bits each; the last word is padded with zero
 * bits). The words are a reading aid, not a BIP-39 mnemonic: no checksum.
 */
import { wordlist } from '@scure/bip39/wordlists/english.js';

export interface HumanValue {
  hex: string;
  /** "4cc9 a1f0 …": groups of 4 hex digits. */
  hexGroups: string;
  words: string[];
}

export function toHexGroups(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{1,4}/gu)?.join(' ') ?? '';
}

export function toWords(bytes: Uint8Array): string[] {
  const words: string[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 11) {
      bits -= 11;
      words.push(wordlist[(acc >> bits) & 0x7ff] ?? '?');
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) words.push(wordlist[(acc << (11 - bits)) & 0x7ff] ?? '?');
  return words;
}

export function human(bytes: Uint8Array): HumanValue {
  return { hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''), hexGroups: toHexGroups(bytes), words: toWords(bytes) };
}
