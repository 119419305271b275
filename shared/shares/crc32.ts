/**
 * CRC-32 (ISO-HDLC: polynomial 0x04C11DB7 reflected, the one zlib, PNG and
 * Ethernet use; ITU-T V.42). A share envelope ends with it so that accidental
 * damage is caught before any passphrase work: a CRC of degree 32 detects
 * every burst error of 32 bits or fewer, so every single-byte or single-bit
 * corruption is caught with certainty, not with probability.
 * It authenticates nothing: that is the AEAD tag's job.
 */
const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
