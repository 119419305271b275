/**
 * TEST ONLY: the host's file chooser as a spec scripts it, standing in for
 * Electron's native open dialog (which Playwright cannot drive in Chromium).
 * A spec says what the person will pick before clicking the button that
 * asks; a dialog nobody scripted fails the test rather than pick anything.
 */
import type { HostChooser } from '../../electron/core/engine-services.ts';

export type Choice = { kind: 'bundle-folder' | 'bundle-archive' | 'report-folder'; path: string | null };

export class ScriptedChooser implements HostChooser {
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
    if (next === undefined) return Promise.reject(new Error(`a ${kind} dialog was shown, but the spec scripted no answer`));
    if (next.kind !== kind) return Promise.reject(new Error(`a ${kind} dialog was shown, but the spec scripted a ${next.kind} dialog`));
    return Promise.resolve(next.path);
  }

  chooseBundle(kind: 'folder' | 'archive'): Promise<string | null> {
    return this.#answer(kind === 'folder' ? 'bundle-folder' : 'bundle-archive');
  }

  chooseReportFolder(): Promise<string | null> {
    return this.#answer('report-folder');
  }
}
