import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { SecretBytes, SecretLeakError, withSecrets } from '../../shared/secret-bytes.ts';

describe('SecretBytes', () => {
  const make = () => new SecretBytes(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));

  it('refuses JSON serialisation, also when nested', () => {
    expect(() => JSON.stringify(make())).toThrow(SecretLeakError);
    expect(() => JSON.stringify({ response: { value: [make()] } })).toThrow(SecretLeakError);
  });

  it('refuses string and primitive conversion', () => {
    const secret = make();
    expect(() => String(secret)).toThrow(SecretLeakError);
    expect(() => `${secret}`).toThrow(SecretLeakError);
    expect(() => secret.toString()).toThrow(SecretLeakError);
    expect(() => +(secret as unknown as number)).toThrow(SecretLeakError);
  });

  it('shows no byte when inspected or structured-cloned', () => {
    const secret = make();
    expect(inspect(secret)).toBe('SecretBytes(4 bytes, redacted)');
    expect(inspect({ secret })).not.toMatch(/de|222/u);
    const clone = structuredClone(secret) as unknown as Record<string, unknown>;
    expect(Object.values(clone)).toEqual([]);
  });

  it('owns a copy: changing the source does not change the secret', () => {
    const source = new Uint8Array([1, 2, 3]);
    const secret = new SecretBytes(source);
    source[0] = 9;
    expect(secret.expose((b) => Array.from(b))).toEqual([1, 2, 3]);
  });

  it('adopt wipes the source array', () => {
    const source = new Uint8Array([1, 2, 3]);
    const secret = SecretBytes.adopt(source);
    expect(Array.from(source)).toEqual([0, 0, 0]);
    expect(secret.expose((b) => Array.from(b))).toEqual([1, 2, 3]);
  });

  it('wipes to zeros and refuses use afterwards', () => {
    const secret = make();
    let view: Uint8Array | undefined;
    secret.expose((b) => { view = b; });
    secret.wipe();
    expect(Array.from(view ?? [])).toEqual([0, 0, 0, 0]);
    expect(secret.wiped).toBe(true);
    expect(() => secret.expose(() => 0)).toThrow(/wiped/u);
  });

  it('withSecrets wipes on success and on error', async () => {
    const a = make();
    await withSecrets([a], () => 1);
    expect(a.wiped).toBe(true);
    const b = make();
    await expect(withSecrets([b], () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(b.wiped).toBe(true);
  });
});
