/**
 * The window's walls, as pure handlers the Electron wiring plugs in
 * (hardening.ts). Each one refuses and reports what it refused; nothing
 * here ever says yes except the network policy for our own origin.
 * Electron security checklist: #5 permission requests, #13 navigation,
 * #14 new windows, #12 webview attachment; plus device pickers
 * (HID, USB, serial, Bluetooth), downloads, and every network request.
 * Structural parameter types instead of Electron's, so tests call them with
 * plain objects and no Electron binary.
 */
import type { BoundaryRefusal } from '../../shared/contract.ts';
import type { RequestVerdict } from './network-policy.ts';

export type ReportRefusal = (refusal: BoundaryRefusal) => void;

interface Preventable {
  preventDefault(): void;
}

export type NavigationSource = 'will-navigate' | 'will-redirect' | 'will-frame-navigate';

/** How many distinct permission checks are remembered (and so reported once each). */
const MAX_REMEMBERED_CHECKS = 256;

export function createBoundaryGuards(report: ReportRefusal, judgeRequest: (url: string) => RequestVerdict) {
  const tell = (kind: BoundaryRefusal['kind'], target: string, reason: string): void => {
    try {
      report({ kind, target: target.slice(0, 2048), reason: reason.slice(0, 512) });
    } catch {
      // Reporting must never turn a refusal into a crash or, worse, an allow.
    }
  };
  // Chromium asks permission *checks* on its own, often; each distinct one is reported once.
  const checksSeen = new Set<string>();
  const tellOnce = (kind: BoundaryRefusal['kind'], target: string, reason: string): void => {
    const key = `${kind}\u0000${target}\u0000${reason}`;
    if (checksSeen.has(key)) return;
    if (checksSeen.size < MAX_REMEMBERED_CHECKS) checksSeen.add(key);
    tell(kind, target, reason);
  };

  return {
    /** will-navigate, will-redirect, will-frame-navigate: Keyrite is one page and never leaves it. */
    navigation: (source: NavigationSource) => (event: Preventable & { url: string }): void => {
      event.preventDefault();
      tell('navigation', event.url, `${source}: Keyrite never navigates away from its own page`);
    },

    /** webContents.setWindowOpenHandler: no new windows, ever. */
    windowOpen: (details: { url: string }): { action: 'deny' } => {
      tell('window-open', details.url, 'Keyrite opens no new windows');
      return { action: 'deny' };
    },

    /** will-attach-webview: the webviewTag is off; refuse even if something re-enables it. */
    attachWebview: (event: Preventable, _webPreferences: unknown, params: Readonly<Record<string, string>>): void => {
      event.preventDefault();
      tell('webview', params['src'] ?? '(no src)', 'Keyrite attaches no <webview>');
    },

    /** session.setPermissionRequestHandler: every permission request denied. */
    permissionRequest: (_webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }): void => {
      callback(false);
      tell('permission', details.requestingUrl ?? '(unknown)', `permission "${permission}" requested and denied`);
    },

    /** session.setPermissionCheckHandler: every permission check answered no. */
    permissionCheck: (_webContents: unknown, permission: string, requestingOrigin: string): false => {
      tellOnce('permission', requestingOrigin, `permission "${permission}" checked and denied`);
      return false;
    },

    /** session.setDevicePermissionHandler: no HID, USB, serial or Bluetooth device for web content. */
    devicePermission: (details: { deviceType: string; origin: string }): false => {
      tellOnce('permission', details.origin, `access to a ${details.deviceType} device denied`);
      return false;
    },

    /** session.setUSBProtectedClassesHandler: keep every class Chromium protects by default. */
    usbProtectedClasses: (details: { protectedClasses: string[] }): string[] => details.protectedClasses,

    /** session.setBluetoothPairingHandler: never pair. */
    bluetoothPairing: (_details: unknown, callback: (response: { confirmed: boolean }) => void): void => {
      callback({ confirmed: false });
      tell('permission', '(bluetooth)', 'Bluetooth pairing refused');
    },

    /** select-hid-device / select-usb-device: cancel by calling back with no device. */
    selectHidOrUsbDevice: (what: 'HID' | 'USB') => (event: Preventable, _details: unknown, callback: () => void): void => {
      event.preventDefault();
      callback();
      tell('permission', `(${what})`, `${what} device chooser cancelled`);
    },

    /** select-serial-port: cancel with an empty port id. */
    selectSerialPort: (event: Preventable, _ports: unknown, _webContents: unknown, callback: (portId: string) => void): void => {
      event.preventDefault();
      callback('');
      tell('permission', '(serial)', 'serial port chooser cancelled');
    },

    /** select-bluetooth-device (webContents): cancel with an empty device id. */
    selectBluetoothDevice: (event: Preventable, _devices: unknown, callback: (deviceId: string) => void): void => {
      event.preventDefault();
      callback('');
      tell('permission', '(bluetooth)', 'Bluetooth device chooser cancelled');
    },

    /** session 'will-download': nothing is downloaded. */
    download: (event: Preventable, item: { getURL(): string }): void => {
      event.preventDefault();
      tell('network', item.getURL(), 'downloads are refused');
    },

    /** session.webRequest.onBeforeRequest: cancel every request the network policy refuses. */
    request: (details: { url: string }, callback: (response: { cancel: boolean }) => void): void => {
      const verdict = judgeRequest(details.url);
      callback({ cancel: !verdict.allowed });
      if (!verdict.allowed) tell('network', details.url, `request cancelled: ${verdict.reason}`);
    },
  };
}

export type BoundaryGuards = ReturnType<typeof createBoundaryGuards>;
