/**
 * Is a JSON text in RFC 8785 (JCS) canonical form? Checked on the text
 * itself, in one pass and without building the value again: the verifier
 * asks this of every journal line, and re-encoding each event to compare
 * (JSON.stringify, then a key-order walk) cost about as much as parsing it
 * (bench:verify).
 *
 * The text must already be known to be valid JSON (JSON.parse accepted it):
 * this checks only what makes valid JSON canonical. For anything else it
 * returns false and never throws. The answer is the same as comparing the
 * text with the JCS serialisation of its parsed value (a property test in
 * canonical-json.test.ts holds it to the `canonicalize` library), except
 * that where re-serialising throws (a number too large for a double, 1e999;
 * a lone surrogate) the text is simply not canonical.
 *
 * One scanner reads code units: a string's UTF-16 units, or a journal
 * line's bytes in place while they are ASCII (every byte is then the code
 * unit it decodes to). Reading bytes from the file's own array is about three
 * times as fast as reading a string sliced from its decoded text
 * (bench:verify); a line with any other byte is decoded and read as text.
 */
import { utf8Decode } from './bytes.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

// With the u flag a surrogate range matches only unpaired surrogates.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** Code units: UTF-16 units of a string, or the bytes of an ASCII line. */
type Units = Uint8Array | Uint16Array;

/** The scanner's answer when it meets a byte above ASCII in byte mode: decode the line and read it as text. */
const NOT_ASCII = 2;

/** Units [start, end) as a string (units are UTF-16 code units, or ASCII bytes). */
function unitsText(units: Units, start: number, end: number): string {
  let text = '';
  // In chunks: fromCharCode takes its units as arguments.
  for (let at = start; at < end; at += 4096) text += String.fromCharCode(...units.subarray(at, Math.min(end, at + 4096)));
  return text;
}

/**
 * RFC 8785 §3.2.2.2: a string is written as ECMAScript's JSON.stringify
 * writes it. A lone surrogate has no canonical form at all: JCS input is
 * I-JSON (RFC 7493 §2.1), and the journal's writer refuses one.
 */
function escapedStringIsCanonical(token: string): boolean {
  try {
    const value = JSON.parse(token) as string;
    return !loneSurrogate.test(value) && JSON.stringify(value) === token;
  } catch {
    return false;
  }
}

/**
 * RFC 8785 §3.2.2.3: a number is written as ECMAScript's Number::toString
 * writes it (-0 as 0; non-finite values have no JSON form at all).
 */
function numberIsCanonical(units: Units, start: number, end: number): boolean {
  // Fast path: up to 15 digits, optionally negative, is an exact double
  // written back digit for digit (valid JSON has no leading zeros); only
  // -0 is written differently (as 0).
  const negative = units[start] === 0x2d;
  const first = negative ? start + 1 : start;
  if (end - first <= 15) {
    let digitsOnly = true;
    for (let i = first; digitsOnly && i < end; i++) {
      const c = units[i] as number;
      digitsOnly = c >= 0x30 && c <= 0x39;
    }
    if (digitsOnly) return !(negative && end - first === 1 && units[first] === 0x30);
  }
  const token = unitsText(units, start, end);
  const value = Number(token);
  return Number.isFinite(value) && String(value) === token;
}

/**
 * Compares two object member names, given as the positions of their quoted
 * tokens, by UTF-16 code units (RFC 8785 §3.2.3). Returns <0, 0 or >0.
 */
function compareNames(units: Units, aStart: number, aEnd: number, aEscaped: boolean, bStart: number, bEnd: number, bEscaped: boolean): number {
  if (aEscaped || bEscaped) {
    const a = JSON.parse(unitsText(units, aStart, aEnd)) as string;
    const b = JSON.parse(unitsText(units, bStart, bEnd)) as string;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // Without escapes the characters between the quotes are the name itself.
  const aLength = aEnd - aStart - 2;
  const bLength = bEnd - bStart - 2;
  const length = Math.min(aLength, bLength);
  for (let k = 1; k <= length; k++) {
    const d = (units[aStart + k] as number) - (units[bStart + k] as number);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}


/** Is `text` (valid JSON) the RFC 8785 canonical serialisation of its value? */
export function isCanonicalJson(text: string): boolean {
  // A lone surrogate is never canonical (see escapedStringIsCanonical); a pair is one character.
  if (loneSurrogate.test(text)) return false;
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return scanCanonical(units, 0, units.length, false) === 1;
}

/**
 * isCanonicalJson of the text that bytes [start, end) of `bytes` decode to
 * as UTF-8, or false if they are not UTF-8. Read in place while the line is
 * ASCII.
 */
export function isCanonicalJsonLine(bytes: Uint8Array, start: number, end: number): boolean {
  const answer = scanCanonical(bytes, start, end, true);
  if (answer !== NOT_ASCII) return answer === 1;
  const text = utf8Decode(bytes.subarray(start, end));
  return text !== undefined && isCanonicalJson(text);
}

/**
 * The scanner: 1 if units [from, length) are canonical, 0 if not; in byte
 * mode (`ascii`), NOT_ASCII at the first unit above 0x7f inside a string
 * (outside one, any such unit is simply not JSON).
 */
function scanCanonical(text: Units, from: number, length: number, ascii: boolean): 0 | 1 | typeof NOT_ASCII {
  // One entry per open object or array: for an object, the previous member
  // name's token (start -1 before the first); an array is start -2.
  const nameStarts: number[] = [];
  const nameEnds: number[] = [];
  const namesEscaped: boolean[] = [];
  let expectName = false;
  let i = from;
  while (i < length) {
    const c = text[i] as number;
    if (c === QUOTE) {
      let close: number;
      let escaped = false;
      // Most strings are short: a loop here costs less than a call to indexOf.
      close = i + 1;
      for (;;) {
        if (close >= length) break;
        const d = text[close] as number;
        if (d === QUOTE) break;
        if (d === BACKSLASH) {
          escaped = true;
          close++;
        } else if (d > 0x7f && ascii) return NOT_ASCII;
        close++;
      }
      if (close >= length) return 0;
      const end = close + 1;
      if (escaped && !escapedStringIsCanonical(unitsText(text, i, end))) return 0;
      if (expectName) {
        const top = nameStarts.length - 1;
        const previous = nameStarts[top] as number;
        // Members sorted by name, strictly: a repeated name is not canonical either (§3.2.3).
        if (previous >= 0 && compareNames(text, previous, nameEnds[top] as number, namesEscaped[top] as boolean, i, end, escaped) >= 0) return 0;
        nameStarts[top] = i;
        nameEnds[top] = end;
        namesEscaped[top] = escaped;
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      nameStarts.push(c === 0x7b ? -1 : -2);
      nameEnds.push(-1);
      namesEscaped.push(false);
      expectName = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      nameStarts.pop();
      nameEnds.pop();
      namesEscaped.pop();
      expectName = false;
      i++;
    } else if (c === COMMA) {
      expectName = (nameStarts[nameStarts.length - 1] ?? -2) !== -2;
      i++;
    } else if (c === COLON) {
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      for (; j < length; j++) {
        const d = text[j] as number;
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
      }
      if (!numberIsCanonical(text, i, j)) return 0;
      i = j;
    } else if (c === 0x74 /* t */ || c === 0x6e /* n */) {
      i += 4;
    } else if (c === 0x66 /* f */) {
      i += 5;
    } else {
      // Whitespace between tokens (RFC 8785 §3.2.1), or not JSON at all.
      return 0;
    }
  }
  return nameStarts.length === 0 ? 1 : 0;
}
