/**
 * C2SP tlog-checkpoint note text: origin, tree size, base64 root, each on
 * its own line. The transcript uses no extension lines (the spec advises
 * against them).
 */
import { fromBase64, toBase64 } from './bytes.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${toBase64(checkpoint.root)}\n`;
}

/** Parses a checkpoint's note text, or returns the reason it is malformed. */
export function parseCheckpointText(text: string): Checkpoint | string {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') return 'a checkpoint has exactly three lines (no extensions)';
  const [origin = '', sizeText = '', rootText = ''] = lines;
  if (origin.length === 0) return 'empty origin';
  // tlog-checkpoint §Note text: ASCII decimal, no leading zeroes.
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) return 'malformed tree size';
  const root = fromBase64(rootText);
  if (root === undefined || root.length !== 32) return 'malformed root hash';
  return { origin, size: Number(sizeText), root };
}
