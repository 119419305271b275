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
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

// With the u flag a surrogate range matches only unpaired surrogates.
const loneSurrogate = /[\uD800-\uDFFF]/u;

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
function numberIsCanonical(text: string, start: number, end: number): boolean {
  // Fast path: up to 15 digits, optionally negative, is an exact double
  // written back digit for digit (valid JSON has no leading zeros); only
  // -0 is written differently (as 0).
  const negative = text.charCodeAt(start) === 0x2d;
  const first = negative ? start + 1 : start;
  if (end - first <= 15) {
    let digitsOnly = true;
    for (let i = first; digitsOnly && i < end; i++) {
      const c = text.charCodeAt(i);
      digitsOnly = c >= 0x30 && c <= 0x39;
    }
    if (digitsOnly) return !(negative && end - first === 1 && text.charCodeAt(first) === 0x30);
  }
  const token = text.slice(start, end);
  const value = Number(token);
  return Number.isFinite(value) && String(value) === token;
}

/**
 * Compares two object member names, given as the positions of their quoted
 * tokens, by UTF-16 code units (RFC 8785 §3.2.3). Returns <0, 0 or >0.
 */
function compareNames(text: string, aStart: number, aEnd: number, aEscaped: boolean, bStart: number, bEnd: number, bEscaped: boolean): number {
  if (aEscaped || bEscaped) {
    const a = JSON.parse(text.slice(aStart, aEnd)) as string;
    const b = JSON.parse(text.slice(bStart, bEnd)) as string;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // Without escapes the characters between the quotes are the name itself.
  const aLength = aEnd - aStart - 2;
  const bLength = bEnd - bStart - 2;
  const length = Math.min(aLength, bLength);
  for (let k = 1; k <= length; k++) {
    const d = text.charCodeAt(aStart + k) - text.charCodeAt(bStart + k);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}


/** Is `text` (valid JSON) the RFC 8785 canonical serialisation of its value? */
export function isCanonicalJson(text: string): boolean {
  // A lone surrogate is never canonical (see escapedStringIsCanonical); a pair is one character.
  if (loneSurrogate.test(text)) return false;
  // Speed: without a backslash, a string ends at the next quote, found natively.
  const anyEscape = text.includes('\\');
  // One entry per open object or array: for an object, the previous member
  // name's token (start -1 before the first); an array is start -2.
  const nameStarts: number[] = [];
  const nameEnds: number[] = [];
  const namesEscaped: boolean[] = [];
  let expectName = false;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let close: number;
      let escaped = false;
      if (!anyEscape) {
        // Most strings are short: a loop here costs less than a call to indexOf.
        close = i + 1;
        while (close < length && text.charCodeAt(close) !== QUOTE) close++;
      } else {
        close = i + 1;
        for (;;) {
          const d = text.charCodeAt(close);
          if (d === QUOTE || close >= length) break;
          if (d === BACKSLASH) {
            escaped = true;
            close++;
          }
          close++;
        }
      }
      if (close < 0 || close >= length) return false;
      const end = close + 1;
      if (escaped && !escapedStringIsCanonical(text.slice(i, end))) return false;
      if (expectName) {
        const top = nameStarts.length - 1;
        const previous = nameStarts[top] as number;
        // Members sorted by name, strictly: a repeated name is not canonical either (§3.2.3).
        if (previous >= 0 && compareNames(text, previous, nameEnds[top] as number, namesEscaped[top] as boolean, i, end, escaped) >= 0) return false;
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
        const d = text.charCodeAt(j);
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
      }
      if (!numberIsCanonical(text, i, j)) return false;
      i = j;
    } else if (c === 0x74 /* t */ || c === 0x6e /* n */) {
      i += 4;
    } else if (c === 0x66 /* f */) {
      i += 5;
    } else {
      // Whitespace between tokens (RFC 8785 §3.2.1), or not JSON at all.
      return false;
    }
  }
  return nameStarts.length === 0;
}
