/**
 * USB inventory: what is plugged in, described in public terms (ids, bus
 * path, strings, what we recognise it as). Reading the manufacturer,
 * product and serial strings needs the device opened; that fails without
 * permission, or for a device that has just gone: the string is then
 * `unreadable` with the reason, and the listing carries on.
 */
import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../shared/result.ts';
import type { UsbBackend, UsbDeviceHandle } from './usb-backend.ts';
import { loadUsbBackend, unavailable, type LoadUsbOptions } from './usb-backend.ts';
import { recogniseUsbDevice, usbId } from './usb-known-hardware.ts';
import type { DescriptorText, UsbDevice, UsbState } from './schemas.ts';

export interface DescribeOptions {
  /** Try sysfs (`<sysRoot>/bus/usb/devices/<busPath>/product`…) before opening the device. Linux only; default true there. */
  readSysfs?: boolean;
  sysRoot?: string;
  /** Open the device to read string descriptors when sysfs has none. Default true. */
  openDevice?: boolean;
  /** Give up on one string descriptor after this long. Default 1000 ms. */
  stringTimeoutMs?: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/** `1-2.3` as Linux sysfs names it; `usb1` for a root hub (no port numbers). */
export function usbBusPath(busNumber: number, portNumbers: readonly number[] | undefined): string {
  if (portNumbers === undefined || portNumbers.length === 0) return `usb${busNumber}`;
  return `${busNumber}-${portNumbers.join('.')}`;
}

function interfaceClassesOf(device: UsbDeviceHandle): number[] {
  try {
    const config = device.configDescriptor;
    if (config === undefined) return [];
    const classes = new Set<number>();
    for (const alternates of config.interfaces) for (const alt of alternates) classes.add(alt.bInterfaceClass);
    return [...classes].sort((a, b) => a - b);
  } catch {
    // The getter calls into libusb; a device that just went away throws here.
    return [];
  }
}

function readStringDescriptor(device: UsbDeviceHandle, index: number, timeoutMs: number): Promise<DescriptorText> {
  if (index === 0) return Promise.resolve({ state: 'none' });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: DescriptorText): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => settle({ state: 'unreadable', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
    try {
      device.getStringDescriptor(index, (error, value) => {
        if (error !== undefined && error !== null) settle({ state: 'unreadable', reason: messageOf(error) });
        else if (value === undefined) settle({ state: 'none' });
        else settle({ state: 'read', text: value.replace(/\0+$/u, '').slice(0, 512) });
      });
    } catch (error) {
      settle({ state: 'unreadable', reason: messageOf(error) });
    }
  });
}

interface Strings {
  manufacturer: DescriptorText;
  product: DescriptorText;
  serial: DescriptorText;
}

const allUnreadable = (reason: string): Strings => {
  const text: DescriptorText = { state: 'unreadable', reason };
  return { manufacturer: text, product: text, serial: text };
};

/** Linux exposes the strings the kernel read at enumeration, without opening the device. */
function sysfsStrings(sysRoot: string, busPath: string): Strings | null {
  const read = (name: string): DescriptorText => {
    try {
      return { state: 'read', text: readFileSync(`${sysRoot}/bus/usb/devices/${busPath}/${name}`, 'utf8').trim().slice(0, 512) };
    } catch (error) {
      // ENOENT: the device has no such string. Anything else (EACCES on serial): unreadable.
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'none' } : { state: 'unreadable', reason: messageOf(error) };
    }
  };
  try {
    readFileSync(`${sysRoot}/bus/usb/devices/${busPath}/idVendor`, 'utf8');
  } catch {
    return null; // not in sysfs (not Linux, or gone): fall back to opening the device.
  }
  return { manufacturer: read('manufacturer'), product: read('product'), serial: read('serial') };
}

async function openedStrings(device: UsbDeviceHandle, timeoutMs: number): Promise<Strings> {
  const d = device.deviceDescriptor;
  try {
    device.open();
  } catch (error) {
    return allUnreadable(`could not open the device (${messageOf(error)})`);
  }
  try {
    // One at a time: libusb control transfers on one handle are serialised anyway.
    const manufacturer = await readStringDescriptor(device, d.iManufacturer, timeoutMs);
    const product = await readStringDescriptor(device, d.iProduct, timeoutMs);
    const serial = await readStringDescriptor(device, d.iSerialNumber, timeoutMs);
    return { manufacturer, product, serial };
  } finally {
    try {
      device.close();
    } catch {
      // Closing a device that was unplugged meanwhile throws; nothing to release.
    }
  }
}

/** Describes one device. Never rejects. */
export async function describeUsbDevice(device: UsbDeviceHandle, options: DescribeOptions = {}): Promise<UsbDevice> {
  const d = device.deviceDescriptor;
  const busPath = usbBusPath(device.busNumber, device.portNumbers);
  const interfaceClasses = interfaceClassesOf(device);
  let strings: Strings | null = null;
  if (options.readSysfs ?? process.platform === 'linux') strings = sysfsStrings(options.sysRoot ?? '/sys', busPath);
  if (strings === null) {
    strings = options.openDevice === false
      ? allUnreadable('not read (opening devices is turned off)')
      : await openedStrings(device, options.stringTimeoutMs ?? 1000).catch((error: unknown) => allUnreadable(messageOf(error)));
  }
  return {
    id: usbId(d.idVendor, d.idProduct),
    vendorId: d.idVendor,
    productId: d.idProduct,
    busPath,
    busNumber: device.busNumber,
    deviceAddress: device.deviceAddress,
    deviceClass: d.bDeviceClass,
    interfaceClasses,
    ...strings,
    recognised: recogniseUsbDevice(d.idVendor, d.idProduct, interfaceClasses),
  };
}

/**
 * Describes every attached device, sorted by bus path. Rejects only with
 * DEVICES_USB_LIST_FAILED when libusb cannot enumerate at all.
 */
export async function listUsbDevices(backend: UsbBackend, options: DescribeOptions = {}): Promise<UsbDevice[]> {
  let handles: UsbDeviceHandle[];
  try {
    handles = backend.getDeviceList();
  } catch (error) {
    throw new KeyriteError('DEVICES_USB_LIST_FAILED', `Could not list USB devices: ${messageOf(error)}`);
  }
  const devices: UsbDevice[] = [];
  for (const handle of handles) devices.push(await describeUsbDevice(handle, options));
  return devices.sort((a, b) => a.busPath.localeCompare(b.busPath, 'en'));
}

/**
 * The whole USB picture for pre-flight: available with its devices, or the
 * reason it is not. Never throws, never rejects.
 */
export async function readUsbState(options: LoadUsbOptions & DescribeOptions = {}): Promise<UsbState> {
  try {
    const loaded = await loadUsbBackend(options);
    if (!loaded.available) return loaded;
    return { available: true, devices: await listUsbDevices(loaded.backend, options) };
  } catch (error) {
    return unavailable(messageOf(error));
  }
}
