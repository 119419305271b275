import { describe, it, expect } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32 } from './crc32.ts';
import { assembleEnvelope, encodeHeader, indexOffset, MAX_ENVELOPE_BYTES, parseEnvelope, sealedLength } from './envelope.ts';
import type { ShareHeader } from './envelope.ts';
import { ShareRejection } from './share-rejection.ts';

const header = (over: Partial<ShareHeader> = {}): ShareHeader => ({
  ceremonyId: 'acme-root-2026', setId: new Uint8Array(16).fill(0x8f), keyId: 'k1', keyLabel: 'Root KEK', keyFingerprint: new Uint8Array(32).fill(3),
  custodian: 'Zoë', index: 143, threshold: 3, total: 5, secretLength: 32, secretCommitment: new Uint8Array(32).fill(1), shareCommitment: new Uint8Array(32).fill(2),
  createdAt: Date.UTC(2026, 10, 28), kdf: { memoryKiB: 65536, passes: 3, parallelism: 4, salt: new Uint8Array(16).fill(9) }, nonce: new Uint8Array(24).fill(4), ...over,
});
const envelopeOf = (h: ShareHeader): Uint8Array => assembleEnvelope(encodeHeader(h), new Uint8Array(sealedLength(h.secretLength)).fill(0xaa));
const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'accepted';
  } catch (error) {
    if (error instanceof ShareRejection) return error.code;
    throw error;
  }
};
/** Rewrites the CRC so a test reaches the checks behind it (as a forger would). */
const recrc = (bytes: Uint8Array): Uint8Array => assembleEnvelope(bytes.subarray(0, bytes.length - 4), new Uint8Array());

describe('CRC-32', () => {
  it('is the ISO-HDLC CRC: "123456789" gives 0xCBF43926 (the catalogue check value) and agrees with zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc32(bytes) === zlibCrc32(bytes)));
  });
});

describe('share envelope v1', () => {
  it('round-trips every header field', () => {
    const h = header();
    const parsed = parseEnvelope(envelopeOf(h), 'zoe.share');
    expect(parsed.header).toEqual(h);
    expect(parsed.sealed.length).toBe(sealedLength(32));
    expect(parsed.headerBytes).toEqual(encodeHeader(h));
  });

  it('refuses each malformed input with its own code, naming the source', () => {
    const good = envelopeOf(header());
    expect(codeOf(() => parseEnvelope(new Uint8Array(), 'a'))).toBe('SHARE_EMPTY');
    expect(codeOf(() => parseEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1), 'a'))).toBe('SHARE_TOO_LARGE');
    expect(codeOf(() => parseEnvelope(new TextEncoder().encode('hello, world, not a share'), 'a'))).toBe('SHARE_NOT_A_SHARE');
    expect(codeOf(() => parseEnvelope(good.subarray(0, 40), 'a'))).toBe('SHARE_TRUNCATED');
    expect(codeOf(() => parseEnvelope(good.subarray(0, good.length - 1), 'a'))).toBe('SHARE_TRUNCATED');
    const flipped = good.slice();
    flipped[good.length - 20] = (flipped[good.length - 20] ?? 0) ^ 1;
    expect(codeOf(() => parseEnvelope(flipped, 'a'))).toBe('SHARE_CHECKSUM_MISMATCH');
    expect(codeOf(() => parseEnvelope(recrc(good.subarray(0, 40)), 'a'))).toBe('SHARE_TRUNCATED');
    expect(codeOf(() => parseEnvelope(recrc(good.subarray(0, good.length - 10)), 'a'))).toBe('SHARE_TRUNCATED');
    const v2 = good.slice();
    v2[4] = 2;
    expect(codeOf(() => parseEnvelope(recrc(v2), 'a'))).toBe('SHARE_VERSION_UNSUPPORTED');
    const extra = recrc(Uint8Array.from([...good.subarray(0, good.length - 4), 0, 0, 0, 0, 0]));
    expect(codeOf(() => parseEnvelope(extra, 'a'))).toBe('SHARE_MALFORMED');
    const error = (() => {
      try {
        parseEnvelope(good.subarray(0, 40), 'bob.share');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ShareRejection);
    expect((error as ShareRejection).message).toContain('"bob.share"');
  });

  it('refuses index 0 with its own error, before any key work', () => {
    const bytes = envelopeOf(header());
    const at = indexOffset(header());
    expect(bytes[at]).toBe(143);
    const zero = bytes.slice();
    zero[at] = 0;
    expect(codeOf(() => parseEnvelope(recrc(zero), 'a'))).toBe('SHARE_INDEX_ZERO');
    expect(() => encodeHeader(header({ index: 0 }))).toThrow(/index is 0/u);
  });

  it('refuses out-of-range fields when writing and when reading', () => {
    expect(() => encodeHeader(header({ threshold: 1 }))).toThrow(/threshold/u);
    expect(() => encodeHeader(header({ total: 2 }))).toThrow(/total/u);
    expect(() => encodeHeader(header({ secretLength: 15 }))).toThrow(/secret length/u);
    expect(() => encodeHeader(header({ custodian: 'Eve\nMallory' }))).toThrow(/custodian/u);
    expect(() => encodeHeader(header({ ceremonyId: 'has space' }))).toThrow(/ceremony id/u);
    const bytes = envelopeOf(header());
    const thresholdAt = indexOffset(header()) + 1;
    bytes[thresholdAt] = 1;
    expect(codeOf(() => parseEnvelope(recrc(bytes), 'a'))).toBe('SHARE_MALFORMED');
  });

  it('refuses invalid UTF-8 in a text field rather than replacing it', () => {
    const bytes = envelopeOf(header({ custodian: 'Zoe' }));
    const at = encodeHeader(header({ custodian: 'Zoe' })).indexOf(0x5a, 60); // "Z" of the custodian
    bytes[at] = 0xff;
    expect(codeOf(() => parseEnvelope(recrc(bytes), 'a'))).toBe('SHARE_MALFORMED');
  });

  it('catches every single-byte and single-bit change with the checksum (burst <= 32 bits)', () => {
    const good = envelopeOf(header());
    fc.assert(fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const bad = good.slice();
      bad[i] = (bad[i] ?? 0) ^ x;
      const code = codeOf(() => parseEnvelope(bad, 'a'));
      return code !== 'accepted';
    }), { numRuns: 2000 });
  });
});
