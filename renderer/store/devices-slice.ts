import type { StateCreator } from 'zustand';
import type { KeyriteEvent } from '../../shared/contract.ts';
import type { DevicesSnapshot, Medium, UsbDevice } from '../../shared/contract/devices.ts';
import type { WireError } from '../../shared/result.ts';
import { getKeyrite } from '../bridge.ts';
import type { KeyriteStore } from './store.ts';

/**
 * What is plugged into the machine, for Home and the pre-flight screen: USB
 * devices (or why USB is unavailable), removable media and the air-gap
 * check. A snapshot, then the engine's attach/detach and insert/remove
 * events keep it current. All of it is public; nothing here is secret.
 */
export interface DevicesSlice {
  devices: DevicesSnapshot | null;
  devicesError: WireError | null;
  devicesLoading: boolean;
  /** Reads the snapshot again (the first call also starts the engine's watchers). */
  loadDevices(): Promise<void>;
  /** Applies a `devices/usbChanged` or `devices/mediaChanged` event; ignores every other event. */
  applyDeviceEvent(event: KeyriteEvent): void;
  /** Loads the snapshot and follows the events; returns the function that stops following. */
  watchDevices(): () => void;
}

/** One USB device is one (bus, address) while attached: an attach that repeats what the snapshot already had replaces it. */
const sameUsb = (a: UsbDevice, b: UsbDevice): boolean => a.busNumber === b.busNumber && a.deviceAddress === b.deviceAddress;
const byBusPath = (a: UsbDevice, b: UsbDevice): number => a.busPath.localeCompare(b.busPath, 'en');
const byMountPoint = (a: Medium, b: Medium): number => a.mountPoint.localeCompare(b.mountPoint, 'en');

/** The snapshot after one event; the snapshot unchanged when the event is not about devices or there is no snapshot yet (the next load brings it). */
export function applyToSnapshot(snapshot: DevicesSnapshot | null, event: KeyriteEvent): DevicesSnapshot | null {
  if (snapshot === null) return null;
  if (event.name === 'devices/usbChanged') {
    if (!snapshot.usb.available) return snapshot;
    const { device, type } = event.payload;
    const others = snapshot.usb.devices.filter((d) => !sameUsb(d, device));
    return { ...snapshot, usb: { available: true, devices: (type === 'attach' ? [...others, device] : others).sort(byBusPath) } };
  }
  if (event.name === 'devices/mediaChanged') {
    if (!snapshot.media.available) return snapshot;
    const { medium, type } = event.payload;
    const others = snapshot.media.media.filter((m) => m.id !== medium.id);
    return { ...snapshot, media: { available: true, media: (type === 'inserted' ? [...others, medium] : others).sort(byMountPoint) } };
  }
  return snapshot;
}

export const createDevicesSlice: StateCreator<KeyriteStore, [], [], DevicesSlice> = (set, get) => ({
  devices: null,
  devicesError: null,
  devicesLoading: false,
  async loadDevices() {
    set({ devicesLoading: true });
    const result = await getKeyrite().devices.snapshot({});
    set(result.ok ? { devices: result.value, devicesError: null, devicesLoading: false } : { devicesError: result.error, devicesLoading: false });
  },
  applyDeviceEvent(event) {
    if (event.name !== 'devices/usbChanged' && event.name !== 'devices/mediaChanged') return;
    set((state) => ({ devices: applyToSnapshot(state.devices, event) }));
  },
  watchDevices() {
    // Subscribe first, so nothing that happens while the snapshot is read is missed (applying an event twice is harmless).
    const stop = getKeyrite().events.subscribe((event) => get().applyDeviceEvent(event));
    void get().loadDevices();
    return stop;
  },
});
