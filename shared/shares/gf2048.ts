/**
 * Arithmetic in GF(2^11), the field whose 2048 elements are exactly the
 * BIP-39 word indices, so a word is a field element with nothing left over
 * (a prime field would alias some words and miss those typos). Modulus
 * x^11 + x^2 + 1, a primitive trinomial (the one used for 11-bit LFSRs), so
 * alpha = x generates all 2047 non-zero elements.
 */
export const FIELD_SIZE = 2048;
const ORDER = FIELD_SIZE - 1;
const MODULUS = 0x805;

const exp = new Uint16Array(ORDER * 2);
const log = new Int16Array(FIELD_SIZE).fill(-1);
{
  let v = 1;
  for (let i = 0; i < ORDER; i++) {
    exp[i] = v;
    exp[i + ORDER] = v;
    log[v] = i;
    v <<= 1;
    if (v & FIELD_SIZE) v ^= MODULUS;
  }
}

const logOf = (a: number): number => log[a] ?? -1;
const expOf = (i: number): number => exp[i] ?? 0;

export function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return expOf(logOf(a) + logOf(b));
}

export function div(a: number, b: number): number {
  if (b === 0) throw new RangeError('division by zero in GF(2^11)');
  if (a === 0) return 0;
  return expOf((logOf(a) - logOf(b) + ORDER) % ORDER);
}

/** alpha^i. */
export const power = (i: number): number => expOf(((i % ORDER) + ORDER) % ORDER);
/** The i with alpha^i = a (a non-zero). */
export const logarithm = (a: number): number => logOf(a);
