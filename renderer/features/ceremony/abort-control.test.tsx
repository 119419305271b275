/**
 * The abort form is a modal dialog like the sign-off and exception ones
 * (modal-dialog.tsx): a native <dialog> named by its heading, holding the
 * reason (required: it is recorded in the transcript) and the two answers;
 * it is not on the page until the button opens it. What the dialog does
 * with the keyboard (showModal, Tab trapped, Escape gives the focus back)
 * is checked in Chromium by the driver's expectModal
 * (e2e/specs/ceremony-home.spec.ts); there is no DOM here, so this reads
 * the markup React renders.
 */
import fc from 'fast-check';
import { createRef } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetStore } from '../../store/store.ts';
import { AbortControl, AbortDialog } from './abort-control.tsx';

beforeEach(() => resetStore());

const render = (props: { busy?: boolean; refused?: string | null } = {}): string =>
  renderToStaticMarkup(<AbortDialog opener={createRef()} busy={props.busy ?? false} refused={props.refused ?? null} onAbort={() => undefined} onCancel={() => undefined} />);

/** The opening tag of the first element matching `tag`, with its attributes. */
const tagOf = (html: string, tag: string): string => new RegExp(`<${tag}\\b[^>]*>`).exec(html)?.[0] ?? '';
const attr = (openingTag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(openingTag)?.[1];

describe('the abort control', () => {
  it('shows only its button until it is pressed: no form, no dialog', () => {
    const html = renderToStaticMarkup(<AbortControl />);
    expect(html).toContain('Abort the ceremony…');
    expect(html).not.toContain('<dialog');
    expect(html).not.toContain('<form');
  });
});

describe('the abort dialog', () => {
  it('is a native dialog named by its heading, and its form by the same heading', () => {
    const html = render();
    const dialog = tagOf(html, 'dialog');
    expect(dialog).toMatch(/class="modal/);
    const title = attr(dialog, 'aria-labelledby');
    expect(title).toBeTruthy();
    expect(html).toContain(`<h3 id="${title}">Abort the ceremony</h3>`);
    expect(attr(tagOf(html, 'form'), 'aria-labelledby')).toBe(title);
    // The form lives inside the dialog, not beside it.
    expect(html.indexOf('<form')).toBeGreaterThan(html.indexOf('<dialog'));
    expect(html.indexOf('</form>')).toBeLessThan(html.indexOf('</dialog>'));
  });

  it('asks for a reason, labelled and required, and offers Abort now (held until a reason is typed) and Keep going', () => {
    const html = render();
    const input = tagOf(html, 'input');
    expect(input).toMatch(/\brequired=""/);
    expect(html).toContain(`<label for="${attr(input, 'id') ?? '?'}">Why is the ceremony aborted? (recorded in the transcript)</label>`);
    expect(html).toMatch(/<button type="submit" class="danger" disabled="">Abort now<\/button>/);
    expect(html).toMatch(/<button type="button" class="secondary">Keep going<\/button>/);
  });

  it('says why the engine did not abort inside the dialog, in an alert, whatever the words', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }).filter((s) => /^[\w .,:;()-]+$/.test(s)), (reason) => {
        const html = render({ refused: reason });
        const alert = /<p class="refusal-region" role="alert">(.*?)<\/p>/.exec(html)?.[1] ?? '';
        expect(alert).toContain('The ceremony was not aborted:');
        expect(alert).toContain(reason);
        expect(html.indexOf('role="alert"')).toBeLessThan(html.indexOf('</dialog>'));
      }),
    );
    expect(/<p class="refusal-region" role="alert">(.*?)<\/p>/.exec(render())?.[1]).toBe('');
  });
});
