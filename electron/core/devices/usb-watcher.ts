/**
 * Attach and detach, as they happen. usb 2.x turns libusb hotplug on when the
 * first `attach`/`detach` listener is added and off when the last one goes;
 * while it is on, the process cannot exit (measured: a script with one
 * listener hangs). `stop()` removes both listeners, so it is what lets a CLI
 * or a test process end.
 */
import type { UsbBackend, UsbDeviceHandle, UsbHotplugListener } from './usb-backend.ts';
import { describeUsbDevice, usbBusPath, type DescribeOptions } from './usb-inventory.ts';
import { recogniseUsbDevice, usbId } from './usb-known-hardware.ts';
import type { UsbDevice, UsbEvent } from './schemas.ts';

export interface UsbWatcher {
  /** Removes the listeners (libusb hotplug stops with the last one); idempotent. Events still being described are dropped. */
  stop(): void;
}

export interface WatchUsbOptions extends DescribeOptions {
  /** Devices already listed (handle → description), so a detach can still name them. */
  known?: ReadonlyMap<UsbDeviceHandle, UsbDevice>;
  now?: () => Date;
  /** Called when the event listener itself throws: it must never reach libusb's callback. */
  onListenerError?: (error: unknown) => void;
}

/** A detached device can no longer be opened: describe it from its descriptor alone. */
function describeGone(device: UsbDeviceHandle): UsbDevice {
  const d = device.deviceDescriptor;
  const gone = { state: 'unreadable', reason: 'the device was detached before it could be read' } as const;
  return {
    id: usbId(d.idVendor, d.idProduct),
    vendorId: d.idVendor,
    productId: d.idProduct,
    busPath: usbBusPath(device.busNumber, device.portNumbers),
    busNumber: device.busNumber,
    deviceAddress: device.deviceAddress,
    deviceClass: d.bDeviceClass,
    interfaceClasses: [],
    manufacturer: gone,
    product: gone,
    serial: gone,
    recognised: recogniseUsbDevice(d.idVendor, d.idProduct, []),
  };
}

/**
 * Calls `listener` with one event per attach and detach until `stop()`.
 * Attached devices are described (strings read) before the event is given;
 * a detach reuses the description made at attach (or from `known`).
 */
export function watchUsb(backend: UsbBackend, listener: (event: UsbEvent) => void, options: WatchUsbOptions = {}): UsbWatcher {
  const now = options.now ?? (() => new Date());
  const known = new Map(options.known ?? []);
  let stopped = false;

  const report = (error: unknown): void => {
    (options.onListenerError ?? ((e: unknown) => console.error('USB event listener failed', e)))(error);
  };

  const deliver = (type: UsbEvent['type'], device: UsbDevice): void => {
    if (stopped) return;
    try {
      listener({ type, device, at: now().toISOString() });
    } catch (error) {
      report(error);
    }
  };

  // Ordered per device: a detach waits for the description of its own attach.
  const pending = new Map<UsbDeviceHandle, Promise<void>>();

  const onAttach: UsbHotplugListener = (handle) => {
    const described = describeUsbDevice(handle, options)
      .catch(() => describeGone(handle))
      .then((device) => {
        known.set(handle, device);
        deliver('attach', device);
      })
      .catch(report); // never an unhandled rejection, whatever a fake or a driver throws
    pending.set(handle, described);
  };

  const onDetach: UsbHotplugListener = (handle) => {
    const before = pending.get(handle) ?? Promise.resolve();
    pending.delete(handle);
    void before.then(() => {
      const device = known.get(handle) ?? describeGone(handle);
      known.delete(handle);
      deliver('detach', device);
    }).catch(report);
  };

  backend.on('attach', onAttach);
  backend.on('detach', onDetach);

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      backend.removeListener('attach', onAttach);
      backend.removeListener('detach', onDetach);
      pending.clear();
    },
  };
}
