/**
 * Digests read aloud as words: the one encoding in shared/human-value.ts
 * (a 32-byte root is its BIP-39 mnemonic: 24 words, checksum in the last).
 */
import { toWords, wordsToDigest } from '../human-value.ts';

export const digestAsWords = (digest: Uint8Array): string[] => toWords(digest);
export const wordsAsDigest = (words: readonly string[]): Uint8Array => wordsToDigest(words);
