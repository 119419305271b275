import { describe, expect, it, vi } from 'vitest';
import { BoundaryRefusal } from '../../shared/contract.ts';
import { createBoundaryGuards } from './boundary-guards.ts';
import { createNetworkPolicy } from './network-policy.ts';

function setup(report = vi.fn()) {
  const guards = createBoundaryGuards(report, createNetworkPolicy());
  const event = () => ({ preventDefault: vi.fn() });
  return { guards, report, event };
}

/** Every report must be a valid `boundary/refused` payload. */
function reported(report: ReturnType<typeof vi.fn>): BoundaryRefusal[] {
  return report.mock.calls.map(([refusal]) => BoundaryRefusal.parse(refusal));
}

describe('navigation is blocked', () => {
  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'] as const)('%s: prevented and reported', (source) => {
    const { guards, report, event } = setup();
    const e = { ...event(), url: 'https://evil.example/phish' };
    guards.navigation(source)(e);
    expect(e.preventDefault).toHaveBeenCalledOnce();
    expect(reported(report)).toEqual([{ kind: 'navigation', target: 'https://evil.example/phish', reason: expect.stringContaining(source) }]);
  });

  it('is blocked even towards our own origin (Keyrite is one page)', () => {
    const { guards, event } = setup();
    const e = { ...event(), url: 'app://keyrite/index.html' };
    guards.navigation('will-navigate')(e);
    expect(e.preventDefault).toHaveBeenCalledOnce();
  });

  it('still prevents when the reporter throws', () => {
    const { guards, event } = setup(vi.fn(() => { throw new Error('audit down'); }));
    const e = { ...event(), url: 'https://evil.example' };
    expect(() => guards.navigation('will-navigate')(e)).not.toThrow();
    expect(e.preventDefault).toHaveBeenCalledOnce();
  });

  it('clips an enormous URL so the report stays inside the contract', () => {
    const { guards, report, event } = setup();
    guards.navigation('will-navigate')({ ...event(), url: `https://x.example/${'a'.repeat(10_000)}` });
    expect(reported(report)[0]?.target).toHaveLength(2048);
  });
});

describe('new windows and webviews are refused', () => {
  it('window.open is denied and reported', () => {
    const { guards, report } = setup();
    expect(guards.windowOpen({ url: 'https://evil.example/popup' })).toEqual({ action: 'deny' });
    expect(reported(report)).toEqual([expect.objectContaining({ kind: 'window-open', target: 'https://evil.example/popup' })]);
  });

  it('a <webview> is prevented from attaching and reported with its src', () => {
    const { guards, report, event } = setup();
    const e = event();
    guards.attachWebview(e, {}, { src: 'https://evil.example/' });
    expect(e.preventDefault).toHaveBeenCalledOnce();
    expect(reported(report)).toEqual([expect.objectContaining({ kind: 'webview', target: 'https://evil.example/' })]);
  });
});

describe('permissions and devices are denied', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'usb', 'serial', 'openExternal', 'fullscreen'])('a %s request is denied', (permission) => {
    const { guards, report } = setup();
    const callback = vi.fn();
    guards.permissionRequest(null, permission, callback, { requestingUrl: 'app://keyrite/index.html' });
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(reported(report)).toEqual([{ kind: 'permission', target: 'app://keyrite/index.html', reason: expect.stringContaining(permission) }]);
  });

  it('every permission check answers no, and each distinct check is reported once', () => {
    const { guards, report } = setup();
    for (let i = 0; i < 3; i++) expect(guards.permissionCheck(null, 'clipboard-read', 'app://keyrite')).toBe(false);
    expect(guards.permissionCheck(null, 'media', 'app://keyrite')).toBe(false);
    expect(reported(report)).toHaveLength(2);
  });

  it('keeps answering no after the memory of seen checks is full', () => {
    const { guards } = setup();
    for (let i = 0; i < 1000; i++) expect(guards.permissionCheck(null, `p${i}`, 'app://keyrite')).toBe(false);
  });

  it.each(['hid', 'usb', 'serial', 'bluetooth'])('a %s device permission is denied', (deviceType) => {
    const { guards } = setup();
    expect(guards.devicePermission({ deviceType, origin: 'app://keyrite' })).toBe(false);
  });

  it('HID and USB choosers are cancelled with no device', () => {
    for (const what of ['HID', 'USB'] as const) {
      const { guards, report, event } = setup();
      const e = event();
      const callback = vi.fn();
      guards.selectHidOrUsbDevice(what)(e, { deviceList: [{ deviceId: '1' }] }, callback);
      expect(e.preventDefault).toHaveBeenCalledOnce();
      expect(callback).toHaveBeenCalledExactlyOnceWith();
      expect(reported(report)[0]?.kind).toBe('permission');
    }
  });

  it('serial and Bluetooth choosers are cancelled with an empty id', () => {
    const { guards, event } = setup();
    const serial = vi.fn();
    const e1 = event();
    guards.selectSerialPort(e1, [{ portId: 'COM1' }], null, serial);
    expect(e1.preventDefault).toHaveBeenCalledOnce();
    expect(serial).toHaveBeenCalledExactlyOnceWith('');
    const bluetooth = vi.fn();
    const e2 = event();
    guards.selectBluetoothDevice(e2, [{ deviceId: 'aa:bb' }], bluetooth);
    expect(e2.preventDefault).toHaveBeenCalledOnce();
    expect(bluetooth).toHaveBeenCalledExactlyOnceWith('');
  });

  it('Bluetooth pairing is refused', () => {
    const { guards } = setup();
    const callback = vi.fn();
    guards.bluetoothPairing({ deviceId: 'aa:bb', pairingKind: 'confirm' }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({ confirmed: false });
  });

  it('USB classes Chromium protects stay protected', () => {
    const { guards } = setup();
    const protectedClasses = ['audio', 'hid', 'smart-card'];
    expect(guards.usbProtectedClasses({ protectedClasses })).toEqual(protectedClasses);
  });
});

describe('the network is closed', () => {
  it.each(['https://example.com/beacon', 'http://10.0.0.1/', 'wss://evil.example/socket', 'file:///etc/passwd'])('cancels %s and reports it', (url) => {
    const { guards, report } = setup();
    const callback = vi.fn();
    guards.request({ url }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({ cancel: true });
    expect(reported(report)).toEqual([{ kind: 'network', target: url, reason: expect.stringContaining('cancelled') }]);
  });

  it('lets our own app:// files through without reporting', () => {
    const { guards, report } = setup();
    const callback = vi.fn();
    guards.request({ url: 'app://keyrite/assets/index.js' }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({ cancel: false });
    expect(report).not.toHaveBeenCalled();
  });

  it('refuses downloads', () => {
    const { guards, report, event } = setup();
    const e = event();
    guards.download(e, { getURL: () => 'https://example.com/file.zip' });
    expect(e.preventDefault).toHaveBeenCalledOnce();
    expect(reported(report)).toEqual([expect.objectContaining({ kind: 'network', target: 'https://example.com/file.zip' })]);
  });
});
