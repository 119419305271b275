/**
 * Handlers for the devices part of the contract (shared/contract/devices.ts):
 * the snapshot the home and pre-flight screens show, and the attach/detach
 * and insert/remove events behind it.
 *
 * The watchers start with the first snapshot, not with the engine: a CLI or
 * a screen that never asks costs nothing, and libusb hotplug (which keeps a
 * process alive while on) is only on while someone looks. They stop when
 * the engine closes (services.onClose). Nothing here may crash or hang the
 * process: USB that cannot load is a state ("USB unavailable: …"), a failed
 * media poll is a state and polling goes on, the poll timer is unref'd, and
 * every listener is guarded. Every change is recorded in the audit log
 * before it is emitted.
 */
import type { AirGapSummary, DevicesSnapshot, MediaEvent, MediaState, Medium, UsbDevice, UsbEvent, UsbState } from '../../../shared/contract/devices.ts';
import { airGapPolicy, checkAirGap, describeUsbDevice, listRemovableMedia, loadUsbBackend, watchMedia, watchUsb, type DescribeOptions, type MediaWatcher, type PollScheduler, type UsbBackendResult, type UsbDeviceHandle, type UsbWatcher } from '../devices/index.ts';
import type { AirGapResult } from '../devices/index.ts';
import type { EngineServices, HandlersFor } from '../engine-services.ts';

/** Where the devices handlers read the machine from: the live sources, or the devices module's named fakes in tests. */
export interface DeviceSources {
  loadUsb(): Promise<UsbBackendResult>;
  /** How USB strings are read (sysfs, opening the device). */
  describe?: DescribeOptions;
  listMedia(): Promise<Medium[]>;
  checkAirGap(): Promise<AirGapResult>;
  /** Media polling; the default timer is unref'd so it never keeps the process alive. */
  mediaIntervalMs?: number;
  scheduler?: PollScheduler;
  now?: () => Date;
}

export const liveDeviceSources: DeviceSources = {
  loadUsb: () => loadUsbBackend(),
  listMedia: () => listRemovableMedia(),
  checkAirGap: () => checkAirGap(),
};

/** A poll timer that never keeps the process alive (an engine that is never closed still lets its host exit). */
const unrefScheduler: PollScheduler = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

const deviceName = (device: UsbDevice): string => {
  if (device.recognised !== null) return device.recognised.name;
  return device.product.state === 'read' ? device.product.text : 'unrecognised device';
};

/** One device is one (bus, address) while attached; libusb gives a detached device a new handle sometimes, never a reused address. */
const usbKey = (device: Pick<UsbDevice, 'busNumber' | 'deviceAddress'>): string => `${device.busNumber}:${device.deviceAddress}`;

interface Watching {
  usb: () => UsbState;
  media: MediaWatcher;
  mediaState: () => MediaState;
  stop(): void;
}

export function devicesHandlers(services: EngineServices, sources: DeviceSources = liveDeviceSources): HandlersFor<'devices'> {
  const now = sources.now ?? (() => new Date());
  let watching: Promise<Watching> | null = null;
  let closed = false;

  const onUsbEvent = (event: UsbEvent): void => {
    const { device } = event;
    services.audit.record(event.type === 'attach' ? 'devices.usb-attached' : 'devices.usb-detached', `USB device ${event.type === 'attach' ? 'attached' : 'detached'}: ${deviceName(device)} (${device.id}) at ${device.busPath}`);
    services.emit({ name: 'devices/usbChanged', payload: event });
  };

  const onMediaEvent = (event: MediaEvent): void => {
    const { medium } = event;
    services.audit.record(event.type === 'inserted' ? 'devices.medium-inserted' : 'devices.medium-removed', `Removable medium ${event.type}: "${medium.label}" (${medium.filesystem}, ${medium.device}) at ${medium.mountPoint}`);
    services.emit({ name: 'devices/mediaChanged', payload: event });
  };

  /** A failure of our own listener (an audit or emit that threw) is recorded, never thrown into libusb's callback or the poll. */
  const listenerFailed = (error: unknown): void => {
    try {
      services.audit.record('devices.watch-failed', `A device event could not be handled: ${messageOf(error)}`);
    } catch {
      // nothing more can be done
    }
  };

  async function startUsb(): Promise<{ state: () => UsbState; stop: () => void }> {
    let loaded: UsbBackendResult;
    try {
      loaded = await sources.loadUsb();
    } catch (error) {
      loaded = { available: false, reason: `USB unavailable: ${messageOf(error)}` };
    }
    if (!loaded.available) {
      const state: UsbState = { available: false, reason: loaded.reason.slice(0, 1024) };
      services.audit.record('devices.usb-unavailable', state.reason);
      return { state: () => state, stop: () => {} };
    }
    const { backend } = loaded;
    let handles: UsbDeviceHandle[];
    try {
      handles = backend.getDeviceList();
    } catch (error) {
      const state: UsbState = { available: false, reason: `USB unavailable: could not list devices (${messageOf(error)})`.slice(0, 1024) };
      services.audit.record('devices.usb-unavailable', state.reason);
      return { state: () => state, stop: () => {} };
    }
    const known = new Map<UsbDeviceHandle, UsbDevice>();
    for (const handle of handles) known.set(handle, await describeUsbDevice(handle, sources.describe));
    const attached = new Map([...known.values()].map((d) => [usbKey(d), d]));
    const watcher: UsbWatcher = watchUsb(backend, (event) => {
      if (event.type === 'attach') attached.set(usbKey(event.device), event.device);
      else attached.delete(usbKey(event.device));
      onUsbEvent(event);
    }, { ...sources.describe, known, now, onListenerError: listenerFailed });
    const state = (): UsbState => ({ available: true, devices: [...attached.values()].sort((a, b) => a.busPath.localeCompare(b.busPath, 'en')).slice(0, 256) });
    return { state, stop: () => watcher.stop() };
  }

  function startMedia(): { watcher: MediaWatcher; state: () => MediaState } {
    let state: MediaState = { available: true, media: [] };
    const list = async (): Promise<Medium[]> => {
      try {
        const media = await sources.listMedia();
        state = { available: true, media: media.slice(0, 256) };
        return media;
      } catch (error) {
        // Recorded when it starts failing, not at every poll.
        if (state.available) services.audit.record('devices.media-unavailable', `Removable media cannot be listed: ${messageOf(error)}`);
        state = { available: false, reason: `Removable media cannot be listed: ${messageOf(error)}`.slice(0, 512) };
        throw error;
      }
    };
    const watcher = watchMedia(list, (event) => {
      onMediaEvent(event);
    }, { intervalMs: sources.mediaIntervalMs ?? 1000, scheduler: sources.scheduler ?? unrefScheduler, now, onError: () => {} });
    return { watcher, state: () => state };
  }

  async function start(): Promise<Watching> {
    const usb = await startUsb();
    const media = startMedia();
    await media.watcher.ready;
    const stop = (): void => {
      usb.stop();
      media.watcher.stop();
    };
    if (closed) stop();
    return { usb: usb.state, media: media.watcher, mediaState: media.state, stop };
  }

  services.onClose(async () => {
    closed = true;
    const started = watching;
    watching = null;
    if (started !== null) (await started.catch(() => null))?.stop();
  });

  async function airGap(): Promise<AirGapSummary> {
    try {
      const result = await sources.checkAirGap();
      return { checked: true, result, productionDecision: airGapPolicy(result, 'production') };
    } catch (error) {
      return { checked: false, reason: `The air-gap check could not run: ${messageOf(error)}`.slice(0, 512) };
    }
  }

  return {
    'devices/snapshot': async (): Promise<DevicesSnapshot> => {
      if (watching === null) {
        const first = start();
        watching = first;
        // A start that failed is tried again at the next snapshot.
        first.catch(() => {
          if (watching === first) watching = null;
        });
      }
      const current = await watching;
      await current.media.poll();
      return { usb: current.usb(), media: current.mediaState(), airGap: await airGap(), takenAt: now().toISOString() };
    },
  };
}
