/**
 * Digests read aloud as words (as ICANN's KSK ceremonies do): the 32 bytes
 * are BIP-39 entropy, so the 24 English words carry a checksum in the last
 * word and any BIP-39 tool turns them back into the hex.
 */
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

export function digestAsWords(digest: Uint8Array): string[] {
  return entropyToMnemonic(digest, wordlist).split(' ');
}

export function wordsAsDigest(words: readonly string[]): Uint8Array {
  return mnemonicToEntropy(words.join(' '), wordlist);
}
