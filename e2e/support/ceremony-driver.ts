/**
 * Drives a built-in ceremony through the UI alone, the way a QA engineer
 * would: it reads what the screen asks (the request panel, the step's
 * requirements, the enrolled list) and answers with labels and roles, the
 * cast coming from the ceremony's rehearsal answers file (the same people,
 * PINs, share passphrases and serials `keyrite rehearse` uses). It waits on
 * the screen and the transcript timeline, never on time. Every secret it
 * types is remembered, and after each ceremony the share files its run
 * wrote or read are opened in the test process (run-secrets.ts), so a spec
 * can scan what the renderer received for all of them.
 *
 * `keyboard: true` uses the keyboard alone: Tab to move, typing, arrows in
 * a list, Enter to press.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { parse } from 'yaml';
import { readBundle } from '../../electron/core/transcript/bundle-export.ts';
import { nodeSha256 } from '../../electron/core/transcript/node-sha256.ts';
import { verifyBundle } from '../../shared/transcript/bundle.ts';
import { expect, test, type KeyriteApp } from './fixtures.ts';
import { dataDirOf, runFolderOf } from './kept-data-folder.ts';
import { misspell, paperFormOn } from './paper-form-words.ts';
import { runSecrets } from './run-secrets.ts';
import { checkScreen } from './screens.ts';
import { findSecrets } from './secret-scan.ts';
import type { WrongShare } from './stray-shares.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const LONG = { timeout: 120_000 };

export interface Person {
  id: string;
  name: string;
  role: string;
  passphrase: string;
}

export interface Cast {
  participants: Person[];
  pins: Record<string, string>;
  custodianPassphrases: Record<string, string>;
  custodySerials: { kind: string; label: string; typed: string; readBack: string }[];
  /** Custodians who present a share, in order (recovery, reshare, audit). */
  presenters: string[];
}

/** The rehearsal answers file of a built-in ceremony (electron/core/ceremony/runner/fixtures/). */
export function castOf(answersFile: string): Cast {
  const raw = parse(readFileSync(join(repo, 'electron/core/ceremony/runner/fixtures', answersFile), 'utf8')) as {
    participants: Person[];
    pins?: Record<string, string>;
    custodianPassphrases?: Record<string, string>;
    custodySerials?: Cast['custodySerials'];
    previous?: { shares?: Record<string, string> };
  };
  return {
    participants: raw.participants,
    pins: raw.pins ?? {},
    custodianPassphrases: raw.custodianPassphrases ?? {},
    custodySerials: raw.custodySerials ?? [],
    presenters: Object.keys(raw.previous?.shares ?? {}),
  };
}

/** A wrong input to make once, at its first chance, and the words the engine must answer with. */
export type Mistake = 'enrol-mismatch' | 'enrol-role-full' | 'wrong-pin' | 'wrong-signer-role' | 'wrong-signer-passphrase' | 'bad-share-passphrase' | 'misspelt-share-word' | 'start-over-shares';

export interface DriveOptions {
  /** The earlier ceremony whose bundle and share media this one uses (its script id). */
  previousScriptId?: string;
  mistakes?: Mistake[];
  /** The custodian (id) who types the words of their share's paper form instead of presenting its file. */
  byWords?: string;
  keyboard?: boolean;
  /** Names of screens already checked with axe and photographed (shared across ceremonies of one spec). */
  seen?: Set<string>;
  /** Shares handed over by the wrong hands or damaged (stray-shares.ts), each at its presenter's turn before their own share; each must be refused in the engine's words. */
  wrongShares?: WrongShare[];
  /** Takes a request before the driver answers it: true when the spec dealt with it (raised an exception there, cut the power there). */
  intercept?: (request: { kind: string; id: number }) => Promise<boolean>;
}

export interface DriveResult {
  bundleFolder: string;
  /** Engine refusals seen on screen, by code. */
  refusals: string[];
}

/** Every secret typed in this test, with the field it was typed in: the spec scans what the renderer received for each (run-secrets.ts). */
const remember = (text: string, where: string): void => runSecrets.remember(text, where);

const utcNow = (): string => new Date().toISOString().slice(11, 19);

/** What the request panel says each kind of question asks for (its accessible name, renderer/features/ceremony/request-panel.tsx). */
const ASKS: Record<string, string> = {
  participant: 'enrol a participant',
  signer: 'a signature',
  pin: 'an HSM PIN',
  'witness-time': "the witness's time",
  'custody-serial': 'a serial number',
  'seal-passphrase': 'a share passphrase',
  'share-medium': 'where to write a share',
  share: 'a share',
  'previous-bundle': 'the earlier ceremony',
};

/** The engine's code at the end of a refusal notice's text. */
const codeIn = (text: string): string => /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\s*$/.exec(text.trim())?.[1] ?? '';

export class CeremonyDriver {
  readonly page: Page;
  readonly #testInfo: TestInfo;
  readonly #keyboard: boolean;
  /** Screens checked when a call is given no set of its own (refusals, confirmations): each once a driver. */
  readonly #seen = new Set<string>();

  constructor(app: KeyriteApp, testInfo: TestInfo, keyboard = false) {
    this.page = app.page;
    this.#testInfo = testInfo;
    this.#keyboard = keyboard;
  }

  /** Starts a built-in ceremony from Home and waits for its transcript to open. */
  async start(title: string): Promise<void> {
    const button = this.page.getByRole('button', { name: `Start ${title}` });
    await this.press(button);
    await expect(this.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await this.timelineShows('ceremony/opened');
  }

  /** From a ceremony's outcome back to Home. */
  async backHome(): Promise<void> {
    await this.press(this.page.getByRole('button', { name: 'Back to home' }));
    await expect(this.page.getByRole('heading', { level: 1, name: 'Key ceremonies' })).toBeVisible();
  }

  async timelineShows(type: string, count = 1): Promise<void> {
    await expect(this.events(type)).toHaveCount(count, LONG);
  }

  /** The transcript's events of one type, as the timeline lists them (each item shows its type). */
  events(type: string): Locator {
    const list = this.page.getByRole('complementary', { name: 'Transcript' }).getByRole('list', { name: 'Recorded events, newest first' });
    return list.getByRole('listitem').filter({ has: this.page.getByText(type, { exact: true }) });
  }

  /** A screen seen for the first time: a screenshot (named by ceremony and screen) saved and attached to the report, and an axe check in both themes (screens.ts). */
  async checkScreen(name: string, seen: Set<string> = this.#seen): Promise<void> {
    if (seen.has(name)) return;
    seen.add(name);
    const main = this.page.locator('main[data-ceremony]');
    const ceremony = (await main.count()) > 0 ? ((await main.getAttribute('data-ceremony')) ?? 'ceremony') : 'home';
    await checkScreen(this.page, this.#testInfo, `ceremony-${ceremony}-${name}`);
  }

  // ---- keyboard or pointer -------------------------------------------------

  /** Moves focus with Tab (or Shift+Tab) until `target` has it. */
  async tabTo(target: Locator): Promise<void> {
    await target.waitFor();
    for (let i = 0; i < 200; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await this.page.keyboard.press(i < 100 ? 'Tab' : 'Shift+Tab');
    }
    throw new Error(`Tab never reached ${target.toString()}`);
  }

  async press(button: Locator): Promise<void> {
    await expect(button).toBeEnabled(LONG);
    if (!this.#keyboard) return button.click();
    await this.tabTo(button);
    await this.page.keyboard.press('Enter');
  }

  async type(field: Locator, text: string): Promise<void> {
    if (!this.#keyboard) return field.fill(text);
    await this.tabTo(field);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(text);
  }

  async typeSecret(field: Locator, text: string): Promise<void> {
    remember(text, `typed in ${field.toString()}`);
    await this.type(field, text);
  }

  /** Chooses an option by its label: arrows on a focused list with the keyboard. */
  async choose(select: Locator, label: string | RegExp): Promise<void> {
    const labels = await select.getByRole('option').allTextContents();
    const wanted = labels.findIndex((l) => (typeof label === 'string' ? l === label : label.test(l)));
    if (wanted < 0) throw new Error(`no option ${String(label)} in ${labels.join(' | ')}`);
    if (!this.#keyboard) {
      await select.selectOption({ index: wanted });
      return;
    }
    await this.tabTo(select);
    const at = await select.evaluate((el) => (el as HTMLSelectElement).selectedIndex);
    for (let i = at; i < wanted; i++) await this.page.keyboard.press('ArrowDown');
    for (let i = at; i > wanted; i--) await this.page.keyboard.press('ArrowUp');
    await expect(select).toHaveJSProperty('selectedIndex', wanted);
  }

  // ---- the ceremony --------------------------------------------------------

  /** The region where the engine asks its question now, named "Question <n>: <what it asks for>". */
  requestPanel(): Locator {
    return this.page.getByRole('region', { name: /^Question \d+: / });
  }

  /** The question's number and kind once the engine asks something new, or null once the ceremony ended. */
  async nextRequest(after: number): Promise<{ kind: string; id: number } | null> {
    const outcome = this.page.getByRole('region', { name: /^Ceremony (closed|aborted)$/ });
    const fresh = this.page.getByRole('region', { name: new RegExp(`^Question (?!${after}:)\\d+: `) });
    await expect(outcome.or(fresh)).toBeVisible(LONG);
    if (await outcome.isVisible()) return null;
    const name = /^Question (\d+): (.+)$/.exec((await fresh.getAttribute('aria-label')) ?? '');
    const kind = Object.entries(ASKS).find(([, words]) => words === name?.[2])?.[0];
    if (name === null || kind === undefined) throw new Error(`a question the driver does not know: ${name?.[0] ?? '(none)'}`);
    const id = Number(name[1]);
    if (id === after) return this.nextRequest(after);
    return { kind, id };
  }

  /** The refusal notice (an alert named "Not accepted") shows the engine's code and its words. */
  async refusalSays(code: string, words: RegExp): Promise<void> {
    const notice = this.page.getByRole('alert', { name: 'Not accepted' }).filter({ hasText: code });
    await expect(notice).toBeVisible(LONG);
    await expect(notice).toContainText(words);
    await this.checkScreen(await this.#noticeScreen(code));
  }

  /**
   * The notice's screen name, by which of its two forms shows
   * (refusal-notice.tsx): `refused-<code>` for a refusal the runner
   * recorded before asking again, `turned-down-<code>` for a command the
   * engine turned down (its answer was an error, "Not accepted: …").
   */
  async #noticeScreen(code: string): Promise<string> {
    const turnedDown = this.page.getByRole('alert', { name: 'Not accepted' }).getByTestId('ceremony-error').filter({ hasText: code });
    return (await turnedDown.count()) > 0 ? `turned-down-${code}` : `refused-${code}`;
  }

  // ---- exceptions and resuming ------------------------------------------------

  /**
   * A dialog is a true modal (WAI-ARIA APG dialog pattern): it is the
   * page's modal dialog (`:modal`, so the page behind is inert), the focus
   * is inside it, Tab from its last control comes back to its first and
   * Shift+Tab from the first goes to the last, a control behind it cannot
   * take the focus, and Escape closes it and gives the focus back to
   * `opener`, which opens it again.
   */
  async expectModal(dialog: Locator, first: Locator, last: Locator, behind: Locator, opener: Locator): Promise<void> {
    const keyboard = this.page.keyboard;
    await expect(dialog).toBeVisible(LONG);
    expect(await dialog.evaluate((el) => el.matches(':modal')), 'the dialog is modal').toBe(true);
    await expect.poll(() => dialog.evaluate((el) => el.contains(document.activeElement)), 'the focus moved into the dialog').toBe(true);
    await first.focus();
    await keyboard.press('Shift+Tab');
    await expect(last).toBeFocused();
    await keyboard.press('Tab');
    await expect(first).toBeFocused();
    // Round the whole dialog: every stop is inside it.
    const stops = await dialog.evaluate((el) => el.querySelectorAll('button:not([disabled]), input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])').length);
    for (let i = 0; i <= stops; i++) {
      await keyboard.press('Tab');
      expect(await dialog.evaluate((el) => el.contains(document.activeElement)), `Tab ${i + 1} stays in the dialog`).toBe(true);
    }
    // The page behind is inert: it refuses the focus even when asked directly.
    await behind.evaluate((el) => (el as HTMLElement).focus());
    await expect(behind).not.toBeFocused();
    await keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    await keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await expect(first).toBeFocused();
  }

  #signOffChecked = false;

  /** The sign-off dialog, signed by `signer` with `passphrase` (the first time with the keyboard, it is first checked to be a true modal). */
  async signAs(signer: Person, passphrase = signer.passphrase): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    if (this.#keyboard && !this.#signOffChecked) {
      this.#signOffChecked = true;
      const title = (await dialog.getByRole('heading').textContent()) ?? '';
      await test.step('the sign-off dialog is a true modal', () =>
        this.expectModal(dialog, dialog.getByLabel('Who signs', { exact: true }), dialog.getByRole('button', { name: 'Not now' }), this.page.getByRole('button', { name: 'Raise an exception…' }), this.requestPanel().getByRole('button', { name: `${title}…` })),
      );
    }
    await this.choose(dialog.getByLabel('Who signs', { exact: true }), `${signer.name} — ${signer.role}`);
    await this.typeSecret(dialog.getByLabel('Their signing passphrase', { exact: true }), passphrase);
    await this.press(dialog.getByRole('button', { name: 'Sign' }));
  }

  /** The exception button: the form (axe-checked in both themes), expected, actual and the decision; then the dialog asks for its signers. */
  async raiseException(raised: { expected: string; actual: string; decision: 'continue' | 'abort' }, seen: Set<string>): Promise<void> {
    const signOff = this.page.getByRole('dialog');
    // A sign-off waiting: its dialog is put aside first (the page behind it is inert).
    if (await signOff.isVisible()) await this.press(signOff.getByRole('button', { name: 'Not now' }));
    const opener = this.page.getByRole('button', { name: 'Raise an exception…' });
    await this.press(opener);
    const dialog = this.page.getByRole('dialog', { name: 'Raise an exception' });
    const form = dialog.getByRole('form', { name: 'Raise an exception' });
    await test.step('the exception dialog is a true modal', () =>
      this.expectModal(dialog, form.getByLabel('What the script expected', { exact: true }), form.getByRole('button', { name: 'Cancel' }), this.page.getByRole('button', { name: 'Abort the ceremony…' }), opener),
    );
    await this.type(form.getByLabel('What the script expected', { exact: true }), raised.expected);
    await this.type(form.getByLabel('What actually happened', { exact: true }), raised.actual);
    await this.choose(form.getByLabel('Decision', { exact: true }), raised.decision === 'continue' ? 'Continue the ceremony' : 'Abort the ceremony');
    await this.checkScreen('exception-form', seen);
    await this.press(form.getByRole('button', { name: 'Record the exception for signing' }));
    await expect(this.page.getByRole('dialog').getByRole('heading', { name: 'Sign the exception' })).toBeVisible(LONG);
    await this.checkScreen('exception-signing', seen);
  }

  /**
   * The abort button: its dialog is first checked to be a true modal (from
   * the reason to Keep going, the exception button behind it inert), then
   * the reason is typed, the filled-in dialog photographed and axe-checked,
   * and Abort now pressed.
   */
  async abort(reason: string, seen?: Set<string>): Promise<void> {
    const opener = this.page.getByRole('button', { name: 'Abort the ceremony…' });
    await this.press(opener);
    const dialog = this.page.getByRole('dialog', { name: 'Abort the ceremony' });
    const form = dialog.getByRole('form', { name: 'Abort the ceremony' });
    const field = form.getByLabel('Why is the ceremony aborted? (recorded in the transcript)', { exact: true });
    await test.step('the abort dialog is a true modal', () =>
      this.expectModal(dialog, field, form.getByRole('button', { name: 'Keep going' }), this.page.getByRole('button', { name: 'Raise an exception…' }), opener),
    );
    await this.type(field, reason);
    await this.checkScreen('abort-form', seen);
    await this.press(form.getByRole('button', { name: 'Abort now' }));
  }

  /** Home after a restart: the interrupted ceremony is listed; Resume opens it where it stopped and says so. */
  async resumeFromHome(title: string, seen: Set<string>): Promise<void> {
    const list = this.page.getByRole('list', { name: 'Interrupted ceremonies' });
    await expect(list.getByRole('listitem').filter({ hasText: title })).toHaveCount(1, LONG);
    await this.checkScreen('home-interrupted', seen);
    await this.press(list.getByRole('button', { name: new RegExp(`^Resume ${title} \\(`) }));
    await expect(this.page.getByRole('heading', { level: 1, name: title })).toBeVisible(LONG);
    await expect(this.page.getByRole('heading', { name: 'Resumed after an interruption' })).toBeVisible(LONG);
    await this.checkScreen('resumed', seen);
  }

  /** Answers every request until the outcome screen; returns the bundle folder the screen names. */
  async run(cast: Cast, options: DriveOptions = {}): Promise<DriveResult> {
    const mistakes = new Set(options.mistakes ?? []);
    const wrongShares = [...(options.wrongShares ?? [])];
    const seen = options.seen ?? new Set<string>();
    const refusals: string[] = [];
    const presented = new Set<string>();
    /** The medium folder each custodian's share was presented from: its files are secret material of this run. */
    const media = new Map<string, string>();
    const page = this.page;
    const panel = this.requestPanel();
    let last = 0;
    for (let request = await this.nextRequest(last); request !== null; request = await this.nextRequest(last)) {
      last = request.id;
      for (const notice of await page.getByRole('alert', { name: 'Not accepted' }).all()) {
        const code = codeIn((await notice.textContent()) ?? '');
        if (code !== '') refusals.push(code);
      }
      await this.checkScreen(request.kind, seen);
      if ((await options.intercept?.(request)) === true) continue;
      switch (request.kind) {
        case 'participant':
          await this.enrolNext(cast, mistakes);
          break;
        case 'signer':
          await this.signNext(cast, mistakes);
          break;
        case 'pin': {
          const hsm = ((await panel.getByRole('heading').textContent()) ?? '').replace('Log in to HSM ', '').trim();
          const pin = cast.pins[hsm] ?? Object.values(cast.pins)[0] ?? '';
          const wrong = mistakes.delete('wrong-pin');
          await this.typeSecret(panel.getByLabel(/^PIN for HSM/), wrong ? '87654321' : pin);
          await this.press(panel.getByRole('button', { name: 'Log in' }));
          if (wrong) await this.refusalSays('HSM_PIN_INCORRECT', /PIN/i);
          break;
        }
        case 'witness-time':
          await this.type(panel.getByLabel('UTC time read by the witness (HH:MM:SS)', { exact: true }), utcNow());
          await this.press(panel.getByRole('button', { name: 'Record the time' }));
          break;
        case 'custody-serial': {
          const heading = (await panel.getByRole('heading').textContent()) ?? '';
          const item = cast.custodySerials.find((s) => heading.endsWith(`: ${s.label}`) && heading.includes(s.kind));
          if (item === undefined) throw new Error(`no serial in the cast for "${heading}"`);
          await this.type(panel.getByLabel('Serial typed by the administrator', { exact: true }), item.typed);
          await this.type(panel.getByLabel('Serial read back by a witness', { exact: true }), item.readBack);
          await this.press(panel.getByRole('button', { name: 'Record the serial' }));
          break;
        }
        case 'seal-passphrase': {
          const heading = (await panel.getByRole('heading').textContent()) ?? '';
          const custodian = cast.participants.find((p) => heading.startsWith(`${p.name}:`));
          const secret = cast.custodianPassphrases[custodian?.id ?? ''];
          if (custodian === undefined || secret === undefined) throw new Error(`no share passphrase for "${heading}"`);
          await this.typeSecret(panel.getByLabel(`Share passphrase for ${custodian.name}`, { exact: true }), secret);
          await this.typeSecret(panel.getByLabel(`Share passphrase for ${custodian.name} again`, { exact: true }), secret);
          await expect(panel.getByTestId('passphrase-strength')).toBeVisible();
          await this.press(panel.getByRole('button', { name: 'Seal the share' }));
          break;
        }
        case 'share-medium':
          await expect(panel.getByRole('radio').first()).toBeChecked();
          await this.press(panel.getByRole('button', { name: 'Write the share here' }));
          break;
        case 'share':
          await this.presentNext(cast, presented, mistakes, options.previousScriptId ?? '', options.byWords, media, wrongShares);
          break;
        case 'previous-bundle': {
          const prefix = options.previousScriptId;
          await this.choose(panel.getByLabel('Earlier ceremony', { exact: true }), prefix === undefined ? /^None: / : new RegExp(`^${prefix}-`));
          await this.press(panel.getByRole('button', { name: 'Use this bundle' }));
          break;
        }
        default:
          throw new Error(`the ceremony asked for ${request.kind}`);
      }
    }
    await this.timelineShows('ceremony/closed');
    await this.checkScreen('outcome', seen);
    const outcome = page.getByRole('region', { name: 'Ceremony closed' });
    await expect(outcome.getByRole('heading', { name: 'Ceremony closed' })).toBeVisible();
    await expect(page.getByTestId('bundle-verified')).toHaveText('yes');
    const bundleFolder = ((await page.getByTestId('bundle-folder').textContent()) ?? '').trim();
    await test.step('gather the secret material the run wrote or read (test process only)', async () => {
      await runSecrets.collectMedia(join(dirname(bundleFolder), 'media'), cast.custodianPassphrases);
      for (const [custodian, folder] of media) await runSecrets.collectMedium(folder, cast.custodianPassphrases[custodian]);
    });
    return { bundleFolder, refusals };
  }

  async enrolNext(cast: Cast, mistakes: Set<Mistake>): Promise<void> {
    const page = this.page;
    const enrolled = await page.getByRole('list', { name: 'Enrolled participants' }).getByRole('listitem').allTextContents().catch(() => [] as string[]);
    const next = cast.participants.find((p) => !enrolled.some((line) => line.includes(`(${p.id})`)));
    const form = page.getByRole('form', { name: 'Enrol a participant' });
    if (next === undefined) {
      await this.press(page.getByRole('button', { name: 'Enrolment complete' }));
      return;
    }
    if (enrolled.length === 1 && mistakes.delete('enrol-mismatch')) {
      // Enrolment complete too early: the engine names who is still missing, and asks again.
      await this.press(page.getByRole('button', { name: 'Enrolment complete' }));
      await this.refusalSays('CEREMONY_ENROLMENT_INCOMPLETE', /still needed/i);
      await this.fillEnrolment(form, next, next.role, 'not the same passphrase');
      await this.refusalSays('CEREMONY_INPUT_MISMATCH', /entries differ/i);
    }
    const roleFull = enrolled.length === 1 && mistakes.delete('enrol-role-full');
    await this.fillEnrolment(form, next, roleFull ? cast.participants[0]?.role ?? 'administrator' : next.role);
    if (roleFull) await this.refusalSays('CEREMONY_ROLE_FULL', /administrator/i);
    else await expect(page.getByRole('list', { name: 'Enrolled participants' })).toContainText(`(${next.id})`, LONG);
  }

  async fillEnrolment(form: Locator, person: Person, role: string, confirmation = person.passphrase): Promise<void> {
    await this.type(form.getByLabel('Participant id (lower-case letters, digits, hyphens)', { exact: true }), person.id);
    await this.type(form.getByLabel('Full name', { exact: true }), person.name);
    await this.choose(form.getByLabel('Role', { exact: true }), role);
    await this.typeSecret(form.getByLabel('Signing passphrase', { exact: true }), person.passphrase);
    if (confirmation !== person.passphrase) remember(confirmation, 'a mistyped signing passphrase confirmation');
    await this.type(form.getByLabel('Signing passphrase again', { exact: true }), confirmation);
    await expect(form.getByTestId('passphrase-strength')).toBeVisible();
    await this.press(form.getByRole('button', { name: 'Enrol this participant' }));
  }

  /**
   * Who must sign, as the step lists it ("2 × witness or administrator: 1 of
   * 2 signed (Ada Admin)"): the roles, the count, and the ids of who signed.
   */
  async requirements(cast: Cast): Promise<{ roles: string[]; count: number; signed: string[] }[]> {
    const items = await this.page.getByRole('region', { name: /^Who must (approve|sign off|sign the exception)$/ }).getByRole('listitem').allTextContents();
    return items.map((text) => {
      const parts = /^(\d+) × (.+?): (\d+) of \d+ signed(?: \((.+)\))?$/.exec(text.trim());
      if (parts === null) throw new Error(`a requirement the driver cannot read: "${text}"`);
      const names = parts[4] === undefined ? [] : parts[4].split(', ');
      return { roles: (parts[2] ?? '').split(' or '), count: Number(parts[1]), signed: names.map((n) => cast.participants.find((p) => p.name === n)?.id ?? n) };
    });
  }

  /** Who may still sign: the first participant holding a role of an unmet requirement who has not signed. */
  async signNext(cast: Cast, mistakes: Set<Mistake>): Promise<void> {
    const page = this.page;
    const requirements = await this.requirements(cast);
    const signed = new Set(requirements.flatMap((r) => r.signed));
    const open = requirements.find((r) => r.signed.length < r.count);
    const right = cast.participants.find((p) => open?.roles.includes(p.role) === true && !signed.has(p.id));
    if (right === undefined) throw new Error(`no one left to sign ${JSON.stringify(requirements)}`);
    const dialog = page.getByRole('dialog');
    const stage = (await dialog.getByRole('heading').textContent()) ?? '';
    const wrong = cast.participants.find((p) => !(open?.roles ?? []).includes(p.role));
    let signer = right;
    let passphrase = right.passphrase;
    if (stage === 'Approve this step' && wrong !== undefined && mistakes.delete('wrong-signer-role')) {
      signer = wrong;
      passphrase = wrong.passphrase;
    } else if (mistakes.delete('wrong-signer-passphrase')) passphrase = 'somebody else entirely';
    await this.signAs(signer, passphrase);
    if (signer !== right) await this.refusalSays('CEREMONY_SIGN_OFF_WRONG_ROLE', /role/i);
    else if (passphrase !== right.passphrase) await this.refusalSays('CEREMONY_CREDENTIAL_MISMATCH', /passphrase/i);
  }

  async presentNext(cast: Cast, presented: Set<string>, mistakes: Set<Mistake>, previousScriptId: string, byWords: string | undefined, media: Map<string, string>, wrongShares: WrongShare[]): Promise<void> {
    const page = this.page;
    if (presented.size > 0 && mistakes.delete('start-over-shares')) {
      // People find they began with the wrong envelopes: the shares accepted so far are discarded (after a confirmation) and everyone presents again.
      await this.press(page.getByRole('button', { name: 'Start over…' }));
      await expect(page.getByRole('group', { name: /Discard the share accepted so far/ })).toBeVisible();
      await this.checkScreen('start-over-confirmation');
      await this.press(page.getByRole('button', { name: 'Discard them and start over' }));
      await expect(page.getByTestId('share-progress')).toContainText(/^\s*0 of \d+ shares accepted/, LONG);
      await this.timelineShows('shares/started-over');
      presented.clear();
    }
    const next = cast.presenters.find((c) => !presented.has(c));
    if (next === undefined) {
      await this.press(page.getByRole('button', { name: 'No more shares' }));
      return;
    }
    // A wrong share comes after a wrong passphrase, before the custodian's own share.
    const wrong = mistakes.has('bad-share-passphrase') ? -1 : wrongShares.findIndex((w) => w.by === next);
    if (wrong >= 0) {
      await this.presentWrongShare(cast, wrongShares.splice(wrong, 1)[0] as WrongShare);
      return;
    }
    const custodian = cast.participants.find((p) => p.id === next);
    const form = page.getByRole('form', { name: 'Present a share' });
    await this.choose(form.getByLabel('Custodian presenting', { exact: true }), custodian?.name ?? next);
    await this.presentBy(form, 'file');
    await this.choose(form.getByLabel('Medium holding the share', { exact: true }), new RegExp(`^${previousScriptId}-.*: media/${next}$`));
    media.set(next, await form.getByLabel('Medium holding the share', { exact: true }).inputValue());
    if (next === byWords) {
      await this.typePaperForm(form, custodian?.name ?? next, next, cast.custodianPassphrases[next] ?? '', mistakes);
      presented.add(next);
      return;
    }
    const bad = mistakes.delete('bad-share-passphrase');
    await this.typeSecret(form.getByLabel('Share passphrase', { exact: true }), bad ? 'not the share passphrase' : (cast.custodianPassphrases[next] ?? ''));
    await this.press(form.getByRole('button', { name: 'Present this share' }));
    if (bad) await this.refusalSays('SHARE_WRONG_PASSPHRASE', new RegExp(`${next}'s share: Share ".+\\.share" \\(share \\d+ of set [0-9a-f]{8}…, held by ${next}\\) was refused: the passphrase is wrong`));
    else presented.add(next);
  }

  /**
   * A wrong share presented from the medium the form lists for it: the
   * refusal notice (an alert) carries the engine's code and says which share
   * (the presenter, the file, what its header claims) and why; the refusal is
   * on the timeline; the count of shares accepted is as it was, and the
   * engine asks for a share again (the run goes on to the next request).
   */
  async presentWrongShare(cast: Cast, wrong: WrongShare): Promise<void> {
    await test.step(`${wrong.by} presents the share on ${wrong.medium}: refused with ${wrong.code}`, () => this.#presentWrongShare(cast, wrong));
  }

  async #presentWrongShare(cast: Cast, wrong: WrongShare): Promise<void> {
    const page = this.page;
    const progress = page.getByTestId('share-progress');
    const before = ((await progress.textContent()) ?? '').trim();
    const refused = await this.events('share/refused').count();
    const form = page.getByRole('form', { name: 'Present a share' });
    await this.choose(form.getByLabel('Custodian presenting', { exact: true }), cast.participants.find((p) => p.id === wrong.by)?.name ?? wrong.by);
    await this.presentBy(form, 'file');
    await this.choose(form.getByLabel('Medium holding the share', { exact: true }), wrong.medium);
    await this.typeSecret(form.getByLabel('Share passphrase', { exact: true }), cast.custodianPassphrases[wrong.by] ?? '');
    await this.press(form.getByRole('button', { name: 'Present this share' }));
    await this.timelineShows('share/refused', refused + 1);
    const notice = page.getByRole('alert', { name: 'Not accepted' });
    await expect(notice).toContainText(wrong.code, LONG);
    await expect(notice).toContainText(`${wrong.by}'s share: Share "${wrong.file}"`);
    await expect(notice).toContainText(wrong.says);
    await expect(progress).toHaveText(before);
    await this.checkScreen(await this.#noticeScreen(wrong.code));
  }

  // ---- a share typed from its paper form ------------------------------------

  /** Picks how the share is presented (the radio group; the choice is kept between requests of a ceremony). */
  async presentBy(form: Locator, way: 'file' | 'words'): Promise<void> {
    const radio = form.getByRole('radio', { name: way === 'file' ? 'Share file on the medium' : 'Type the words from the paper form', exact: true });
    if (await radio.isChecked()) return;
    if (!this.#keyboard) return radio.check();
    // Tab reaches a radio group at its checked radio; the arrows move the choice.
    await this.tabTo(form.getByRole('radio', { checked: true }));
    await this.page.keyboard.press(way === 'words' ? 'ArrowDown' : 'ArrowUp');
    await expect(radio).toBeChecked();
  }

  /**
   * The custodian types the words of the paper form the engine wrote on the
   * medium chosen for them (`misspelt-share-word`: first with word 3 of
   * line 2 misspelt, which main's line check must name by place, never by
   * word, before the custodian corrects it), then their passphrase.
   */
  async typePaperForm(form: Locator, name: string, custodian: string, passphrase: string, mistakes: Set<Mistake>): Promise<void> {
    await test.step(`${name} types the words of their paper form`, async () => {
      const paper = paperFormOn(await form.getByLabel('Medium holding the share', { exact: true }).inputValue(), custodian);
      paper.lines.forEach((line, i) => remember(line.replace(/^\d+\s+/u, ''), `line ${i + 1} of ${custodian}'s paper form`));
      await this.presentBy(form, 'words');
      const field = form.getByLabel(`Words from ${name}'s paper form`, { exact: true });
      const check = form.getByTestId('share-words-check');
      if (mistakes.delete('misspelt-share-word')) {
        const wrong = misspell(paper, 2, 3);
        await this.typeSecret(field, wrong.text);
        await expect(check).toHaveText('Line 2, word 3 is not in the word list; check it against the paper.');
        // The words form, with main's feedback showing, is a screen of its own.
        await this.checkScreen('share-words-feedback');
      }
      await this.typeSecret(field, paper.text);
      await expect(check).toHaveText(new RegExp(`^All ${paper.lines.length} lines check \\(\\d+ words\\)\\.$`));
      await this.typeSecret(form.getByLabel('Share passphrase', { exact: true }), passphrase);
      await this.press(form.getByRole('button', { name: 'Present this share' }));
      const accepted = this.events('share/accepted').filter({ hasText: `Share of ${custodian} accepted` });
      await expect(accepted).toHaveCount(1, LONG);
    });
  }
}

/** The pure verifier, in the test process, over the folder the outcome screen named. */
export function verifyFolder(folder: string): { status: string; eventCount: number } {
  const result = verifyBundle(readBundle(folder), { sha256: nodeSha256 });
  return { status: result.status, eventCount: result.eventCount };
}

/**
 * The secrets of an earlier ceremony whose run folder this test's data
 * folder holds (a copy an earlier test kept): what its cast typed (every
 * signing passphrase, PIN and share passphrase of its answers file) and
 * what its run wrote (each share file on its media, opened with the cast's
 * passphrases, and the master secret they rebuild), so this test's scan
 * looks for them in its own messages. Gathered again here, in the test
 * process, not carried in memory: the earlier test may have run in another
 * worker process, and secrets are never written down to be passed on.
 */
export async function rememberEarlierRun(runFolder: string, cast: Cast): Promise<void> {
  for (const p of cast.participants) remember(p.passphrase, `${p.name}'s signing passphrase (typed in the earlier run ${basename(runFolder)})`);
  for (const [hsm, pin] of Object.entries(cast.pins)) remember(pin, `the PIN of HSM ${hsm} (typed in the earlier run ${basename(runFolder)})`);
  for (const [custodian, passphrase] of Object.entries(cast.custodianPassphrases)) remember(passphrase, `${custodian}'s share passphrase (typed in the earlier run ${basename(runFolder)})`);
  await runSecrets.collectMedia(join(runFolder, 'media'), cast.custodianPassphrases);
}

/** Ceremony 2's script id: its run folders and media are named after it, and 3, 6 and 4 name it as the earlier ceremony. */
export const SPLIT_SCRIPT_ID = 'master-key-split-and-load';

/**
 * Ceremony 2's run in this test's data folder (a copy of the one its test
 * kept): its secrets gathered for the scan (rememberEarlierRun), checked to
 * be its five shares and the master secret they rebuild; returns the run folder.
 */
export async function rememberSplitRun(app: KeyriteApp): Promise<string> {
  const run = runFolderOf(dataDirOf(app), SPLIT_SCRIPT_ID);
  await test.step("gather ceremony 2's secrets from the copy, for the scan", () => rememberEarlierRun(run, castOf('02-master-key-split-and-load.answers.yaml')));
  expect(runSecrets.named('the share bytes of ')).toHaveLength(5);
  expect(runSecrets.named('the master secret of set ')).toHaveLength(1);
  return run;
}

/**
 * Fails if any secret of the run appears in anything the renderer received:
 * every secret typed so far and every share, envelope, armour text and
 * master secret the runs wrote or read (run-secrets.ts), in every form secret-scan.ts searches (raw
 * bytes, hex, base64 and base64url at every alignment), walking typed
 * arrays as bytes. Names each secret found by what it is, never its value.
 */
export function expectNoSecretIn(received: readonly unknown[]): void {
  expect(received.length, 'the bridge captured what the renderer received').toBeGreaterThan(0);
  const found = findSecrets(received, runSecrets.all()).map((hit) => `${hit.what}, as ${hit.form}, in ${hit.path}`);
  expect(found, 'secrets found in messages the renderer received').toEqual([]);
}
