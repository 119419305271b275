/**
 * The host's file chooser for the engine (EngineConfig.chooser): Electron's
 * native open dialog, shown by the main process as a sheet of our window.
 * The renderer can ask for a dialog; only the person at the machine picks
 * the path, and the path never goes back to the renderer (the engine hands
 * it an opaque handle). Structural types instead of Electron's, so this is
 * tested with a fake; index.ts passes the real `dialog`.
 */
import type { HostChooser } from '../core/engine-services.ts';

/** The part of Electron's OpenDialogOptions used here. */
export interface OpenDialogOptionsLike {
  title: string;
  buttonLabel: string;
  properties: ('openFile' | 'openDirectory' | 'createDirectory' | 'dontAddToRecent')[];
  filters?: { name: string; extensions: string[] }[];
}

export interface DialogLike<Window> {
  showOpenDialog(window: Window, options: OpenDialogOptionsLike): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** What each choice asks: a bundle folder, a bundle archive, or where to put a report. */
export const CHOICES = {
  folder: { title: 'Open an evidence bundle folder', buttonLabel: 'Open bundle', properties: ['openDirectory', 'dontAddToRecent'] },
  archive: { title: 'Open an evidence bundle archive', buttonLabel: 'Open bundle', properties: ['openFile', 'dontAddToRecent'], filters: [{ name: 'Evidence bundle archive', extensions: ['tar'] }] },
  reportFolder: { title: 'Choose a folder for the audit report', buttonLabel: 'Write report here', properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'] },
} as const satisfies Record<string, OpenDialogOptionsLike>;

/**
 * A chooser over `dialog`, attached to `window()` (our window; no dialog is
 * shown when it is gone, which answers as a cancel).
 */
export function createDialogChooser<Window>(dialog: DialogLike<Window>, window: () => Window | undefined): HostChooser {
  const ask = async (options: OpenDialogOptionsLike): Promise<string | null> => {
    const parent = window();
    if (parent === undefined) return null;
    const answer = await dialog.showOpenDialog(parent, { ...options, properties: [...options.properties] });
    const [path] = answer.filePaths;
    return answer.canceled || path === undefined ? null : path;
  };
  return {
    chooseBundle: (kind) => ask(CHOICES[kind]),
    chooseReportFolder: () => ask(CHOICES.reportFolder),
  };
}
