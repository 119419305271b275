/** node:crypto's one-shot SHA-256 (several times faster than the pure one for short inputs), for engine and CLI. */
import { hash } from 'node:crypto';
import type { Sha256 } from '../../../shared/transcript/merkle.ts';

// The digest as a 'binary' (latin1) string, one character per byte, copied
// out: a Buffer per digest costs several times the hash of a journal line
// (bench:verify).
function into(data: Uint8Array, out: Uint8Array, at: number): void {
  const digest = hash('sha256', data, 'binary');
  for (let k = 0; k < 32; k++) out[at + k] = digest.charCodeAt(k);
}

export const nodeSha256: Sha256 = Object.assign((data: Uint8Array): Uint8Array => {
  // 32 bytes: V8 keeps an array that small on its heap.
  const out = new Uint8Array(32);
  into(data, out, 0);
  return out;
}, { into });
