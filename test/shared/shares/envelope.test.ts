import { describe, it, expect } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { crc32 } from '../../../shared/shares/crc32.ts';
import { assembleEnvelope, encodeHeader, indexOffset, MAX_ENVELOPE_BYTES, parseEnvelope, sealedLength } from '../../../shared/shares/envelope.ts';
import type { ShareHeader } from '../../../shared/shares/envelope.ts';
import { ShareRejection } from '../../../shared/shares/share-rejection.ts';
import { shareCommitment } from '../../../shared/shares/commitments.ts';
import type { CommittedFields } from '../../../shared/shares/commitments.ts';

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

describe('share envelope v2 (and v1, read)', () => {
  it('round-trips every header field', () => {
    const h = header();
    const parsed = parseEnvelope(envelopeOf(h), 'zoe.share');
    expect(parsed.version).toBe(2);
    expect(envelopeOf(h)[4]).toBe(2);
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
    for (const version of [0, 3, 255]) {
      const future = good.slice();
      future[4] = version;
      expect(codeOf(() => parseEnvelope(recrc(future), 'a'))).toBe('SHARE_VERSION_UNSUPPORTED');
    }
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

describe('version 1, still read', () => {
  it('has the same layout: a v1 envelope parses to the same header, reported as version 1', () => {
    const h = header();
    const v1 = assembleEnvelope(encodeHeader(h, 1), new Uint8Array(sealedLength(h.secretLength)).fill(0xaa));
    expect(v1[4]).toBe(1);
    const parsed = parseEnvelope(v1, 'old.share');
    expect(parsed.version).toBe(1);
    expect(parsed.header).toEqual(h);
    // Byte for byte the same as version 2 but for the version byte and the checksum.
    const v2 = envelopeOf(h);
    expect(v1.length).toBe(v2.length);
    expect(v1.subarray(5, -4)).toEqual(v2.subarray(5, -4));
  });
});

describe('share commitment (docs/formats/share.md §3.2), computed here from the document with node:crypto', () => {
  const fields: CommittedFields = header();
  const libraryShare = Uint8Array.from({ length: 33 }, (_, i) => (i === 32 ? 143 : i * 7));
  const text = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.of(b.length), b]);
  };
  const u16 = (n: number): Buffer => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  const u64 = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };

  it('version 2 is SHA-256 of the label, the public header fields in header order and encoding, then the library share', () => {
    const message = Buffer.concat([
      Buffer.from('keyrite/share/v2/share-commitment\0', 'latin1'),
      text(fields.ceremonyId), fields.setId, text(fields.keyId), text(fields.keyLabel), Buffer.of(fields.keyFingerprint.length), fields.keyFingerprint,
      text(fields.custodian), Buffer.of(fields.index, fields.threshold, fields.total), u16(fields.secretLength), fields.secretCommitment, u64(fields.createdAt),
      libraryShare,
    ]);
    expect(Buffer.from(shareCommitment(fields, libraryShare)).toString('hex')).toBe(createHash('sha256').update(message).digest('hex'));
    expect(Buffer.from(shareCommitment(fields, libraryShare, 2))).toEqual(Buffer.from(shareCommitment(fields, libraryShare)));
  });

  it('version 1 is SHA-256 of its label, the set id, the index and the library share (unchanged)', () => {
    const message = Buffer.concat([Buffer.from('keyrite/share/v1/share-commitment\0', 'latin1'), fields.setId, Buffer.of(fields.index), libraryShare]);
    expect(Buffer.from(shareCommitment(fields, libraryShare, 1)).toString('hex')).toBe(createHash('sha256').update(message).digest('hex'));
  });

  it('version 2 changes when any committed field changes; version 1 does not see M, N, the secret commitment, ceremony or custodian', () => {
    const base = Buffer.from(shareCommitment(fields, libraryShare)).toString('hex');
    const changes: Partial<CommittedFields>[] = [
      { ceremonyId: 'acme-root-2027' }, { setId: new Uint8Array(16).fill(0x90) }, { keyId: 'k2' }, { keyLabel: 'Root KEK.' }, { keyFingerprint: new Uint8Array(31).fill(3) },
      { custodian: 'Zoe' }, { threshold: 2 }, { total: 6 }, { secretLength: 33 }, { secretCommitment: new Uint8Array(32).fill(7) }, { createdAt: fields.createdAt + 1 },
    ];
    for (const change of changes) {
      expect(Buffer.from(shareCommitment({ ...fields, ...change }, libraryShare)).toString('hex'), JSON.stringify(Object.keys(change))).not.toBe(base);
    }
    const v1 = Buffer.from(shareCommitment(fields, libraryShare, 1)).toString('hex');
    expect(Buffer.from(shareCommitment({ ...fields, threshold: 2, total: 6, secretCommitment: new Uint8Array(32), ceremonyId: 'x', custodian: 'y' }, libraryShare, 1)).toString('hex')).toBe(v1);
  });
});
