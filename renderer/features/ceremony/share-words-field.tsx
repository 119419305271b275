/**
 * The words of a share's paper form, typed by its custodian. Like the
 * passphrase fields (secret-field.tsx) the text never enters React state or
 * the store: the textarea is uncontrolled, `takeWords` reads it once as
 * UTF-8 bytes and empties it, and the slice zeroes the bytes once sent.
 * It is masked (Chromium's text-security) unless the custodian asks to see
 * it, and spell-checking and autocorrect are off so no word reaches a
 * dictionary service.
 *
 * As the custodian types, main checks each line's two check words
 * (ceremony/checkShareWords; shared/shares/paper-form.ts) and answers with
 * a place and a reason, never a word. The line being typed cannot check
 * until it is whole, so a problem there is shown as "being typed" until the
 * custodian ends it with a line break; a problem on an earlier line, or a
 * word outside the list, is shown at once.
 */
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import type { ResponseOf } from '../../../shared/contract.ts';
import { getKeyrite } from '../../bridge.ts';

export type WordCheck = ResponseOf<'ceremony/checkShareWords'>;

/** What the field shows: the engine's verdict, read with where the custodian is in the text. */
export interface WordFeedback {
  state: 'empty' | 'typing' | 'problem' | 'complete';
  text: string;
}

const CHECK_DELAY_MS = 350;
const HINT = 'Type every line as printed, check words included; the line numbers may be left out.';

/**
 * `lastLineOpen`: the text does not end with a line break, so its last line
 * may still be short. `lastWordOpen`: the text does not end with a space,
 * so its last word may be half typed.
 */
export function wordFeedback(check: WordCheck | null, typing: { lastLineOpen: boolean; lastWordOpen: boolean }): WordFeedback {
  if (check === null || check.words === 0) return { state: 'empty', text: HINT };
  const count = `${check.words} ${check.words === 1 ? 'word' : 'words'}`;
  if (check.complete) return { state: 'complete', text: `All ${check.lines} ${check.lines === 1 ? 'line checks' : 'lines check'} (${count}).` };
  const problem = check.problem;
  const onLastLine = problem === null || problem.line === null || problem.line === check.lines;
  const onLastWord = problem !== null && problem.line !== null && problem.word !== null && (problem.line - 1) * 22 + problem.word === check.words;
  const unfinished = problem?.code === 'SHARE_WORD_UNKNOWN' ? typing.lastWordOpen && onLastWord : typing.lastLineOpen && onLastLine;
  if (unfinished || problem === null) return { state: 'typing', text: `${count} typed; line ${check.lines} is checked once it is whole (end it with Enter).` };
  return { state: 'problem', text: problem.message };
}

/** The field's words as bytes; the field is emptied at once. */
export function takeWords(field: RefObject<HTMLTextAreaElement | null>): Uint8Array<ArrayBuffer> {
  const area = field.current;
  const bytes = new TextEncoder().encode(area?.value ?? '');
  if (area !== null) area.value = '';
  return bytes;
}

interface ShareWordsFieldProps {
  label: string;
  field: RefObject<HTMLTextAreaElement | null>;
  /** Changes after each submit, so the feedback of the words just sent is dropped. */
  generation: number;
}

export function ShareWordsField({ label, field, generation }: ShareWordsFieldProps) {
  const id = useId();
  const [shown, setShown] = useState(false);
  const [feedback, setFeedback] = useState<WordFeedback>(() => wordFeedback(null, { lastLineOpen: true, lastWordOpen: true }));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // A check answered after the field was emptied or retyped must not show.
  const asked = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    clearTimeout(timer.current);
    asked.current++;
    setFeedback(wordFeedback(null, { lastLineOpen: true, lastWordOpen: true }));
  }, [generation]);

  const onInput = (): void => {
    clearTimeout(timer.current);
    const ticket = ++asked.current;
    timer.current = setTimeout(() => {
      const value = field.current?.value ?? '';
      const typing = { lastLineOpen: !/\n\s*$/u.test(value), lastWordOpen: !/\s$/u.test(value) };
      if (value.trim() === '') return setFeedback(wordFeedback(null, typing));
      const bytes = new TextEncoder().encode(value);
      void getKeyrite()
        .ceremony.checkShareWords({ words: bytes })
        .then((result) => {
          if (ticket === asked.current) setFeedback(result.ok ? wordFeedback(result.value, typing) : { state: 'problem', text: result.error.message });
        })
        .finally(() => bytes.fill(0));
    }, CHECK_DELAY_MS);
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        ref={field}
        className={shown ? 'share-words' : 'share-words masked'}
        rows={8}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        onInput={onInput}
        aria-describedby={`${id}-note`}
      />
      <span id={`${id}-note`} className={`field-note words-${feedback.state}`} aria-live="polite" data-testid="share-words-check" data-state={feedback.state}>
        {feedback.text}
      </span>
      <label className="choice">
        <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
        Show the words while typing (only where no one else can see the screen)
      </label>
    </div>
  );
}
