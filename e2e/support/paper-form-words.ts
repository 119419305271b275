/**
 * What a custodian holds in hand at a recovery: the words of their share's
 * paper form. The engine printed them (electron/core/shares/paper-form-pdf.ts)
 * from the envelope it also wrote as the share file beside the PDF; a spec
 * reads that share file and makes the same printed lines with the same
 * engine code, rather than scraping the PDF's drawing operators. Test
 * support only: the renderer never sees the envelope or this module.
 */
import { existsSync } from 'node:fs';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { shareFileAt } from '../../electron/core/ceremony/runner/answers-inputs.ts';
import { fromArmour } from '../../electron/core/shares/armour.ts';
import { paperFormLines } from '../../electron/core/shares/paper-form-pdf.ts';

export interface PaperForm {
  /** The lines exactly as printed: "01  word word … check check". */
  lines: string[];
  /** What a custodian types: every printed line, then a line break. */
  text: string;
}

/** The paper form of the one share on `medium` (a folder the engine offered for the custodian). */
export function paperFormOn(medium: string, custodian: string): PaperForm {
  const file = shareFileAt(custodian, medium);
  const pdf = `${medium}/${file.name.replace(/\.share$/u, '.pdf')}`;
  if (!existsSync(pdf)) throw new Error(`no paper form beside ${file.name} on ${medium}`);
  const { envelope } = fromArmour(new TextDecoder().decode(file.bytes), file.name);
  const lines = paperFormLines(envelope);
  return { lines, text: `${lines.join('\n')}\n` };
}

const known = new Set(wordlist.flatMap((w) => [w, w.slice(0, 4)]));

/**
 * The same text with word `word` of line `line` (1-based, as printed)
 * misspelt into something outside the word list (neither a word nor the
 * four-letter prefix that identifies one), and that misspelling.
 */
export function misspell(form: PaperForm, line: number, word: number): { text: string; misspelt: string } {
  const printed = form.lines[line - 1];
  if (printed === undefined) throw new RangeError(`the paper form has no line ${line}`);
  const [number, ...words] = printed.split(/\s+/u);
  const meant = words[word - 1];
  if (meant === undefined) throw new RangeError(`line ${line} has no word ${word}`);
  const misspelt = [`${meant}q`, `${meant}qz`, `${meant}zzq`].find((w) => !known.has(w));
  if (misspelt === undefined) throw new Error(`no misspelling of ${meant} outside the list`);
  const edited = `${number ?? ''}  ${words.map((w, i) => (i === word - 1 ? misspelt : w)).join(' ')}`;
  return { text: `${form.lines.map((l, i) => (i === line - 1 ? edited : l)).join('\n')}\n`, misspelt };
}
