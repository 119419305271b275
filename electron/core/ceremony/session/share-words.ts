/**
 * Typed paper-form words, checked in main as they are typed: each line's
 * two check words (shared/shares/paper-form.ts) say whether a line is right
 * and, if one word is wrong, which. The answer names the place only: the
 * word that would fix it is share material and never leaves the engine.
 */
import { findWordProblem } from '../../../../shared/shares/paper-form.ts';
import type { SecretBytes } from '../../../../shared/secret-bytes.ts';

/** Words per printed line: 20 data words and 2 check words. */
const LINE = 22;

export interface WordCheck {
  words: number;
  lines: number;
  complete: boolean;
  problem: { code: string; line: number | null; word: number | null; message: string } | null;
}

const MESSAGES: Readonly<Record<string, string>> = {
  SHARE_WORD_UNKNOWN: 'is not in the word list',
  SHARE_WORD_MISTYPED: 'does not match its line\'s check words',
};

export function checkShareWords(typed: SecretBytes): WordCheck {
  return typed.expose((bytes) => {
    // One string for the duration of the check (JavaScript cannot wipe one); the words are the sealed envelope, not the secret.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    const count = text.split(/\s+/u).filter((w) => w !== '').length;
    const problem = findWordProblem(text);
    const lines = Math.ceil(count / LINE);
    if (problem === undefined) return { words: count, lines, complete: true, problem: null };
    const place = problem.line === undefined ? null : { line: problem.line, word: problem.word ?? null };
    const message = place === null ? 'The number of words does not fit whole lines: a line is missing or incomplete.' : `Line ${place.line}, word ${place.word ?? '?'} ${MESSAGES[problem.code] ?? 'is wrong'}; check it against the paper.`;
    return { words: count, lines, complete: false, problem: { code: problem.code, line: place?.line ?? null, word: place?.word ?? null, message } };
  });
}
