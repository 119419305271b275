/** node:crypto's one-shot SHA-256 (several times faster than the pure one for short inputs), for engine and CLI. */
import { hash } from 'node:crypto';
import type { Sha256 } from '../../../shared/transcript/merkle.ts';

export const nodeSha256: Sha256 = (data) => {
  // The digest as a 'binary' (latin1) string, one character per byte, copied into a
  // 32-byte array: V8 keeps arrays that small on its heap, where a Buffer
  // per digest costs several times the hash of a journal line (bench:verify).
  const digest = hash('sha256', data, 'binary');
  const out = new Uint8Array(32);
  for (let k = 0; k < 32; k++) out[k] = digest.charCodeAt(k);
  return out;
};
