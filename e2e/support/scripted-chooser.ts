/**
 * TEST ONLY: the host's file chooser as a spec scripts it, standing in for
 * Electron's native open dialog (which Playwright cannot drive in Chromium).
 * A spec says what the person will pick before clicking the button that
 * asks; a dialog nobody scripted fails the test rather than pick anything.
 * On the Electron project the same script feeds a stub of the main
 * process's dialog (electron-dialogs.ts); a spec sees `SpecChooser` either way.
 */
import type { HostChooser } from '../../electron/core/engine-services.ts';

export type Choice = { kind: 'bundle-folder' | 'bundle-archive' | 'report-folder'; path: string | null };

/** What a spec scripts and reads back, on either project. */
export interface SpecChooser {
  /** The next dialog of this kind will answer `path` (null: the person cancels). */
  willChoose(kind: Choice['kind'], path: string | null): void;
  /** What each dialog asked for, in order. */
  readonly asked: readonly Choice['kind'][];
}

/** The messages a dialog the spec did not script fails with (the Electron stub words them the same). */
export const unscripted = (kind: string): string => `a ${kind} dialog was shown, but the spec scripted no answer`;
export const misscripted = (kind: string, scripted: string): string => `a ${kind} dialog was shown, but the spec scripted a ${scripted} dialog`;

export class ScriptedChooser implements HostChooser, SpecChooser {
  readonly #queue: Choice[] = [];
  /** What each dialog asked for, in order. */
  readonly asked: Choice['kind'][] = [];

  /** The next dialog of this kind will answer `path` (null: the person cancels). */
  willChoose(kind: Choice['kind'], path: string | null): void {
    this.#queue.push({ kind, path });
  }

  #answer(kind: Choice['kind']): Promise<string | null> {
    this.asked.push(kind);
    const next = this.#queue.shift();
    if (next === undefined) return Promise.reject(new Error(unscripted(kind)));
    if (next.kind !== kind) return Promise.reject(new Error(misscripted(kind, next.kind)));
    return Promise.resolve(next.path);
  }

  chooseBundle(kind: 'folder' | 'archive'): Promise<string | null> {
    return this.#answer(kind === 'folder' ? 'bundle-folder' : 'bundle-archive');
  }

  chooseReportFolder(): Promise<string | null> {
    return this.#answer('report-folder');
  }
}
