/**
 * The QR code round-trips: a small reader (ISO/IEC 18004:2015 §7.7-7.9,
 * written here from the standard, for a clean module grid) reads the format
 * information, unmasks, walks the data modules in the standard zig-zag,
 * de-interleaves the blocks and decodes the byte-mode segment. Only the
 * block counts (table 9) and the function-pattern map come from the encoder.
 */
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import fc from 'fast-check';
import { QR_MAX_BYTES, shareQrMatrix, shareQrSvg } from './qr-code.ts';
import { testSecret, testSplit } from './test-fixtures.ts';
import { parseEnvelope } from '../../../shared/shares/envelope.ts';

const require = createRequire(import.meta.url);
const ecc = require('qrcode/lib/core/error-correction-code.js') as { getBlocksCount(v: number, l: { bit: number }): number; getTotalCodewordsCount(v: number, l: { bit: number }): number };
const utils = require('qrcode/lib/core/utils.js') as { getSymbolTotalCodewords(v: number): number };
// The encoder's tables switch on its own level object, so use that very object.
const levelM = (require('qrcode/lib/core/error-correction-level.js') as { M: { bit: number } }).M;

const masks: ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

function readQr(size: number, dark: (r: number, c: number) => boolean, reserved: (r: number, c: number) => boolean): Uint8Array {
  const version = (size - 17) / 4;
  // §7.9.1: format information beside the top-left finder, column 8, masked with 101010000010010.
  let format = 0;
  for (let i = 0; i < 15; i++) {
    const row = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    if (dark(row, 8)) format |= 1 << i;
  }
  const info = (format ^ 0x5412) >> 10;
  expect(info >> 3).toBe(0); // level M
  const mask = masks[info & 7] ?? masks[0];
  // §7.7.3: two-module columns from the right, upwards then downwards, skipping the timing column.
  const bits: number[] = [];
  let upward = true;
  for (let right = size - 1; right > 0; right -= 2) {
    if (right === 6) right--;
    for (let k = 0; k < size; k++) {
      const row = upward ? size - 1 - k : k;
      for (const col of [right, right - 1]) {
        if (reserved(row, col)) continue;
        bits.push(Number(dark(row, col)) ^ Number(mask?.(row, col)));
      }
    }
    upward = !upward;
  }
  const codewords = Array.from({ length: Math.floor(bits.length / 8) }, (_, n) => bits.slice(n * 8, n * 8 + 8).reduce((a, b) => (a << 1) | b, 0));
  // §7.6: data codewords are interleaved block by block; the shorter blocks come first.
  const blocks = ecc.getBlocksCount(version, levelM);
  const dataTotal = utils.getSymbolTotalCodewords(version) - ecc.getTotalCodewordsCount(version, levelM);
  const longBlocks = dataTotal % blocks;
  const shortLength = Math.floor(dataTotal / blocks);
  const perBlock = Array.from({ length: blocks }, (_, b) => shortLength + (b >= blocks - longBlocks ? 1 : 0));
  const byBlock: number[][] = perBlock.map(() => []);
  let n = 0;
  for (let i = 0; i <= shortLength; i++) {
    for (let b = 0; b < blocks; b++) if (i < (perBlock[b] ?? 0)) byBlock[b]?.push(codewords[n++] ?? 0);
  }
  const data = byBlock.flat().flatMap((w) => [7, 6, 5, 4, 3, 2, 1, 0].map((s) => (w >> s) & 1));
  // §7.4.5: mode 0100 (byte), then a count of 8 bits (versions 1-9) or 16 bits.
  const take = (count: number): number => data.splice(0, count).reduce((a, b) => a * 2 + b, 0);
  expect(take(4)).toBe(0b0100);
  const length = take(version < 10 ? 8 : 16);
  return Uint8Array.from({ length }, () => take(8));
}

const decode = (bytes: Uint8Array): Uint8Array => {
  const qr = QRCode.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const { size } = shareQrMatrix(bytes);
  const m = shareQrMatrix(bytes).modules;
  return readQr(size, (r, c) => m[r * size + c] === 1, (r, c) => qr.modules.reservedBit[r * size + c] === 1);
};

describe('QR code of a share', () => {
  it('carries the envelope exactly (read back by an independent reader)', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    const envelope = set.shares[0]?.envelope ?? new Uint8Array();
    const back = decode(envelope);
    expect(back).toEqual(envelope);
    expect(parseEnvelope(back, 'scanned').header.custodian).toBe('Alice');
  });

  it('round-trips any bytes up to the capacity of one symbol', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: QR_MAX_BYTES }), (bytes) => {
      expect(decode(bytes)).toEqual(bytes);
    }), { numRuns: 40 });
  });

  it('is an SVG for the printed page, and absent when the envelope does not fit one symbol', async () => {
    const set = await testSplit({ m: 2, n: 2 });
    expect(await shareQrSvg(set.shares[0]?.envelope ?? new Uint8Array())).toMatch(/^<svg[^>]*viewBox="0 0 (\d+) \1"/u);
    const big = await testSplit({ m: 2, n: 2, secret: testSecret(4096) });
    expect(await shareQrSvg(big.shares[0]?.envelope ?? new Uint8Array())).toBeUndefined();
  });
});
