/**
 * The paper form of a share: the envelope as words from the BIP-39 English
 * list (2048 words, 11 bits each, every word identified by its first four
 * letters), printed in numbered lines a person can type back.
 *
 * Each line holds up to 20 data words and ends with 2 check words: a
 * Reed-Solomon code over GF(2^11) with syndromes at alpha^0 and alpha^1
 * (minimum distance 3). A line with one mistyped word gives syndromes
 * S0 = e, S1 = e * alpha^j, so j = log(S1 / S0) says which word and
 * word XOR e what it should have been. We only *locate* and suggest; we never
 * correct silently: the fixed text must then pass the checks again, then the
 * envelope's CRC-32, then its AEAD tag.
 *
 * Data words carry (u16 big-endian byte count || envelope), packed 11 bits at
 * a time, most significant bit first, the last word padded with zero bits.
 */
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { div, logarithm, mul, power } from './gf2048.ts';
import { ShareRejection } from './share-rejection.ts';
import { toElevenBitSymbols } from '../human-value.ts';

export const DATA_WORDS_PER_LINE = 20;
export const CHECK_WORDS_PER_LINE = 2;
const LINE = DATA_WORDS_PER_LINE + CHECK_WORDS_PER_LINE;
/** 10 KiB of envelope is ~7,500 words; anything longer is refused before decoding. */
export const MAX_PAPER_WORDS = 8000;

const indexOfWord = new Map<string, number>();
wordlist.forEach((word, i) => {
  indexOfWord.set(word, i);
  indexOfWord.set(word.slice(0, 4), i);
});

/** Lines of words, check words last on each line. */
export function toPaperForm(envelope: Uint8Array): string[][] {
  if (envelope.length > 0xffff) throw new RangeError('envelope too large for the paper form');
  const data = new Uint8Array(2 + envelope.length);
  data[0] = envelope.length >>> 8;
  data[1] = envelope.length & 0xff;
  data.set(envelope, 2);
  const symbols = bytesToSymbols(data);
  const lines: string[][] = [];
  for (let start = 0; start < symbols.length; start += DATA_WORDS_PER_LINE) {
    const line = withChecks(symbols.slice(start, start + DATA_WORDS_PER_LINE));
    lines.push(line.map((s) => wordlist[s] ?? ''));
  }
  return lines;
}

/** Where the first problem in typed words is, for the UI to show as the custodian types. */
export interface WordProblem {
  code: 'SHARE_WORD_UNKNOWN' | 'SHARE_WORD_MISTYPED' | 'SHARE_WORD_COUNT';
  /** 1-based line and word within the line, as printed; absent for a count problem. */
  line?: number;
  word?: number;
  typed?: string;
  /** For a located mistype: the word that makes the line's checks pass. */
  suggestion?: string;
  why: string;
}

/** Tokens of the typed text: words, with printed line numbers ("01", "7:") ignored. */
function tokens(text: string): string[] {
  return text.toLowerCase().split(/\s+/u).filter((t) => t !== '' && !/^\d+[:.]?$/u.test(t));
}

/** Checks typed words line by line without decoding; undefined when every line checks. */
export function findWordProblem(text: string): WordProblem | undefined {
  if (text.length > MAX_PAPER_WORDS * 16) return { code: 'SHARE_WORD_COUNT', why: 'it is longer than any share.' };
  const typed = tokens(text);
  if (typed.length > MAX_PAPER_WORDS) return { code: 'SHARE_WORD_COUNT', why: `it has ${typed.length} words, more than any share.` };
  const symbols: number[] = [];
  for (const [i, token] of typed.entries()) {
    const value = indexOfWord.get(token);
    if (value === undefined) {
      return { ...at(i), code: 'SHARE_WORD_UNKNOWN', typed: token, why: `word ${where(i)} ("${token}") is not in the word list.` };
    }
    symbols.push(value);
  }
  const last = symbols.length % LINE;
  if (symbols.length === 0 || (last !== 0 && last <= CHECK_WORDS_PER_LINE)) {
    return { code: 'SHARE_WORD_COUNT', why: `it has ${symbols.length} words, which no share has: a line is missing or incomplete.` };
  }
  for (let start = 0; start < symbols.length; start += LINE) {
    const line = symbols.slice(start, start + LINE);
    const [s0, s1] = syndromes(line);
    if (s0 === 0 && s1 === 0) continue;
    const lineNo = start / LINE + 1;
    const j = s0 !== 0 && s1 !== 0 ? logarithm(div(s1, s0)) : -1;
    if (j >= 0 && j < line.length) {
      const i = start + j;
      return {
        ...at(i), code: 'SHARE_WORD_MISTYPED', typed: typed[i] ?? '', suggestion: wordlist[(line[j] ?? 0) ^ s0] ?? '',
        why: `word ${where(i)} ("${typed[i] ?? ''}") does not fit its line's check words.`,
      };
    }
    return { line: lineNo, code: 'SHARE_WORD_MISTYPED', why: `line ${lineNo} has more than one mistyped word.` };
  }
  return undefined;
}

/** Decodes typed words to envelope bytes, or throws a ShareRejection that locates the problem. */
export function fromPaperForm(text: string, source: string): Uint8Array {
  const problem = findWordProblem(text);
  if (problem !== undefined) {
    const hint = problem.suggestion === undefined ? '' : ` Did you mean "${problem.suggestion}"?`;
    throw new ShareRejection(problem.code, { source }, `${problem.why}${hint}`);
  }
  const symbols: number[] = [];
  const all = tokens(text).map((t) => indexOfWord.get(t) ?? 0);
  for (let start = 0; start < all.length; start += LINE) symbols.push(...all.slice(start, Math.min(start + LINE, all.length) - CHECK_WORDS_PER_LINE));
  const data = symbolsToBytes(symbols);
  const length = data === undefined || data.length < 2 ? -1 : ((data[0] ?? 0) << 8) | (data[1] ?? 0);
  // The count must be exactly what `length` bytes need, and every padding bit zero.
  if (data === undefined || length < 0 || Math.ceil((8 * (2 + length)) / 11) !== symbols.length || data.subarray(2 + length).some((b) => b !== 0)) {
    throw new ShareRejection('SHARE_WORD_COUNT', { source }, 'its words check, but their count does not match the length they encode: a whole line is missing or repeated.');
  }
  return data.slice(2, 2 + length);
}

const at = (i: number): { line: number; word: number } => ({ line: Math.floor(i / LINE) + 1, word: (i % LINE) + 1 });
const where = (i: number): string => `${(i % LINE) + 1} of line ${Math.floor(i / LINE) + 1}`;

function syndromes(line: readonly number[]): [number, number] {
  let s0 = 0;
  let s1 = 0;
  line.forEach((c, i) => {
    s0 ^= c;
    s1 ^= mul(c, power(i));
  });
  return [s0, s1];
}

/** Appends the two check symbols that make both syndromes zero. */
function withChecks(data: readonly number[]): number[] {
  const a = data.length;
  const b = a + 1;
  const [t0, t1] = syndromes(data);
  // c_a + c_b = T0 and c_a a^a + c_b a^b = T1 (characteristic 2: minus is plus).
  const ca = div(t1 ^ mul(t0, power(b)), power(a) ^ power(b));
  return [...data, ca, t0 ^ ca];
}

const bytesToSymbols = toElevenBitSymbols;

/** Every whole byte the symbols hold; undefined if the bits left over are not zero. */
function symbolsToBytes(symbols: readonly number[]): Uint8Array | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const s of symbols) {
    acc = (acc << 11) | s;
    bits += 11;
    while (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  if (acc !== 0) return undefined;
  return Uint8Array.from(out);
}
