/**
 * Plugs the boundary guards into Electron: once per session (permissions,
 * devices, downloads, network) and once per web contents (navigation, new
 * windows, webviews, device choosers). index.ts calls hardenWebContents from
 * 'web-contents-created', so every web contents is covered, including any
 * we did not create ourselves. Only `import type` from electron.
 */
import type { Session, WebContents } from 'electron';
import type { BoundaryGuards } from './boundary-guards.ts';

const hardenedSessions = new WeakSet<Session>();

export function hardenSession(session: Session, guards: BoundaryGuards): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  session.setPermissionRequestHandler(guards.permissionRequest);
  session.setPermissionCheckHandler(guards.permissionCheck);
  session.setDevicePermissionHandler(guards.devicePermission);
  session.setUSBProtectedClassesHandler(guards.usbProtectedClasses);
  session.setBluetoothPairingHandler(guards.bluetoothPairing);
  session.on('select-hid-device', guards.selectHidOrUsbDevice('HID'));
  session.on('select-usb-device', guards.selectHidOrUsbDevice('USB'));
  session.on('select-serial-port', guards.selectSerialPort);
  session.on('will-download', guards.download);
  // One filter for every URL: anything not ours is cancelled before it leaves.
  session.webRequest.onBeforeRequest(guards.request);
  // No spellchecker dictionaries fetched from the network.
  session.setSpellCheckerEnabled(false);
}

export function hardenWebContents(contents: WebContents, guards: BoundaryGuards): void {
  contents.on('will-navigate', guards.navigation('will-navigate'));
  contents.on('will-frame-navigate', guards.navigation('will-frame-navigate'));
  contents.on('will-redirect', guards.navigation('will-redirect'));
  contents.on('will-attach-webview', guards.attachWebview);
  contents.on('select-bluetooth-device', guards.selectBluetoothDevice);
  contents.setWindowOpenHandler(guards.windowOpen);
  hardenSession(contents.session, guards);
}
