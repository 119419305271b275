/** node:crypto's one-shot SHA-256 (several times faster than the pure one for short inputs), for engine and CLI. */
import { hash } from 'node:crypto';
import type { Sha256 } from '../../../shared/transcript/merkle.ts';

export const nodeSha256: Sha256 = (data) => {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
};
