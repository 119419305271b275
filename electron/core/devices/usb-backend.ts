/**
 * The one file that imports the `usb` package (2.18, pinned: 3.x has no
 * getDeviceList/attach and, in a container, rejected inside a `connect`
 * listener and crashed the process; FACTS.md). Everything else in the
 * module talks to the small `UsbBackend` interface below, which the tests
 * implement with a named fake device list.
 *
 * Loading never throws: a machine without a USB bus, a library that will
 * not load, or a libusb that fails to initialise all give a typed
 * `UsbUnavailable` whose reason starts with "USB unavailable: ".
 */
import { existsSync, readdirSync } from 'node:fs';
import type { UsbUnavailable } from './schemas.ts';

/** The part of `usb.Device` this module uses. */
export interface UsbDeviceHandle {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers?: number[] | undefined;
  readonly deviceDescriptor: {
    readonly idVendor: number;
    readonly idProduct: number;
    readonly bDeviceClass: number;
    readonly iManufacturer: number;
    readonly iProduct: number;
    readonly iSerialNumber: number;
  };
  /** A getter in `usb`: it may throw (LIBUSB_ERROR_NOT_FOUND after a detach). */
  readonly configDescriptor?: { readonly interfaces: ReadonlyArray<ReadonlyArray<{ readonly bInterfaceClass: number }>> } | undefined;
  open(): void;
  close(): void;
  getStringDescriptor(index: number, callback: (error?: Error, value?: string) => void): void;
}

export type UsbHotplugEvent = 'attach' | 'detach';
export type UsbHotplugListener = (device: UsbDeviceHandle) => void;

/** The part of the `usb` module this module uses. */
export interface UsbBackend {
  getDeviceList(): UsbDeviceHandle[];
  on(event: UsbHotplugEvent, listener: UsbHotplugListener): void;
  removeListener(event: UsbHotplugEvent, listener: UsbHotplugListener): void;
}

export type UsbBackendResult = { available: true; backend: UsbBackend } | UsbUnavailable;

export interface LoadUsbOptions {
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Where sysfs is (tests point it at a fixture folder). */
  sysRoot?: string;
  /** Where the device nodes are (`/dev/bus/usb` on Linux). */
  devRoot?: string;
  /**
   * Skip the Linux sysfs checks and go straight to the library. Only for the
   * test that proves the library itself neither crashes nor hangs here.
   */
  skipPlatformChecks?: boolean;
  /** Injected by tests to simulate a library that fails to load or has the wrong shape. */
  importUsb?: () => Promise<unknown>;
}

export const unavailable = (reason: string): UsbUnavailable => ({ available: false, reason: `USB unavailable: ${reason}` });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * On Linux libusb needs /sys/bus/usb (enumeration) and /dev/bus/usb (device
 * nodes). Without them there is no bus to speak of: say so before loading
 * native code.
 */
function linuxBusProblem(sysRoot: string, devRoot: string): string | null {
  if (!existsSync(`${sysRoot}/bus/usb`)) return `no USB bus (${sysRoot}/bus/usb is missing: a container or a kernel without USB)`;
  if (!existsSync(devRoot)) return `no USB device nodes (${devRoot} is missing)`;
  return null;
}

/** Devices the kernel lists in sysfs (root hubs included), or null when unreadable. */
function kernelDeviceCount(sysRoot: string): number | null {
  try {
    return readdirSync(`${sysRoot}/bus/usb/devices`).filter((name) => !name.includes(':')).length;
  } catch {
    return null;
  }
}

interface UsbModuleShape {
  usb: UsbBackend & { INIT_ERROR?: number };
}

function isUsbModule(value: unknown): value is UsbModuleShape {
  if (typeof value !== 'object' || value === null || !('usb' in value)) return false;
  const usb: unknown = value.usb;
  return typeof usb === 'object' && usb !== null && 'getDeviceList' in usb && typeof usb.getDeviceList === 'function';
}

/**
 * The real import. The typed assignment is the compile-time proof that
 * usb 2.18's module and Device fit the interfaces above.
 */
async function importRealUsb(): Promise<{ usb: UsbBackend & { INIT_ERROR: number } }> {
  const module = await import('usb');
  const usb: UsbBackend & { INIT_ERROR: number } = module.usb;
  return { usb };
}

/** Loads `usb` and checks it can enumerate. Never throws, never rejects. */
export async function loadUsbBackend(options: LoadUsbOptions = {}): Promise<UsbBackendResult> {
  const platform = options.platform ?? process.platform;
  const sysRoot = options.sysRoot ?? '/sys';
  const devRoot = options.devRoot ?? '/dev/bus/usb';
  if (platform === 'linux' && options.skipPlatformChecks !== true) {
    const problem = linuxBusProblem(sysRoot, devRoot);
    if (problem !== null) return unavailable(problem);
  }
  let loaded: unknown;
  try {
    loaded = await (options.importUsb ?? importRealUsb)();
  } catch (error) {
    return unavailable(`the usb library could not be loaded (${messageOf(error)})`);
  }
  if (!isUsbModule(loaded)) return unavailable('the usb library has an unexpected shape (expected usb 2.x with getDeviceList)');
  const usb = loaded.usb;
  if (typeof usb.INIT_ERROR === 'number' && usb.INIT_ERROR !== 0) {
    return unavailable(`libusb failed to initialise (error ${usb.INIT_ERROR})`);
  }
  let count: number;
  try {
    count = usb.getDeviceList().length;
  } catch (error) {
    return unavailable(`libusb could not list devices (${messageOf(error)})`);
  }
  if (platform === 'linux' && options.skipPlatformChecks !== true && count === 0) {
    const kernel = kernelDeviceCount(sysRoot);
    if (kernel !== null && kernel > 0) {
      return unavailable(`libusb sees no device although the kernel lists ${kernel}; check the permissions on ${devRoot}`);
    }
  }
  return { available: true, backend: usb };
}
