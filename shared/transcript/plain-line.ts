/**
 * The common journal line, read without parsing the whole of it: the
 * verifier's fast path (bench:verify). A line the recorder wrote is the
 * RFC 8785 form of an event (event.ts), so its envelope is a fixed run of
 * sorted member names, each followed by a plain value. This reads that run
 * from the line's bytes, parses only the payload with JSON.parse, and
 * checks the payload's canonical form; everything else in the envelope is
 * canonical by construction (names sorted, no whitespace, strings of
 * printable ASCII without escapes, which JSON.stringify writes as they are
 * (RFC 8785 §3.2.2.2), and whole numbers of at most 15 digits, written as
 * Number::toString writes them, §3.2.2.3).
 *
 * It answers only when the line is exactly that, and its time is valid (the
 * envelope's time rule, read here from the bytes): anything else (an
 * escape, a byte above ASCII, a negative or long number, whitespace,
 * another order, a payload that is not canonical, a time that is not one)
 * gets undefined, and the caller parses the line in full, which names what
 * is wrong. When it answers, the event is the one JSON.parse gives for the
 * line, member for member and in the same order, and the line is canonical
 * (plain-line.test.ts holds it to both, over random events and edits of
 * them).
 */
import { isCanonicalJsonLine } from './canonical-json.ts';
import { isUtcTimeBytes, type JsonValue, type TranscriptEvent } from './event.ts';

const QUOTE = 0x22;

/** Member names in RFC 8785 order, each with what comes before it: `{"actors":` opens, `,"at":` follows, ... */
const openers = ['actors', 'at', 'ceremony', 'mono', 'payload', 'prev', 'seq', 'step', 'type', 'v'].map((name, i) => {
  const text = `${i === 0 ? '{' : ','}"${name}":`;
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
});

// The reading position within the line: module state rather than a
// closure, as a closure per line costs a fifth of the reading (bench:verify).
let at = 0;

/** Consumes member k's opener, or fails. */
function opener(bytes: Uint8Array, end: number, k: number): boolean {
  const literal = openers[k] as Uint8Array;
  // A local copy of the module's position: the loop then keeps it in a register.
  const from = at;
  const length = literal.length;
  if (from + length > end) return false;
  for (let j = 0; j < length; j++) if (bytes[from + j] !== literal[j]) return false;
  at = from + length;
  return true;
}

/** The end (the closing quote) of a plain string (printable ASCII, no quote or backslash inside) opening at `at`; -1 if not plain. */
function plainStringEnd(bytes: Uint8Array, end: number): number {
  if (bytes[at] !== QUOTE) return -1;
  for (let j = at + 1; j < end; j++) {
    const c = bytes[j] as number;
    // The common byte in one range test: 0x23..0x7e but the backslash, or
    // else a space or "!" (what is left of printable ASCII but the quote).
    // With the opener's local position, 8% off checking the lines (bench:verify).
    if ((c - 0x23) >>> 0 <= 0x7e - 0x23 ? c !== 0x5c : c === 0x20 || c === 0x21) continue;
    return c === QUOTE ? j : -1;
  }
  return -1;
}

/** A plain string, consumed; undefined if not plain. */
function plainString(bytes: Uint8Array, text: string, end: number): string | undefined {
  const close = plainStringEnd(bytes, end);
  if (close < 0) return undefined;
  const value = text.slice(at + 1, close);
  at = close + 1;
  return value;
}

/**
 * plainString for a value that repeats from line to line (every line names
 * the same ceremony; runs of lines have one type and one actor; a type's
 * payload has the same member names): the same bytes as the last time give the same string
 * object, not a new one, which the checks after this compare by reference
 * instead of character by character, and which a payload takes as a member
 * name without looking it up again.
 */
class RepeatedString {
  // The last value's bytes, copied: the journal's array may be another one,
  // or changed, by the next call.
  #bytes = new Uint8Array(0);
  #value = '';

  read(bytes: Uint8Array, text: string, end: number): string | undefined {
    const from = at + 1;
    const close = plainStringEnd(bytes, end);
    if (close < 0) return undefined;
    at = close + 1;
    const last = this.#bytes;
    const length = close - from;
    if (length === last.length) {
      let k = 0;
      while (k < length && bytes[from + k] === last[k]) k++;
      if (k === length) return this.#value;
    }
    this.#bytes = bytes.slice(from, close);
    this.#value = text.slice(from, close);
    return this.#value;
  }
}

const lastCeremony = new RepeatedString();
const lastType = new RepeatedString();
/** The payload's member names, and the actors, by place (a payload or list of more reads the rest as new strings). */
const lastNames = Array.from({ length: 8 }, () => new RepeatedString());
const lastActors = Array.from({ length: 4 }, () => new RepeatedString());

/** A whole number of 1 to 15 digits without a leading zero (exact as a double, and written back the same), consumed; -1 if not one. */
function wholeNumber(bytes: Uint8Array, end: number): number {
  let value = 0;
  const first = at;
  for (; at < end; at++) {
    const c = bytes[at] as number;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  const digits = at - first;
  return digits === 0 || digits > 15 || (digits > 1 && bytes[first] === 0x30) ? -1 : value;
}

/** `[` plain strings separated by commas `]`, consumed; undefined if not that. */
function plainStrings(bytes: Uint8Array, text: string, end: number, repeated?: readonly RepeatedString[]): string[] | undefined {
  if (bytes[at] !== 0x5b /* [ */) return undefined;
  at++;
  const list: string[] = [];
  if (bytes[at] === 0x5d /* ] */) {
    at++;
    return list;
  }
  for (;;) {
    const place = list.length;
    const item = repeated !== undefined && place < repeated.length ? (repeated[place] as RepeatedString).read(bytes, text, end) : plainString(bytes, text, end);
    if (item === undefined) return undefined;
    list.push(item);
    if (bytes[at] === 0x2c /* , */) at++;
    else if (bytes[at] === 0x5d) {
      at++;
      return list;
    } else return undefined;
  }
}

/**
 * Each pair of bytes (the first in the low 8 bits) that is two lower-case
 * hex digits, as the byte they name; 0xffff for any other pair.
 */
const hexPairValues = (() => {
  const digits = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
  const values = new Uint16Array(1 << 16).fill(0xffff);
  for (let byte = 0; byte < 256; byte++) values[(digits[byte >> 4] as number) | ((digits[byte & 15] as number) << 8)] = byte;
  return values;
})();

/**
 * A string of 64 lower-case hex digits (a prev) decoded into out[outAt,
 * outAt + 32), and consumed; false, with nothing consumed (and out's bytes
 * then undefined), if the string is not that.
 */
function hexHashString(bytes: Uint8Array, end: number, out: Uint8Array, outAt: number): boolean {
  const from = at + 1;
  if (bytes[at] !== QUOTE || from + 64 >= end || bytes[from + 64] !== QUOTE) return false;
  for (let k = 0; k < 32; k++) {
    const value = hexPairValues[(bytes[from + 2 * k] as number) | ((bytes[from + 2 * k + 1] as number) << 8)] as number;
    if (value > 0xff) return false;
    out[outAt + k] = value;
  }
  at = from + 65;
  return true;
}

export interface PlainLine {
  readonly event: TranscriptEvent;
  /** The prev was 64 lower-case hex digits, decoded where readPlainLine was asked to (PrevOut). */
  readonly prevDecoded: boolean;
}

/**
 * Where to decode the line's prev to, when it is 64 lower-case hex digits,
 * for its link to be checked as bytes: at once (a whole journal), or later
 * (scan.ts, a part), each prev decoded while the line is read, its bytes
 * then at hand, rather than read back out of the whole journal later
 * (which spent half its time waiting for memory, bench:verify).
 */
export interface PrevOut {
  readonly bytes: Uint8Array;
  readonly at: number;
}

/**
 * Reads line bytes [start, end) of `bytes`; `text` is the whole journal
 * decoded, at the same offsets (the journal is ASCII), for the values.
 */
export function readPlainLine(bytes: Uint8Array, text: string, start: number, end: number, prevOut: PrevOut): PlainLine | undefined {
  at = start;
  if (!opener(bytes, end, 0)) return undefined;
  const actors = plainStrings(bytes, text, end, lastActors);
  if (actors === undefined || !opener(bytes, end, 1)) return undefined;
  const timeAt = at + 1;
  const time = plainString(bytes, text, end);
  // The envelope's time rule, from the bytes (the caller need not test it again).
  if (time === undefined || !isUtcTimeBytes(bytes, timeAt, at - 1) || !opener(bytes, end, 2)) return undefined;
  const ceremony = lastCeremony.read(bytes, text, end);
  if (ceremony === undefined || !opener(bytes, end, 3)) return undefined;
  const mono = wholeNumber(bytes, end);
  if (mono < 0 || !opener(bytes, end, 4) || bytes[at] !== 0x7b /* { */) return undefined;
  const payload = plainPayload(bytes, text, end) ?? parsedPayload(bytes, text, end);
  if (payload === undefined) return undefined;
  if (!opener(bytes, end, 5)) return undefined;
  const prevAt = at + 1;
  const prevDecoded = hexHashString(bytes, end, prevOut.bytes, prevOut.at);
  const prev = prevDecoded ? text.slice(prevAt, prevAt + 64) : plainString(bytes, text, end);
  if (prev === undefined || !opener(bytes, end, 6)) return undefined;
  const seq = wholeNumber(bytes, end);
  if (seq < 0 || !opener(bytes, end, 7)) return undefined;
  let step: string | null;
  if (bytes[at] === 0x6e /* n */) {
    if (plainLiteral(bytes) !== null) return undefined;
    step = null;
  } else {
    const named = plainString(bytes, text, end);
    if (named === undefined) return undefined;
    step = named;
  }
  if (!opener(bytes, end, 8)) return undefined;
  const type = lastType.read(bytes, text, end);
  if (type === undefined || !opener(bytes, end, 9)) return undefined;
  const v = wholeNumber(bytes, end);
  if (v < 0 || bytes[at] !== 0x7d /* } */ || at + 1 !== end) return undefined;
  // Members in the line's order, as JSON.parse makes them.
  return { event: { actors, at: time, ceremony, mono, payload, prev, seq, step, type, v } as TranscriptEvent, prevDecoded };
}

/**
 * The end (one past the closing brace) of the object opening at `from`,
 * counting brackets outside strings, whose contents must be plain (as
 * above); -1 if there is none or a string is not plain. The object's JSON
 * grammar is left to JSON.parse.
 */
function objectEnd(bytes: Uint8Array, from: number, end: number): number {
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      for (i++; i < end; i++) {
        const d = bytes[i] as number;
        if (d === QUOTE) break;
        if (d < 0x20 || d > 0x7e || d === 0x5c) return -1;
      }
      if (i >= end) return -1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return c === 0x7d ? i + 1 : -1;
    }
  }
  return -1;
}

/**
 * A payload whose members are plain (sorted names that are plain strings,
 * not __proto__, each a plain string, a whole number, true, false, null or
 * a list of plain strings), consumed; undefined, and nothing consumed, if
 * it is anything else. Its members are made in the text's order, as
 * JSON.parse makes them (names that are array indices then come first in
 * both, by the same object model).
 */
function plainPayload(bytes: Uint8Array, text: string, end: number): { [key: string]: JsonValue } | undefined {
  const start = at;
  const payload: { [key: string]: JsonValue } = {};
  at++;
  if (bytes[at] === 0x7d /* } */) {
    at++;
    return payload;
  }
  let previousStart = -1;
  let previousEnd = -1;
  for (let member = 0; ; member++) {
    const nameStart = at + 1;
    const name = member < lastNames.length ? (lastNames[member] as RepeatedString).read(bytes, text, end) : plainString(bytes, text, end);
    // __proto__ would set the prototype here, where JSON.parse makes a member of that name.
    if (name === undefined || name === '__proto__' || bytes[at] !== 0x3a /* : */) return notPlain(start);
    const nameEnd = at - 1;
    // RFC 8785 §3.2.3: names strictly increasing (by code unit; ASCII bytes are their code units).
    if (previousStart >= 0 && compareBytes(bytes, previousStart, previousEnd, nameStart, nameEnd) >= 0) return notPlain(start);
    previousStart = nameStart;
    previousEnd = nameEnd;
    at++;
    const c = bytes[at] as number;
    let value: JsonValue | undefined;
    if (c === QUOTE) value = plainString(bytes, text, end);
    else if (c >= 0x30 && c <= 0x39) value = wholeNumber(bytes, end);
    else if (c === 0x5b /* [ */) value = plainStrings(bytes, text, end);
    else value = plainLiteral(bytes);
    if (value === undefined || value === -1) return notPlain(start);
    payload[name] = value;
    if (bytes[at] === 0x2c /* , */) {
      at++;
    } else if (bytes[at] === 0x7d) {
      at++;
      return payload;
    } else {
      return notPlain(start);
    }
  }
}

const literals: readonly [Uint8Array, boolean | null][] = [
  [Uint8Array.of(0x74, 0x72, 0x75, 0x65), true],
  [Uint8Array.of(0x66, 0x61, 0x6c, 0x73, 0x65), false],
  [Uint8Array.of(0x6e, 0x75, 0x6c, 0x6c), null],
];

/** true, false or null, consumed; undefined if none is here. */
function plainLiteral(bytes: Uint8Array): boolean | null | undefined {
  for (const [word, value] of literals) {
    let k = 0;
    while (k < word.length && bytes[at + k] === word[k]) k++;
    if (k === word.length) {
      at += k;
      return value;
    }
  }
  return undefined;
}

function notPlain(start: number): undefined {
  at = start;
  return undefined;
}

/** Byte order of [aStart, aEnd) and [bStart, bEnd). */
function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < length; k++) {
    const d = (bytes[aStart + k] as number) - (bytes[bStart + k] as number);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Any other payload of plain strings: parsed by JSON.parse and checked canonical, consumed; undefined if it is not. */
function parsedPayload(bytes: Uint8Array, text: string, end: number): { [key: string]: JsonValue } | undefined {
  const payloadStart = at;
  const payloadEnd = objectEnd(bytes, at, end);
  if (payloadEnd < 0 || !isCanonicalJsonLine(bytes, payloadStart, payloadEnd)) return undefined;
  try {
    const payload = JSON.parse(text.slice(payloadStart, payloadEnd)) as { [key: string]: JsonValue };
    at = payloadEnd;
    return payload;
  } catch {
    return undefined;
  }
}
