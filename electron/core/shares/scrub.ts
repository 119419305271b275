/**
 * The one place share code zeroes a buffer. An object (not a bare function)
 * so that the hygiene tests can spy on every wipe along error paths.
 */
export const scrub = {
  bytes(...buffers: (Uint8Array | undefined)[]): void {
    for (const buffer of buffers) buffer?.fill(0);
  },
};
