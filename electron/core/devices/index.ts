/**
 * The devices module: USB inventory and events, removable media, the
 * air-gap check, the environment record and chain-of-custody serials.
 * The engine imports from here; only usb-backend.ts imports `usb`.
 * docs/devices.md says what is checked, how, and on which OS.
 */
export * from './schemas.ts';
export { loadUsbBackend, type LoadUsbOptions, type UsbBackend, type UsbBackendResult, type UsbDeviceHandle } from './usb-backend.ts';
export { describeUsbDevice, listUsbDevices, readUsbState, usbBusPath, type DescribeOptions } from './usb-inventory.ts';
export { watchUsb, type UsbWatcher, type WatchUsbOptions } from './usb-watcher.ts';
export { KNOWN_HARDWARE, recogniseUsbDevice, usbId } from './usb-known-hardware.ts';
export { isStillMounted, listRemovableMedia, liveMediaSources, liveMountCheck, type MediaSources, type MountCheck } from './media-inventory.ts';
export { watchMedia, type MediaWatcher, type PollScheduler, type WatchMediaOptions } from './media-watcher.ts';
export { findPartialFiles, MediumWriteError, PARTIAL_SUFFIX, writeFileToFolder, writeFileToMedium, type MediumWriteResult, type WriteOptions, type WriteTarget, type WriteToMediumOptions } from './media-write.ts';
export { airGapPolicy, checkAirGap, liveAirGapSources, type AirGapSources } from './air-gap.ts';
export { hashAppBundle, liveEnvironmentSources, recordEnvironment, type EnvironmentParams, type EnvironmentSources } from './environment.ts';
export { compareCustodySerials, confirmReadBack, normaliseSerial } from './custody-serials.ts';
export { collectDevicePreflight, type DevicePreflight, type DevicePreflightParams, type DevicePreflightSources } from './device-preflight.ts';
