/**
 * Feedback on a passphrase while it is typed, computed in main so the
 * secret goes nowhere else. An estimate, said to be one: length times the
 * size of the character classes used, discounted for repeated characters.
 * It is no dictionary check; the floor that is enforced is the length the
 * credential and share KDFs require (MIN_PASSPHRASE_BYTES).
 */
import { MIN_PASSPHRASE_BYTES } from '../credential.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';

export interface PassphraseAssessment {
  acceptable: boolean;
  strength: 'too-short' | 'weak' | 'fair' | 'strong';
  problems: string[];
}

/** Estimated bits: characters × log2(alphabet of the classes present) × share of distinct characters. */
export function estimateBits(bytes: Uint8Array): number {
  const classes = { lower: false, upper: false, digit: false, space: false, other: false };
  const distinct = new Set<number>();
  for (const b of bytes) {
    distinct.add(b);
    if (b >= 0x61 && b <= 0x7a) classes.lower = true;
    else if (b >= 0x41 && b <= 0x5a) classes.upper = true;
    else if (b >= 0x30 && b <= 0x39) classes.digit = true;
    else if (b === 0x20) classes.space = true;
    else classes.other = true;
  }
  const alphabet = (classes.lower ? 26 : 0) + (classes.upper ? 26 : 0) + (classes.digit ? 10 : 0) + (classes.space ? 1 : 0) + (classes.other ? 33 : 0);
  if (bytes.length === 0 || alphabet < 2) return 0;
  return bytes.length * Math.log2(alphabet) * (distinct.size / bytes.length);
}

export function assessPassphrase(passphrase: SecretBytes): PassphraseAssessment {
  return passphrase.expose((bytes) => {
    if (bytes.length < MIN_PASSPHRASE_BYTES) return { acceptable: false, strength: 'too-short' as const, problems: [`At least ${MIN_PASSPHRASE_BYTES} characters.`] };
    const bits = estimateBits(bytes);
    const problems: string[] = [];
    if (new Set(bytes).size <= 2) problems.push('Almost every character is the same.');
    if (bits < 50) problems.push('Longer is stronger: four or more unrelated words work well.');
    const strength = bits < 50 ? ('weak' as const) : bits < 70 ? ('fair' as const) : ('strong' as const);
    return { acceptable: true, strength, problems };
  });
}
