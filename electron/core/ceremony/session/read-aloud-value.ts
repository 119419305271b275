/** A step result's public values as the screen reads them aloud: hex and words side by side, else plain text. */
import type { ReadAloud } from '../../../../shared/contract/ceremony.ts';
import type { PublicValue } from '../../../../shared/ceremony/index.ts';

const HEX = /^[0-9a-f]+$/i;

/** A result as a record of named values ({} for anything else). */
export function asRecord(value: PublicValue | undefined): Readonly<Record<string, PublicValue>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, PublicValue>) : {};
}

/** One named value of a result: hex and its words (`<name>Words`) side by side, else plain text. */
export function readAloudValue(result: Readonly<Record<string, PublicValue>>, name: string): ReadAloud {
  const value = result[name];
  const words = result[`${name}Words`];
  const wordList = Array.isArray(words) && words.every((w) => typeof w === 'string') ? (words as string[]).slice(0, 64) : null;
  if (typeof value === 'string' && HEX.test(value) && value.length % 2 === 0 && value.length >= 6) return { name, text: null, hex: value.slice(0, 1024), words: wordList };
  const text = value === undefined ? '(not recorded)' : inWords(value);
  return { name, text: text.slice(0, 1024), hex: null, words: wordList };
}

/**
 * A value as people read it, not as JSON (a custodian at the screen reads
 * "custodian carl, index 1, file …", not braces and quotes): a list's items
 * apart by semicolons, a record's members as "name value" apart by commas,
 * a record inside another in parentheses, yes and no for booleans.
 */
export function inWords(value: PublicValue, depth = 0): string {
  if (depth > 8) return '…';
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => inWords(item, depth + 1)).join('; ');
  const members = Object.entries(value as Record<string, PublicValue>).map(([key, member]) => {
    const said = inWords(member, depth + 1);
    return `${key} ${member !== null && typeof member === 'object' && !Array.isArray(member) ? `(${said})` : said}`;
  });
  return members.length === 0 ? 'none' : members.join(', ');
}
