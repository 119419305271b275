import { describe, expect, it, vi } from 'vitest';
import { createRouter, type CommandHandlers } from './router.ts';
import type { SenderInfo } from './sender-policy.ts';
import { SecretBytes } from '../../shared/secret-bytes.ts';
import { KeyriteError } from '../../shared/result.ts';
import { MAX_REQUEST_BYTES } from '../../shared/contract.ts';

const ORIGIN = 'app://keyrite';
const trusted: SenderInfo = { webContentsId: 1, isTopFrame: true, frameUrl: `${ORIGIN}/index.html` };

const tokens = { module: { path: '/lib.so', manufacturer: 'm', description: 'd', libraryVersion: '2.6', cryptokiVersion: '2.40', rehearsal: true }, tokens: [] };

function makeRouter(overrides: Partial<CommandHandlers> = {}) {
  const refused = vi.fn();
  const internal = vi.fn();
  // Only the commands these tests call; the router never reaches the others.
  const handlers = {
    'app/describe': () => ({ name: 'Keyrite', version: '1.0.0', host: 'test-bridge', rehearsal: true }),
    'hsm/listTokens': () => tokens,
    ...overrides,
  } as Partial<CommandHandlers> as CommandHandlers;
  const router = createRouter({ handlers, policy: { trustedWebContents: new Set([1]), origin: ORIGIN }, onRefused: refused, onInternalError: internal });
  return { router, refused, internal };
}

describe('IPC router', () => {
  it('answers a valid call from our window with the handler value', async () => {
    const { router } = makeRouter();
    await expect(router.route(trusted, 'app/describe', {})).resolves.toEqual({ ok: true, value: { name: 'Keyrite', version: '1.0.0', host: 'test-bridge', rehearsal: true } });
  });

  it.each([
    ['an unknown window', { ...trusted, webContentsId: 7 }, 'did not come from a window Keyrite created'],
    ['no window at all', { ...trusted, webContentsId: null }, 'did not come from a window Keyrite created'],
    ['a subframe', { ...trusted, isTopFrame: false }, 'subframe'],
    ['another origin', { ...trusted, frameUrl: 'https://evil.example/x' }, 'origin https://evil.example'],
    ['a look-alike origin', { ...trusted, frameUrl: 'app://keyrite.evil/index.html' }, 'origin app://keyrite.evil'],
    ['a file URL', { ...trusted, frameUrl: 'file:///etc/passwd' }, 'origin (none)'],
    ['an unparsable URL', { ...trusted, frameUrl: 'not a url' }, 'origin (none)'],
  ])('refuses a sender from %s and records it', async (_what, sender, reason) => {
    const { router, refused } = makeRouter();
    const result = await router.route(sender, 'app/describe', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNTRUSTED_SENDER' } });
    expect(result.ok ? '' : result.error.message).toContain(reason);
    expect(refused).toHaveBeenCalledWith(expect.objectContaining({ code: 'BOUNDARY_UNTRUSTED_SENDER' }));
  });

  it.each([['hsm/format'], ['__proto__'], ['constructor'], ['toString'], [42], [null]])('refuses unknown command %s', async (command) => {
    const { router } = makeRouter();
    await expect(router.route(trusted, command, {})).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNKNOWN_COMMAND' } });
  });

  it('refuses a payload over the size cap before parsing it', async () => {
    const parse = vi.fn();
    const { router } = makeRouter({ 'app/describe': parse });
    const result = await router.route(trusted, 'app/describe', { pad: 'x'.repeat(MAX_REQUEST_BYTES) });
    expect(result).toMatchObject({ ok: false, error: { code: 'BOUNDARY_PAYLOAD_TOO_LARGE' } });
    expect(parse).not.toHaveBeenCalled();
  });

  it('refuses a cyclic payload (structured clone lets cycles through)', async () => {
    const { router } = makeRouter();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(router.route(trusted, 'app/describe', cyclic)).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
  });

  it.each([[{ extra: 1 }], [[]], ['text'], [null], [{ __proto__: { polluted: true }, x: 1 }]])('refuses a request that fails the schema: %j', async (payload) => {
    const handler = vi.fn();
    const { router } = makeRouter({ 'app/describe': handler });
    await expect(router.route(trusted, 'app/describe', payload)).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes a KeyriteError through as a typed error', async () => {
    const { router } = makeRouter({ 'hsm/listTokens': () => { throw new KeyriteError('HSM_DEVICE_REMOVED', 'The HSM was removed.'); } });
    await expect(router.route(trusted, 'hsm/listTokens', {})).resolves.toEqual({ ok: false, error: { code: 'HSM_DEVICE_REMOVED', message: 'The HSM was removed.' } });
  });

  it('hides the message of an unexpected error (it could carry a path or a value) and keeps running', async () => {
    const { router, internal } = makeRouter({ 'hsm/listTokens': () => { throw new Error('/home/alice/secret-path 0xdeadbeef'); } });
    const result = await router.route(trusted, 'hsm/listTokens', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('deadbeef');
    expect(internal).toHaveBeenCalledOnce();
    await expect(router.route(trusted, 'app/describe', {})).resolves.toMatchObject({ ok: true });
  });

  it('refuses to answer with a SecretBytes anywhere in the response', async () => {
    const secret = new SecretBytes(new Uint8Array([1, 2, 3]));
    const { router } = makeRouter({ 'hsm/listTokens': () => ({ ...tokens, tokens: [{ pin: secret }] }) as never });
    const result = await router.route(trusted, 'hsm/listTokens', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'SECRET_LEAK' } });
    expect(result.ok ? '' : result.error.message).toContain('$.tokens[0].pin');
  });

  it('answers with a typed error even when the reporting hooks throw', async () => {
    const handlers = { 'app/describe': () => ({ name: 'Keyrite', version: 1 }) as never, 'hsm/listTokens': () => { throw new Error('boom'); } } as unknown as CommandHandlers;
    const router = createRouter({
      handlers,
      policy: { trustedWebContents: new Set([1]), origin: ORIGIN },
      onRefused: () => { throw new Error('EPIPE'); },
      onInternalError: () => { throw new Error('EPIPE'); },
    });
    await expect(router.route(trusted, 'app/describe', {})).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_RESPONSE' } });
    await expect(router.route(trusted, 'hsm/listTokens', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await expect(router.route(trusted, 'nope', {})).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_UNKNOWN_COMMAND' } });
  });

  it('refuses a response outside the contract', async () => {
    const { router } = makeRouter({ 'app/describe': () => ({ name: 'Keyrite', version: 1 }) as never });
    await expect(router.route(trusted, 'app/describe', {})).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_RESPONSE' } });
  });

  it('strips nothing silently: extra response fields are refused, not forwarded', async () => {
    const { router } = makeRouter({ 'app/describe': () => ({ name: 'Keyrite', version: '1', host: 'cli', rehearsal: false, pin: '1234' }) as never });
    await expect(router.route(trusted, 'app/describe', {})).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_RESPONSE' } });
  });
});
