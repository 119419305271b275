/**
 * Chain of custody: serials typed at this ceremony (tamper-evident bags,
 * HSMs, laptops, media) compared with those a previous ceremony recorded.
 * A mismatch is what the engine raises as an exception.
 *
 * Normalisation, and nothing more:
 * 1. Unicode NFC: the same characters typed on different keyboards compare
 *    equal (a composed é and e + combining accent).
 * 2. Leading and trailing white space removed; any run of white space inside
 *    becomes one space. "AB  123" equals "AB 123"; it does not equal "AB123".
 * 3. Upper case (locale-independent): "ab-123" equals "AB-123".
 * Every other character counts: dashes, dots, slashes, leading zeros, and
 * look-alikes (O and 0, I and 1) are never folded, since a bag serial that
 * differs by one of them is a different bag. Invisible characters (control
 * and format characters: zero-width space, byte-order mark, direction marks)
 * are refused, not removed: DEVICES_SERIAL_INVALID names the position.
 */
import { KeyriteError } from '../../../shared/result.ts';
import type { CustodyComparison, CustodySerial } from './schemas.ts';

// \p{Cc} control, \p{Cf} format (U+200B, U+FEFF, U+200E…), \p{Co} private use, \p{Cn} unassigned.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u;
// White space as Unicode's White_Space property lists it; not \s, which also matches the invisible U+FEFF.
const WHITE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;

/**
 * The form in which serials are compared. Throws DEVICES_SERIAL_INVALID for
 * an empty value or one with an invisible character.
 * @example normaliseSerial('  ab-00123 ') // 'AB-00123'
 */
export function normaliseSerial(value: string, what = 'serial'): string {
  // Tab and newline are white space (collapsed below), not invisible characters.
  // Not String.prototype.trim(): it would silently drop a U+FEFF, which must be refused.
  const spaced = value.normalize('NFC').replace(WHITE, ' ').replace(/^ /u, '').replace(/ $/u, '');
  const invisible = INVISIBLE.exec(spaced);
  if (invisible !== null) {
    const code = invisible[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '?';
    throw new KeyriteError('DEVICES_SERIAL_INVALID', `The ${what} contains an invisible character (U+${code}) at position ${invisible.index + 1}; type it again.`);
  }
  if (spaced === '') throw new KeyriteError('DEVICES_SERIAL_INVALID', `The ${what} is empty.`);
  return spaced.toUpperCase();
}

/** The serial typed by one person, read back by a witness: do they agree? */
export function confirmReadBack(typed: string, readBack: string): { confirmed: boolean; value: string } {
  const value = normaliseSerial(typed);
  return { confirmed: normaliseSerial(readBack, 'read-back serial') === value, value };
}

const keyOf = (s: CustodySerial): string => `${s.kind}\u0000${normaliseSerial(s.label, 'label')}`;

function index(serials: readonly CustodySerial[], which: string): Map<string, CustodySerial> {
  const map = new Map<string, CustodySerial>();
  for (const s of serials) {
    const key = keyOf(s);
    if (map.has(key)) throw new KeyriteError('DEVICES_SERIAL_DUPLICATE', `The ${which} serials list "${s.label}" (${s.kind}) twice.`);
    map.set(key, { kind: s.kind, label: s.label.trim(), value: normaliseSerial(s.value) });
  }
  return map;
}

/**
 * Compares entered serials with recorded ones, item by item (same kind and
 * label). Values in the result are normalised: what was compared is what is
 * shown. `exception` is true when any value differs.
 */
export function compareCustodySerials(entered: readonly CustodySerial[], recorded: readonly CustodySerial[]): CustodyComparison {
  const now = index(entered, 'entered');
  const before = index(recorded, 'recorded');
  const result: CustodyComparison = { matches: [], mismatches: [], missing: [], new: [], exception: false };
  for (const [key, item] of now) {
    const previous = before.get(key);
    if (previous === undefined) result.new.push(item);
    else if (previous.value === item.value) result.matches.push(item);
    else result.mismatches.push({ kind: item.kind, label: item.label, recorded: previous.value, entered: item.value });
  }
  for (const [key, item] of before) if (!now.has(key)) result.missing.push(item);
  result.exception = result.mismatches.length > 0;
  return result;
}
