/**
 * TEST ONLY: the host's file chooser on the Electron project, scripted as
 * on chromium (scripted-chooser.ts). Playwright cannot drive Electron's
 * native dialogs; its documentation (class Electron, "Mocking native
 * dialogs") replaces `dialog.showOpenDialog` in the main process through
 * `electronApp.evaluate`. That is done here, on the `dialog` object
 * index.ts hands to createDialogChooser (electron/main/file-chooser.ts),
 * which calls `dialog.showOpenDialog` on it at each choice: the stub is
 * what the engine's chooser calls.
 *
 * The script crosses through two files, so no call has to race the click
 * that opens a dialog: `willChoose` appends the answer to one before the
 * spec clicks, the stub reads the next one when a dialog is shown, and
 * writes what each dialog asked for to the other, which `asked` reads.
 * The dialog's kind is told by its title (file-chooser.ts CHOICES).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElectronApplication } from '@playwright/test';
import { CHOICES } from '../../electron/main/file-chooser.ts';
import { misscripted, unscripted, type Choice, type SpecChooser } from './scripted-chooser.ts';

const KIND_BY_TITLE: Record<string, Choice['kind']> = {
  [CHOICES.folder.title]: 'bundle-folder',
  [CHOICES.archive.title]: 'bundle-archive',
  [CHOICES.reportFolder.title]: 'report-folder',
};

interface StubFiles {
  answers: string;
  asked: string;
  kinds: Record<string, string>;
  unscripted: string;
  misscripted: string;
}

type OpenDialogResult = { canceled: boolean; filePaths: string[] };

/** Stubs the main process's dialogs of `electronApp`; the script's files live in `folder`. */
export async function scriptElectronDialogs(electronApp: ElectronApplication, folder: string): Promise<SpecChooser> {
  const files: StubFiles = {
    answers: join(folder, 'chooser-answers.jsonl'),
    asked: join(folder, 'chooser-asked.txt'),
    kinds: KIND_BY_TITLE,
    unscripted: unscripted('{kind}'),
    misscripted: misscripted('{kind}', '{scripted}'),
  };
  // Runs in Electron's main process: only what is passed in, and Node's own modules.
  await electronApp.evaluate(({ dialog }, stub: StubFiles) => {
    const fs = process.getBuiltinModule('node:fs');
    let shown = 0;
    const answer = (kind: string): string | null => {
      fs.appendFileSync(stub.asked, `${kind}\n`);
      const lines = fs.existsSync(stub.answers) ? fs.readFileSync(stub.answers, 'utf8').split('\n').filter((line) => line !== '') : [];
      const line = lines[shown];
      if (line === undefined) throw new Error(stub.unscripted.replace('{kind}', kind));
      shown++;
      const next = JSON.parse(line) as { kind: string; path: string | null };
      if (next.kind !== kind) throw new Error(stub.misscripted.replace('{kind}', kind).replace('{scripted}', next.kind));
      return next.path;
    };
    const stubbed = dialog as unknown as Record<string, (...args: unknown[]) => unknown>;
    // showOpenDialog([window,] options): the options come last.
    stubbed['showOpenDialog'] = (...args: unknown[]): Promise<OpenDialogResult> => {
      const title = (args.at(-1) as { title?: string } | undefined)?.title ?? '';
      try {
        const path = answer(stub.kinds[title] ?? `unknown ("${title}")`);
        return Promise.resolve(path === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [path] });
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    // Keyrite shows no other dialog; one shown would wait for a person no test has.
    for (const name of ['showOpenDialogSync', 'showSaveDialog', 'showSaveDialogSync', 'showMessageBox', 'showMessageBoxSync']) {
      stubbed[name] = () => {
        throw new Error(`dialog.${name} was called; Keyrite shows none, and no spec scripts one`);
      };
    }
  }, files);
  return {
    willChoose(kind, path) {
      appendFileSync(files.answers, `${JSON.stringify({ kind, path } satisfies Choice)}\n`);
    },
    get asked() {
      return existsSync(files.asked) ? (readFileSync(files.asked, 'utf8').split('\n').filter((line) => line !== '') as Choice['kind'][]) : [];
    },
  };
}
