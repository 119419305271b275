import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUsbBackend } from './usb-backend.ts';
import { describeUsbDevice, listUsbDevices, readUsbState, usbBusPath } from './usb-inventory.ts';
import { KNOWN_HARDWARE, recogniseUsbDevice } from './usb-known-hardware.ts';
import { UsbDevice, UsbState } from './schemas.ts';
import { FakeUsbBackend, FakeUsbDevice, fakeCeremonyDevices } from './fixtures/fake-usb.ts';

const noSysfs = { readSysfs: false } as const;

const made: string[] = [];
const tempRoot = (prefix: string): string => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

describe('known ceremony hardware', () => {
  it('recognises the YubiHSM 2 and the Nitrokey HSM by exact id', () => {
    expect(recogniseUsbDevice(0x1050, 0x0030, [])).toMatchObject({ kind: 'hsm', name: 'YubiHSM 2', matchedBy: 'id' });
    expect(recogniseUsbDevice(0x20a0, 0x4230, [])).toMatchObject({ kind: 'hsm', matchedBy: 'id' });
  });

  it('an exact row wins over the interface class (a YubiKey is a CCID device too)', () => {
    expect(recogniseUsbDevice(0x1050, 0x0407, [0x0b])).toMatchObject({ kind: 'security-key', matchedBy: 'id' });
  });

  it('falls back to the vendor row, then to the CCID and mass-storage classes, then to nothing', () => {
    expect(recogniseUsbDevice(0x1050, 0x9999, [])).toMatchObject({ kind: 'security-key', matchedBy: 'vendor' });
    expect(recogniseUsbDevice(0x1234, 0x5678, [0x03, 0x0b])).toMatchObject({ kind: 'smart-card-reader', matchedBy: 'class' });
    expect(recogniseUsbDevice(0x0951, 0x1666, [0x08])).toMatchObject({ kind: 'mass-storage', matchedBy: 'class' });
    expect(recogniseUsbDevice(0x046d, 0xc31c, [0x03])).toBeNull();
  });

  it('has one row per id, each with a cited source', () => {
    const keys = KNOWN_HARDWARE.map((r) => `${r.vendorId}:${r.productId ?? '*'}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of KNOWN_HARDWARE) expect(r.source).toMatch(/\(.*\.(com|fr|org)/u);
  });
});

describe('bus path', () => {
  it('follows Linux sysfs naming', () => {
    expect(usbBusPath(1, [2, 3])).toBe('1-2.3');
    expect(usbBusPath(3, [1])).toBe('3-1');
    expect(usbBusPath(2, [])).toBe('usb2');
    expect(usbBusPath(2, undefined)).toBe('usb2');
  });
});

describe('listing devices (named fake devices: no USB bus here)', () => {
  it('describes each device with ids, bus path, strings and what it is, sorted by bus path', async () => {
    const backend = new FakeUsbBackend([fakeCeremonyDevices.usbStick(), fakeCeremonyDevices.yubiHsm2(), fakeCeremonyDevices.yubiKey5()]);
    const devices = await listUsbDevices(backend, noSysfs);
    expect(devices.map((d) => d.busPath)).toEqual(['1-2', '1-3.1', '2-1']);
    const hsm = devices[0];
    expect(hsm).toMatchObject({
      id: '1050:0030',
      manufacturer: { state: 'read', text: 'Yubico' },
      product: { state: 'read', text: 'YubiHSM' },
      serial: { state: 'read', text: '0012345678' },
      recognised: { name: 'YubiHSM 2' },
    });
    expect(devices[1]?.serial).toEqual({ state: 'none' });
    expect(devices[2]?.recognised?.kind).toBe('mass-storage');
    for (const d of devices) UsbDevice.parse(d);
  });

  it('says "unreadable" with the reason when the device cannot be opened, and never throws', async () => {
    const device = await describeUsbDevice(fakeCeremonyDevices.nitrokeyHsm(), noSysfs);
    expect(device.product).toEqual({ state: 'unreadable', reason: expect.stringContaining('LIBUSB_ERROR_ACCESS') });
    expect(device.serial.state).toBe('unreadable');
    expect(device.recognised?.name).toMatch(/Nitrokey HSM/u);
  });

  it('says "unreadable" when a string read fails, and closes the device afterwards', async () => {
    const keyboard = fakeCeremonyDevices.keyboard();
    const device = await describeUsbDevice(keyboard, noSysfs);
    expect(device.manufacturer).toEqual({ state: 'unreadable', reason: 'LIBUSB_ERROR_PIPE' });
    expect(keyboard.opened).toBe(false);
    expect(keyboard.closeCount).toBe(1);
  });

  it('gives up on a device that never answers', async () => {
    const silent = new FakeUsbDevice({ vendorId: 0x1050, productId: 0x0030, strings: 'never-answers' });
    const device = await describeUsbDevice(silent, { ...noSysfs, stringTimeoutMs: 20 });
    expect(device.serial).toEqual({ state: 'unreadable', reason: 'no answer within 20 ms' });
    expect(silent.closeCount).toBe(1);
  });

  it('reads the strings from sysfs on Linux without opening the device', async () => {
    const sysRoot = tempRoot('keyrite-sysfs-');
    const folder = join(sysRoot, 'bus/usb/devices/1-2');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'idVendor'), '1050\n');
    writeFileSync(join(folder, 'manufacturer'), 'Yubico\n');
    writeFileSync(join(folder, 'product'), 'YubiHSM\n');
    const hsm = new FakeUsbDevice({ vendorId: 0x1050, productId: 0x0030, ports: [2], strings: 'open-fails' });
    const device = await describeUsbDevice(hsm, { readSysfs: true, sysRoot });
    expect(device.product).toEqual({ state: 'read', text: 'YubiHSM' });
    expect(device.serial).toEqual({ state: 'none' });
  });

  it('turns an enumeration failure into DEVICES_USB_LIST_FAILED', async () => {
    const backend = new FakeUsbBackend();
    backend.getDeviceList = () => {
      throw new Error('LIBUSB_ERROR_NO_MEM');
    };
    await expect(listUsbDevices(backend)).rejects.toMatchObject({ code: 'DEVICES_USB_LIST_FAILED' });
  });
});

describe('loading the usb library: a typed "unavailable", never a crash', () => {
  const emptyRoot = (): string => tempRoot('keyrite-nousb-');

  it('reports a machine with no USB bus in sysfs', async () => {
    const state = await loadUsbBackend({ platform: 'linux', sysRoot: emptyRoot() });
    expect(state).toEqual({ available: false, reason: expect.stringMatching(/^USB unavailable: no USB bus/u) });
  });

  it('reports a missing /dev/bus/usb', async () => {
    const sysRoot = emptyRoot();
    mkdirSync(join(sysRoot, 'bus/usb'), { recursive: true });
    const state = await loadUsbBackend({ platform: 'linux', sysRoot, devRoot: join(sysRoot, 'no-dev') });
    expect(state).toMatchObject({ available: false, reason: expect.stringContaining('no USB device nodes') });
  });

  it('blames permissions when the kernel lists devices that libusb cannot see', async () => {
    const sysRoot = emptyRoot();
    mkdirSync(join(sysRoot, 'bus/usb/devices/usb1'), { recursive: true });
    mkdirSync(join(sysRoot, 'bus/usb/devices/1-0:1.0'), { recursive: true });
    const state = await loadUsbBackend({ platform: 'linux', sysRoot, devRoot: sysRoot, importUsb: async () => ({ usb: new FakeUsbBackend() }) });
    expect(state).toMatchObject({ available: false, reason: expect.stringContaining('the kernel lists 1; check the permissions') });
  });

  it('reports a library that fails to load, has the wrong shape, fails to initialise or to list', async () => {
    const base = { platform: 'darwin' } as const;
    const failing = new FakeUsbBackend();
    failing.getDeviceList = () => {
      throw new Error('LIBUSB_ERROR_OTHER');
    };
    const cases = await Promise.all([
      loadUsbBackend({ ...base, importUsb: () => Promise.reject(new Error('cannot open shared object')) }),
      loadUsbBackend({ ...base, importUsb: async () => ({ webusb: {} }) }),
      loadUsbBackend({ ...base, importUsb: async () => ({ usb: Object.assign(new FakeUsbBackend(), { INIT_ERROR: -99 }) }) }),
      loadUsbBackend({ ...base, importUsb: async () => ({ usb: failing }) }),
    ]);
    expect(cases.map((c) => (c.available ? 'available' : c.reason))).toEqual([
      'USB unavailable: the usb library could not be loaded (cannot open shared object)',
      'USB unavailable: the usb library has an unexpected shape (expected usb 2.x with getDeviceList)',
      'USB unavailable: libusb failed to initialise (error -99)',
      'USB unavailable: libusb could not list devices (LIBUSB_ERROR_OTHER)',
    ]);
  });

  it('readUsbState lists through a working backend and validates against its schema', async () => {
    const state = await readUsbState({ platform: 'darwin', readSysfs: false, importUsb: async () => ({ usb: new FakeUsbBackend([fakeCeremonyDevices.yubiHsm2()]) }) });
    expect(UsbState.parse(state)).toMatchObject({ available: true, devices: [{ id: '1050:0030' }] });
  });
});
