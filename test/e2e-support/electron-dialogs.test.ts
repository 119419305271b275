/**
 * The Electron project's dialog stub (e2e/support/electron-dialogs.ts),
 * without an Electron binary: the function Playwright would run in the main
 * process runs here on a stand-in `dialog` object (a fake, since no
 * Electron exists on this machine), under the real createDialogChooser
 * made before the stub, as index.ts makes it. It must answer exactly as the
 * chromium project's ScriptedChooser does for the same script.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElectronApplication } from '@playwright/test';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostChooser } from '../../electron/core/engine-services.ts';
import { createDialogChooser, type DialogLike } from '../../electron/main/file-chooser.ts';
import { scriptElectronDialogs } from '../../e2e/support/electron-dialogs.ts';
import { ScriptedChooser, misscripted, unscripted, type Choice, type SpecChooser } from '../../e2e/support/scripted-chooser.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A stand-in for Electron's dialog module and for the ElectronApplication that evaluates in main. */
async function stubbedChooser(): Promise<{ chooser: HostChooser; script: SpecChooser; dialog: Record<string, unknown> }> {
  const folder = mkdtempSync(join(tmpdir(), 'keyrite-e2e-dialogs-'));
  folders.push(folder);
  const dialog: Record<string, unknown> = {
    showOpenDialog: () => Promise.reject(new Error('the real dialog was shown')),
  };
  const chooser = createDialogChooser(dialog as unknown as DialogLike<{ id: number }>, () => ({ id: 1 }));
  const electronApp = { evaluate: (fn: (electron: unknown, arg: unknown) => unknown, arg: unknown) => Promise.resolve(fn({ dialog }, arg)) };
  const script = await scriptElectronDialogs(electronApp as unknown as ElectronApplication, folder);
  return { chooser, script, dialog };
}

type Ask = 'folder' | 'archive' | 'report';
const ask = (chooser: HostChooser, what: Ask): Promise<string | null> => (what === 'report' ? chooser.chooseReportFolder() : chooser.chooseBundle(what));

describe('the Electron project\'s dialog stub (test only)', () => {
  it('is what the engine\'s chooser calls: each dialog answers the path the spec scripted, or a cancel', async () => {
    const { chooser, script } = await stubbedChooser();
    script.willChoose('bundle-folder', '/media/usb/bundle');
    script.willChoose('report-folder', null);
    await expect(chooser.chooseBundle('folder')).resolves.toBe('/media/usb/bundle');
    await expect(chooser.chooseReportFolder()).resolves.toBeNull();
    expect(script.asked).toEqual(['bundle-folder', 'report-folder']);
  });

  it('fails a dialog nobody scripted, or scripted as another kind, in the chromium chooser\'s words', async () => {
    const { chooser, script } = await stubbedChooser();
    await expect(chooser.chooseBundle('archive')).rejects.toThrow(unscripted('bundle-archive'));
    script.willChoose('bundle-folder', '/x');
    await expect(chooser.chooseBundle('archive')).rejects.toThrow(misscripted('bundle-archive', 'bundle-folder'));
    expect(script.asked).toEqual(['bundle-archive', 'bundle-archive']);
  });

  it('lets no other dialog wait for a person', async () => {
    const { dialog } = await stubbedChooser();
    for (const name of ['showSaveDialog', 'showOpenDialogSync', 'showMessageBox']) expect(() => (dialog[name] as () => unknown)()).toThrow(`dialog.${name} was called`);
  });

  it('answers any interleaving of scripted answers and dialogs exactly as ScriptedChooser does', async () => {
    const kinds: Choice['kind'][] = ['bundle-folder', 'bundle-archive', 'report-folder'];
    const choice = fc.record({ kind: fc.constantFrom(...kinds), path: fc.option(fc.constantFrom('/a', '/b/c', '/d e'), { nil: null }) });
    const step = fc.oneof(choice.map((c) => ({ script: c })), fc.constantFrom<Ask>('folder', 'archive', 'report').map((a) => ({ ask: a })));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 10 }), async (steps) => {
        const reference = new ScriptedChooser();
        const { chooser, script } = await stubbedChooser();
        const outcome = (p: Promise<string | null>) => p.then((path) => ({ path }), (error: Error) => ({ error: error.message }));
        for (const s of steps) {
          if ('script' in s) {
            reference.willChoose(s.script.kind, s.script.path);
            script.willChoose(s.script.kind, s.script.path);
          } else expect(await outcome(ask(chooser, s.ask))).toEqual(await outcome(ask(reference, s.ask)));
        }
        expect(script.asked).toEqual(reference.asked);
      }),
      { numRuns: 60 },
    );
  });
});
