import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPkcs11Uri, parsePkcs11Uri } from './pkcs11-uri.ts';

describe('RFC 7512 PKCS#11 URIs', () => {
  it('parses the RFC 7512 §3 examples', () => {
    expect(parsePkcs11Uri('pkcs11:object=my-pubkey;type=public')).toEqual({ path: { object: 'my-pubkey', type: 'public' }, query: {} });
    expect(parsePkcs11Uri('pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=')).toEqual({
      path: { token: 'The Software PKCS#11 Softtoken', manufacturer: 'Snake Oil, Inc.', model: '1.0', object: 'my-certificate', type: 'cert', serial: '' },
      id: Uint8Array.from([0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91]),
      query: {},
    });
    expect(parsePkcs11Uri('pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-source=file:/etc/token').query).toEqual({ 'pin-source': 'file:/etc/token' });
    expect(parsePkcs11Uri('pkcs11:').path).toEqual({});
  });
  it('refuses a PIN in the URI, repeated or unknown attributes, and broken escapes', () => {
    expect(() => parsePkcs11Uri('pkcs11:token=a?pin-value=1234')).toThrow(/pin-value is refused/u);
    expect(() => parsePkcs11Uri('pkcs11:token=a;token=b')).toThrow(/twice/u);
    expect(() => parsePkcs11Uri('pkcs11:colour=red')).toThrow(/not an RFC 7512/u);
    expect(() => parsePkcs11Uri('pkcs11:token=%G1')).toThrow(/percent/u);
    expect(() => parsePkcs11Uri('https://x')).toThrow(/pkcs11:/u);
    expect(() => parsePkcs11Uri('pkcs11:type=secret')).toThrow(/type must be/u);
    expect(parsePkcs11Uri('pkcs11:x-vendor=1;token=a').path).toEqual({ token: 'a' });
  });
  it('prints in RFC order with id fully escaped', () => {
    expect(formatPkcs11Uri({ path: { token: 'root hsm;1', serial: '4cc9' }, id: Uint8Array.from([0x41, 0xff]), query: {} })).toBe('pkcs11:serial=4cc9;token=root%20hsm%3B1;id=%41%FF');
  });
  it('print then parse gives back the same URI (property)', () => {
    const value = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(fc.property(
      fc.record({ token: value, serial: value, object: value, manufacturer: value }, { requiredKeys: [] }),
      fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
      fc.record({ 'module-path': value, 'pin-source': value }, { requiredKeys: [] }),
      (path, id, query) => {
        const uri = id === undefined ? { path, query } : { path, id, query };
        expect(parsePkcs11Uri(formatPkcs11Uri(uri))).toEqual(uri);
      },
    ));
  });
});
