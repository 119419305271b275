/**
 * What a person may pick when the ceremony asks for a place: the removable
 * media the devices module sees, the media folders and evidence bundles of
 * earlier ceremonies in Keyrite's data folder. The renderer never names a
 * path of its own: an answer must be one of these folders, checked again
 * when it arrives.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Choice, PendingRequest } from '../../../../shared/contract/ceremony.ts';
import { KeyriteError } from '../../../../shared/result.ts';
import { listRemovableMedia } from '../../devices/index.ts';

const subfolders = (folder: string): string[] => {
  try {
    return readdirSync(folder, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
};

/** Removable volumes, or none where the platform lists none (a container): the rehearsal folders still serve. */
async function removable(): Promise<Choice[]> {
  try {
    return (await listRemovableMedia()).map((m) => ({ folder: m.mountPoint, label: `${m.label} (${m.filesystem}, ${m.mountPoint})`, kind: 'removable' as const, readOnly: m.readOnly, freeBytes: m.freeBytes }));
  } catch {
    return [];
  }
}

/** Earlier ceremonies under `<data dir>/ceremonies/`, newest first, except `current`. */
function earlierRuns(dataDir: string, current: string | undefined): string[] {
  const root = join(dataDir, 'ceremonies');
  return subfolders(root).reverse().map((name) => join(root, name)).filter((folder) => folder !== current);
}

export async function choicesFor(request: PendingRequest | undefined, dataDir: string, current: string | undefined): Promise<{ choices: Choice[]; defaultLabel: string | null }> {
  if (request === undefined) return { choices: [], defaultLabel: null };
  const runs = earlierRuns(dataDir, current);
  switch (request.kind) {
    case 'previous-bundle':
      return {
        choices: runs.filter((run) => existsSync(join(run, 'bundle'))).map((run) => ({ folder: join(run, 'bundle'), label: run.split(/[\\/]/).at(-1) ?? run, kind: 'bundle' as const, readOnly: false, freeBytes: null })),
        defaultLabel: null,
      };
    case 'share-medium':
      return { choices: await removable(), defaultLabel: `Rehearsal folder: media/${request.custodian}/ in this ceremony's folder` };
    case 'share': {
      const rehearsal = runs.flatMap((run) =>
        subfolders(join(run, 'media')).filter((c) => request.expected.includes(c)).map((c) => ({ folder: join(run, 'media', c), label: `${run.split(/[\\/]/).at(-1) ?? run}: media/${c}`, kind: 'rehearsal' as const, readOnly: false, freeBytes: null })),
      );
      return { choices: [...(await removable()), ...rehearsal], defaultLabel: null };
    }
    default:
      return { choices: [], defaultLabel: null };
  }
}

/** An answer's folder must be one the person was offered. */
export async function checkChosen(folder: string, request: PendingRequest | undefined, dataDir: string, current: string | undefined): Promise<void> {
  const { choices } = await choicesFor(request, dataDir, current);
  if (!choices.some((c) => c.folder === folder) || !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new KeyriteError('CEREMONY_CHOICE_UNKNOWN', `${folder} is not one of the places offered for this request; choose from the list.`);
  }
}
