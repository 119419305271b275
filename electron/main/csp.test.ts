import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp.ts';

/** Parses a serialised policy back into directive → sources, as a browser would split it (CSP3 §2.2.1). */
function parse(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name === undefined || name === '') continue;
    expect(directives.has(name), `directive ${name} appears twice`).toBe(false);
    directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

describe('Content Security Policy', () => {
  const header = parse(CONTENT_SECURITY_POLICY);

  it.each([
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ])('the header sets %s to exactly %j', (directive, sources) => {
    expect(header.get(directive)).toEqual(sources);
  });

  it('has no directive beyond the reviewed ones', () => {
    expect([...header.keys()].sort()).toEqual(['base-uri', 'connect-src', 'default-src', 'font-src', 'form-action', 'frame-ancestors', 'img-src', 'object-src', 'script-src', 'style-src']);
  });

  it.each([CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY])('allows no inline code, no eval, no wildcard and no network scheme: %s', (policy) => {
    for (const [directive, sources] of parse(policy)) {
      for (const source of sources) {
        expect(["'self'", "'none'", 'data:'], `${directive} ${source}`).toContain(source);
      }
    }
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|\*/);
  });

  it('only allows data: for images', () => {
    const withData = [...header].filter(([, sources]) => sources.includes('data:')).map(([name]) => name);
    expect(withData).toEqual(['img-src']);
  });

  it('gives the <meta> tag every directive except the header-only frame-ancestors', () => {
    const meta = parse(META_CONTENT_SECURITY_POLICY);
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(new Map([...header].filter(([name]) => name !== 'frame-ancestors'))).toEqual(meta);
  });
});
