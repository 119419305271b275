import { describe, expect, it, vi } from 'vitest';
import { CHOICES, createDialogChooser, type DialogLike, type OpenDialogOptionsLike } from './file-chooser.ts';

interface FakeWindow {
  id: number;
}

function fakeDialog(answer: { canceled: boolean; filePaths: string[] }) {
  const shown: { window: FakeWindow; options: OpenDialogOptionsLike }[] = [];
  const dialog: DialogLike<FakeWindow> = {
    showOpenDialog: vi.fn((window: FakeWindow, options: OpenDialogOptionsLike) => {
      shown.push({ window, options });
      return Promise.resolve(answer);
    }),
  };
  return { dialog, shown };
}

describe('host file chooser (native open dialog)', () => {
  it('asks for a folder or a .tar archive as a sheet of our window and answers with the chosen path', async () => {
    const window = { id: 7 };
    const { dialog, shown } = fakeDialog({ canceled: false, filePaths: ['/media/usb/bundle.tar'] });
    const chooser = createDialogChooser(dialog, () => window);
    await expect(chooser.chooseBundle('archive')).resolves.toBe('/media/usb/bundle.tar');
    await expect(chooser.chooseBundle('folder')).resolves.toBe('/media/usb/bundle.tar');
    await expect(chooser.chooseReportFolder()).resolves.toBe('/media/usb/bundle.tar');
    expect(shown.map((s) => s.window)).toEqual([window, window, window]);
    expect(shown[0]?.options.properties).toEqual(['openFile', 'dontAddToRecent']);
    expect(shown[0]?.options.filters).toEqual([{ name: 'Evidence bundle archive', extensions: ['tar'] }]);
    expect(shown[1]?.options.properties).toContain('openDirectory');
    expect(shown[2]?.options).toMatchObject({ title: CHOICES.reportFolder.title });
  });

  it('answers null when the person cancels, and shows nothing when our window is gone', async () => {
    const cancelled = fakeDialog({ canceled: true, filePaths: [] });
    await expect(createDialogChooser(cancelled.dialog, () => ({ id: 1 })).chooseBundle('folder')).resolves.toBeNull();
    const gone = fakeDialog({ canceled: false, filePaths: ['/x'] });
    await expect(createDialogChooser(gone.dialog, () => undefined).chooseReportFolder()).resolves.toBeNull();
    expect(gone.shown).toEqual([]);
  });
});
