/**
 * The e2e secret scan (e2e/support/secret-scan.ts) must find a secret in
 * every form it claims, wherever it sits, and must not cry wolf: a scan
 * that cannot fail would let the Playwright specs pass over a leak. It
 * lives here because vitest runs only the folders vitest.config.ts lists.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecrets, MIN_SECRET_BYTES, type KnownSecret } from '../../e2e/support/secret-scan.ts';

const secret: KnownSecret = { what: 'the share of carl', bytes: Uint8Array.from({ length: 33 }, (_, i) => (i * 73 + 11) & 0xff) };

/** The secret inside a longer blob, `offset` bytes in, so its base64 starts at each alignment. */
function blob(offset: number, inner = secret.bytes): Buffer {
  return Buffer.concat([Buffer.alloc(offset, 0x5a), inner, Buffer.from('trailing public bytes')]);
}

/** A message as the bridge captures it: an answer holding a value somewhere deep. */
const message = (value: unknown): unknown[] => [{ ok: true, value: { session: { steps: [{ id: 'split', note: 'public words' }], detail: value } } }, { name: 'audit/event', payload: { seq: 4 } }];

describe('the renderer message scan finds a planted secret', () => {
  const textForms: [string, (b: Buffer) => string][] = [
    ['lower-case hex', (b) => b.toString('hex')],
    ['upper-case hex', (b) => b.toString('hex').toUpperCase()],
    ['base64', (b) => b.toString('base64')],
    ['base64url', (b) => b.toString('base64url')],
  ];
  for (const [form, encode] of textForms) {
    for (const offset of [0, 1, 2, 3, 4, 5]) {
      it(`as ${form} inside a longer blob, ${offset} bytes in (alignment ${offset % 3})`, () => {
        const hits = findSecrets(message(`prefix text ${encode(blob(offset))} suffix text`), [secret]);
        expect(hits.map((h) => h.form.replace(/ \(from byte \d\)$/u, ''))).toContain(form);
        expect(hits[0]).toMatchObject({ what: 'the share of carl', path: 'received[0].value.session.detail' });
      });
    }
  }

  it('as raw bytes in a Uint8Array, which JSON.stringify would have shown as {"0":…}', () => {
    const inside = new Uint8Array(blob(7));
    expect(JSON.stringify(message(inside))).not.toContain(Buffer.from(secret.bytes).toString('hex'));
    expect(findSecrets(message(inside), [secret])).toEqual([{ what: 'the share of carl', form: 'raw bytes', path: 'received[0].value.session.detail' }]);
  });

  it('as raw bytes in an ArrayBuffer, a DataView, an array of numbers and a typed array after a JSON round trip', () => {
    const bytes = blob(2);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    for (const value of [arrayBuffer, new DataView(arrayBuffer), [...bytes], JSON.parse(JSON.stringify(new Uint8Array(bytes))) as unknown]) {
      expect(findSecrets(message(value), [secret]).map((h) => h.form)).toContain('raw bytes');
    }
  });

  it('as a binary string (one character a byte) and as the UTF-8 of a typed passphrase', () => {
    expect(findSecrets(message(`x${blob(1).toString('latin1')}`), [secret]).map((h) => h.form)).toContain('raw bytes');
    const passphrase: KnownSecret = { what: 'a typed passphrase', bytes: new TextEncoder().encode('gus share passphrase') };
    expect(findSecrets(message({ label: 'Gus: gus share passphrase' }), [passphrase])).toHaveLength(1);
    expect(findSecrets(message({ ['gus share passphrase']: 1 }), [passphrase])).toHaveLength(1);
  });

  it('any secret, any surrounding bytes, any text encoding (property)', () => {
    const encodings = fc.constantFrom<(b: Buffer) => string>((b) => b.toString('hex'), (b) => b.toString('hex').toUpperCase(), (b) => b.toString('base64'), (b) => b.toString('base64url'), (b) => b.toString('latin1'));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MIN_SECRET_BYTES, maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), encodings, (bytes, before, after, encode) => {
        const text = encode(Buffer.concat([before, bytes, after]));
        return findSecrets(message({ text }), [{ what: 's', bytes }]).length > 0;
      }),
    );
  });
});

describe('the renderer message scan does not flag what is not a secret of the run', () => {
  it('public values of the same kinds (hex, base64, bytes, words) and a different secret of the same length', () => {
    const other = randomBytes(33);
    const hits = findSecrets(message({ fingerprint: other.toString('hex'), blob: other.toString('base64'), raw: new Uint8Array(other), words: 'abandon ability able about above' }), [secret]);
    expect(hits).toEqual([]);
  });

  it('a secret shorter than the minimum is not searched (it would match public data by chance)', () => {
    const short: KnownSecret = { what: 'a 4-byte value', bytes: Uint8Array.of(0, 1, 2, 3) };
    expect(findSecrets(message(new Uint8Array([9, 0, 1, 2, 3, 9])), [short])).toEqual([]);
  });

  it('a secret split across two separate values is not reported as one', () => {
    const hex = Buffer.from(secret.bytes).toString('hex');
    expect(findSecrets(message([hex.slice(0, 20), hex.slice(20)]), [secret])).toEqual([]);
  });

  it('random messages and unrelated random secrets (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 48 }), fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes, noise) => {
        const unrelated = Buffer.from(noise);
        // Unrelated by construction: a secret that happens to sit in the noise is skipped.
        fc.pre(unrelated.indexOf(Buffer.from(bytes)) < 0);
        return findSecrets(message({ raw: noise, hex: unrelated.toString('hex'), b64: unrelated.toString('base64') }), [{ what: 's', bytes }]).length === 0;
      }),
    );
  });
});
