/** Where things are in a transcript folder and in a bundle (docs/formats/transcript.md §6). */
export const JOURNAL_PATH = 'transcript.jsonl';
export const KEYS_PATH = 'keys.txt';
export const MANIFEST_PATH = 'manifest.json';
export const CHECKPOINT_FOLDER = 'checkpoints/';

/** The checkpoint file name for a tree size: zero-padded so names sort by size. */
export function checkpointFileName(size: number): string {
  return `${CHECKPOINT_FOLDER}${String(size).padStart(12, '0')}.note`;
}

