/**
 * The paper-form words field: what it says of main's line check while a
 * custodian is still typing (a half-typed last line or word is not yet a
 * mistake; an earlier line is), that the text it reads leaves the field at
 * once, and that the field is masked, unchecked by spelling, and labelled.
 */
import fc from 'fast-check';
import { createRef } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CeremonySession } from '../../store/ceremony-slice.ts';
import { resetStore, useKeyriteStore } from '../../store/store.ts';
import { ShareForm } from './share-forms.tsx';
import { ShareWordsField, takeWords, wordFeedback, type WordCheck } from './share-words-field.tsx';

const open = { lastLineOpen: true, lastWordOpen: true };
const ended = { lastLineOpen: false, lastWordOpen: false };

/** A check as main answers it (electron/core/ceremony/session/share-words.ts), with the problem at a place. */
const checkWith = (words: number, code: string | null, line: number | null, word: number | null): WordCheck => ({
  words,
  lines: Math.ceil(words / 22),
  complete: code === null,
  problem: code === null ? null : { code, line, word, message: `Line ${line ?? '?'}, word ${word ?? '?'} (${code}); check it against the paper.` },
});

describe('feedback on typed share words', () => {
  it('asks for the words while nothing is typed, and counts lines once all check', () => {
    expect(wordFeedback(null, open).state).toBe('empty');
    expect(wordFeedback(checkWith(0, 'SHARE_WORD_COUNT', null, null), open).state).toBe('empty');
    expect(wordFeedback(checkWith(150, null, null, null), ended)).toEqual({ state: 'complete', text: 'All 7 lines check (150 words).' });
    expect(wordFeedback(checkWith(20, null, null, null), open).text).toBe('All 1 line checks (20 words).');
  });

  it('waits on the line being typed, and shows its problem once the custodian ends it with a line break', () => {
    const partial = checkWith(30, 'SHARE_WORD_MISTYPED', 2, 5);
    expect(wordFeedback(partial, { lastLineOpen: true, lastWordOpen: false })).toEqual({ state: 'typing', text: '30 words typed; line 2 is checked once it is whole (end it with Enter).' });
    expect(wordFeedback(partial, ended)).toEqual({ state: 'problem', text: partial.problem?.message });
    expect(wordFeedback(checkWith(23, 'SHARE_WORD_COUNT', null, null), open).state).toBe('typing');
    expect(wordFeedback(checkWith(23, 'SHARE_WORD_COUNT', null, null), ended).state).toBe('problem');
  });

  it('waits on a half-typed last word, but names a word outside the list anywhere else at once', () => {
    // Word 8 of line 2 is the 30th word: the last one typed.
    expect(wordFeedback(checkWith(30, 'SHARE_WORD_UNKNOWN', 2, 8), { lastLineOpen: true, lastWordOpen: true }).state).toBe('typing');
    expect(wordFeedback(checkWith(30, 'SHARE_WORD_UNKNOWN', 2, 8), { lastLineOpen: true, lastWordOpen: false }).state).toBe('problem');
    expect(wordFeedback(checkWith(30, 'SHARE_WORD_UNKNOWN', 2, 3), open).state).toBe('problem');
  });

  it('shows a problem on any line before the last one at once, in main\'s words and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 23, max: 8000 }), fc.nat(), fc.integer({ min: 1, max: 22 }), fc.constantFrom('SHARE_WORD_UNKNOWN', 'SHARE_WORD_MISTYPED'), fc.boolean(), fc.boolean(), (words, lineSeed, word, code, lastLineOpen, lastWordOpen) => {
        const lines = Math.ceil(words / 22);
        const line = 1 + (lineSeed % (lines - 1));
        const check = checkWith(words, code, line, word);
        expect(wordFeedback(check, { lastLineOpen, lastWordOpen })).toEqual({ state: 'problem', text: check.problem?.message });
      }),
    );
  });
});

describe('the words field', () => {
  it('hands the text over as UTF-8 bytes and empties the field at once', () => {
    // A stand-in for the textarea (no DOM in this test environment): only `value` is used.
    const area = { value: '01  abandon ability\nzoo' } as HTMLTextAreaElement;
    const field = { current: area };
    expect(new TextDecoder().decode(takeWords(field))).toBe('01  abandon ability\nzoo');
    expect(area.value).toBe('');
    expect(takeWords({ current: null })).toEqual(new Uint8Array(0));
  });

  it('is a labelled, masked textarea with spelling and autocorrect off, its feedback announced politely', () => {
    const html = renderToStaticMarkup(<ShareWordsField label="Words from Carol's paper form" field={createRef<HTMLTextAreaElement>()} generation={0} />);
    const id = /<label for="([^"]+)">Words from Carol&#x27;s paper form<\/label>/.exec(html)?.[1];
    expect(id).toBeDefined();
    expect(html).toContain(`<textarea id="${id}" class="share-words masked" rows="8" autoComplete="off" autoCorrect="off" autoCapitalize="off" spellCheck="false" aria-describedby="${id}-note">`);
    expect(html).toMatch(new RegExp(`id="${id}-note"[^>]*aria-live="polite"[^>]*data-state="empty"`));
  });
});

describe('the share request, file or paper-form words', () => {
  beforeEach(() => resetStore());
  const request = { kind: 'share' as const, id: 7, step: 'collect', expected: ['carl', 'gus'], accepted: ['carl'], threshold: 2 };
  // Only the participants and the steps' actions are read by the form.
  const sessionFor = (action: string) => ({ participants: [{ id: 'carl', name: 'Carl Custodian', role: 'custodian' }, { id: 'gus', name: 'Gus Custodian', role: 'custodian' }], steps: [{ id: 'collect', action }] }) as unknown as CeremonySession;
  const session = sessionFor('shares.collect');

  // Server rendering reads the store's initial state (zustand's server snapshot), so the words
  // side is rendered by the recovery spec (e2e/specs/ceremony-03-recovery.spec.ts), not here.
  it('offers the file or the paper-form words, the file first, with the progress k of M', () => {
    const html = renderToStaticMarkup(<ShareForm request={request} session={session} />);
    expect(html).toContain('<legend>How the share is presented</legend>');
    expect(html).toMatch(/<input type="radio"[^>]* checked="" value="file"\/>Share file on the medium/);
    expect(html).toMatch(/<input type="radio"[^>]* value="words"\/>Type the words from the paper form/);
    expect(html).toContain('Medium holding the share');
    expect(html).not.toContain('<textarea');
    expect(html).toContain('1 of 2 shares accepted (Carl Custodian)');
  });

  it('offers to start a recovery\'s collection over once a share is in, never a custody audit\'s, nor before any share', () => {
    expect(renderToStaticMarkup(<ShareForm request={request} session={session} />)).toContain('Start over…');
    expect(renderToStaticMarkup(<ShareForm request={request} session={sessionFor('custody.audit')} />)).not.toContain('Start over');
    expect(renderToStaticMarkup(<ShareForm request={{ ...request, accepted: [] }} session={session} />)).not.toContain('Start over');
  });

  it('keeps the choice of words in the slice until the ceremony\'s state is reset', () => {
    useKeyriteStore.getState().presentSharesBy('words');
    expect(useKeyriteStore.getState().ceremony.sharesPresentedBy).toBe('words');
    resetStore();
    expect(useKeyriteStore.getState().ceremony.sharesPresentedBy).toBe('file');
  });
});
