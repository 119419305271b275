import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createBoundaryGuards } from './boundary-guards.ts';
import { hardenSession, hardenWebContents } from './hardening.ts';
import { createNetworkPolicy } from './network-policy.ts';

/** A stand-in for Electron's Session that records what was installed. */
class FakeSession extends EventEmitter {
  readonly handlers = new Map<string, unknown>();
  spellChecker: boolean | undefined;
  readonly webRequest = { onBeforeRequest: (listener: unknown) => this.handlers.set('onBeforeRequest', listener) };
  setPermissionRequestHandler(handler: unknown) { this.handlers.set('permissionRequest', handler); }
  setPermissionCheckHandler(handler: unknown) { this.handlers.set('permissionCheck', handler); }
  setDevicePermissionHandler(handler: unknown) { this.handlers.set('devicePermission', handler); }
  setUSBProtectedClassesHandler(handler: unknown) { this.handlers.set('usbProtectedClasses', handler); }
  setBluetoothPairingHandler(handler: unknown) { this.handlers.set('bluetoothPairing', handler); }
  setSpellCheckerEnabled(enabled: boolean) { this.spellChecker = enabled; }
}

class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
  readonly session: FakeSession;
  constructor(session: FakeSession) {
    super();
    this.session = session;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) { this.windowOpenHandler = handler; }
}

function setup() {
  const report = vi.fn();
  const guards = createBoundaryGuards(report, createNetworkPolicy());
  const session = new FakeSession();
  const contents = new FakeWebContents(session);
  hardenWebContents(contents as unknown as WebContents, guards);
  return { report, guards, session, contents };
}

const handler = <T>(session: FakeSession, name: string) => session.handlers.get(name) as T;

describe('hardening wires every guard into Electron', () => {
  it('blocks navigation through each navigation event', () => {
    const { contents, report } = setup();
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const event = { url: 'https://evil.example/', preventDefault: vi.fn() };
      contents.emit(name, event, event.url);
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
    expect(report).toHaveBeenCalledTimes(3);
  });

  it('denies window.open and webviews', () => {
    const { contents } = setup();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, { src: 'https://evil.example/' });
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('cancels Bluetooth device choosers on the web contents', () => {
    const { contents } = setup();
    const event = { preventDefault: vi.fn() };
    const callback = vi.fn();
    contents.emit('select-bluetooth-device', event, [], callback);
    expect(callback).toHaveBeenCalledWith('');
  });

  it('hardens the web contents\' session: permissions, devices, downloads, network, spellchecker', () => {
    const { session } = setup();
    expect([...session.handlers.keys()].sort()).toEqual(['bluetoothPairing', 'devicePermission', 'onBeforeRequest', 'permissionCheck', 'permissionRequest', 'usbProtectedClasses']);
    const request = vi.fn();
    handler<(wc: null, p: string, cb: (granted: boolean) => void, d: object) => void>(session, 'permissionRequest')(null, 'media', request, {});
    expect(request).toHaveBeenCalledWith(false);
    expect(handler<(wc: null, p: string, o: string) => boolean>(session, 'permissionCheck')(null, 'media', 'app://keyrite')).toBe(false);
    const network = vi.fn();
    handler<(d: { url: string }, cb: (r: { cancel: boolean }) => void) => void>(session, 'onBeforeRequest')({ url: 'https://example.com/' }, network);
    expect(network).toHaveBeenCalledWith({ cancel: true });
    for (const name of ['select-hid-device', 'select-usb-device', 'select-serial-port', 'will-download']) {
      expect(session.listenerCount(name), name).toBe(1);
    }
    expect(session.spellChecker).toBe(false);
  });

  it('hardens a session once, however many web contents share it', () => {
    const { session, guards } = setup();
    hardenSession(session as unknown as Session, guards);
    hardenWebContents(new FakeWebContents(session) as unknown as WebContents, guards);
    expect(session.listenerCount('will-download')).toBe(1);
  });
});
