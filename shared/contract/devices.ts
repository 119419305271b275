/**
 * The devices part of the contract (see ../contract.ts for the rules every
 * command and event follows). Commands are `devices/verb`; events tell the
 * renderer what was plugged in, pulled out, inserted or removed.
 *
 * Everything here is public: device ids and strings, volume labels, mount
 * points, interface names. Nothing secret exists in the devices module, and
 * nothing here could carry one. Strings and lists are bounded.
 *
 * The schemas of USB devices, removable media and the air-gap check live
 * here (the engine's devices module re-exports them), so the renderer and
 * the engine read one definition.
 */
import { z } from 'zod';
import { NoArguments } from './common.ts';

const Text = z.string().max(512);
const PathText = z.string().max(4096);
const Uint16 = z.number().int().min(0).max(0xffff);
const Uint8 = z.number().int().min(0).max(0xff);

// ---------------------------------------------------------------- USB

/**
 * A USB string descriptor (manufacturer, product, serial). Reading one needs
 * the device opened, which fails without permission or while another driver
 * holds it: that is `unreadable`, never an exception. `none` means the device
 * declares no such string (descriptor index 0).
 */
export const DescriptorText = z.discriminatedUnion('state', [
  z.object({ state: z.literal('read'), text: Text }).strict(),
  z.object({ state: z.literal('unreadable'), reason: Text }).strict(),
  z.object({ state: z.literal('none') }).strict(),
]);
export type DescriptorText = z.infer<typeof DescriptorText>;

export const HardwareKind = z.enum(['hsm', 'security-key', 'smart-card-reader', 'token', 'mass-storage']);
export type HardwareKind = z.infer<typeof HardwareKind>;

/** What a device was recognised as, and from which table row or class rule. */
export const Recognition = z
  .object({
    kind: HardwareKind,
    name: Text,
    /** `id` when the vendor:product pair is in the table, `vendor` for a vendor-wide row, `class` from the USB interface class. */
    matchedBy: z.enum(['id', 'vendor', 'class']),
    source: Text,
  })
  .strict();
export type Recognition = z.infer<typeof Recognition>;

export const UsbDevice = z
  .object({
    /** `vvvv:pppp`, lower-case hex, as lsusb prints it. */
    id: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/u),
    vendorId: Uint16,
    productId: Uint16,
    /** Linux sysfs naming: `bus-port.port…` (e.g. `1-2.3`), `usb<bus>` for a root hub. */
    busPath: z.string().max(64),
    busNumber: Uint8,
    deviceAddress: Uint8,
    deviceClass: Uint8,
    /** bInterfaceClass of every interface of the active configuration (0x0b = smart card / CCID). */
    interfaceClasses: z.array(Uint8).max(32),
    manufacturer: DescriptorText,
    product: DescriptorText,
    serial: DescriptorText,
    recognised: Recognition.nullable(),
  })
  .strict();
export type UsbDevice = z.infer<typeof UsbDevice>;

/** Every reason starts with "USB unavailable: " so it reads well on its own. */
export const UsbUnavailable = z
  .object({ available: z.literal(false), reason: z.string().startsWith('USB unavailable: ').max(1024) })
  .strict();
export type UsbUnavailable = z.infer<typeof UsbUnavailable>;

export const UsbState = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true), devices: z.array(UsbDevice).max(256) }).strict(),
  UsbUnavailable,
]);
export type UsbState = z.infer<typeof UsbState>;

export const UsbEvent = z
  .object({ type: z.enum(['attach', 'detach']), device: UsbDevice, at: z.iso.datetime() })
  .strict();
export type UsbEvent = z.infer<typeof UsbEvent>;

// ---------------------------------------------------------------- removable media

export const Medium = z
  .object({
    /** Stable while the volume stays mounted: `<platform>:<device>@<mountPoint>`. */
    id: z.string().max(8300),
    platform: z.enum(['linux', 'darwin', 'win32']),
    /** Volume label, or the last component of the mount point when the volume has none. */
    label: Text,
    mountPoint: PathText,
    /** /dev/sdb1, /dev/disk4s1, or the drive letter `E:`. */
    device: PathText,
    filesystem: z.string().max(64),
    /** null when the free space could not be read (statfs failed). */
    freeBytes: z.number().int().min(0).nullable(),
    totalBytes: z.number().int().min(0).nullable(),
    readOnly: z.boolean(),
    /** Why the volume counts as removable: the kernel's flag, the folder it is mounted in, or the OS's drive type. */
    removableBecause: z.enum(['removable-flag', 'media-folder', 'volumes-folder', 'drive-type']),
  })
  .strict();
export type Medium = z.infer<typeof Medium>;

export const MediaEvent = z
  .object({ type: z.enum(['inserted', 'removed']), medium: Medium, at: z.iso.datetime() })
  .strict();
export type MediaEvent = z.infer<typeof MediaEvent>;

// ---------------------------------------------------------------- air gap

export const AirGapFinding = z
  .object({
    kind: z.enum(['interface-up', 'radio-unblocked', 'default-route']),
    /** Interface name (eth0, wlp2s0, en0), rfkill device name (phy0, hci0) or route interface. */
    name: z.string().max(64),
    detail: Text,
  })
  .strict();
export type AirGapFinding = z.infer<typeof AirGapFinding>;

/** What was read to reach the verdict: an auditor must see what could not be checked. */
export const AirGapSource = z
  .object({ source: z.string().max(64), state: z.enum(['read', 'unavailable']), detail: Text })
  .strict();
export type AirGapSource = z.infer<typeof AirGapSource>;

export const AirGapResult = z
  .object({
    verdict: z.enum(['offline', 'online']),
    findings: z.array(AirGapFinding).max(256),
    /** Every non-loopback interface seen, up or not, for the transcript. */
    interfaces: z.array(z.string().max(64)).max(256),
    sources: z.array(AirGapSource).max(16),
    platform: z.string().max(32),
    checkedAt: z.iso.datetime(),
  })
  .strict();
export type AirGapResult = z.infer<typeof AirGapResult>;

export const CeremonyMode = z.enum(['rehearsal', 'production']);
export type CeremonyMode = z.infer<typeof CeremonyMode>;

export const AirGapDecision = z
  .object({
    decision: z.enum(['pass', 'warn', 'refuse']),
    message: Text,
    /** Only with `refuse`: the exception the administrator may record, with a signed decision, to go on. */
    exception: z.object({ title: Text, text: z.string().max(4096) }).strict().nullable(),
  })
  .strict();
export type AirGapDecision = z.infer<typeof AirGapDecision>;

// ---------------------------------------------------------------- the snapshot

/** Removable media as listed, or why they could not be (the mount table could not be read). */
export const MediaState = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true), media: z.array(Medium).max(256) }).strict(),
  z.object({ available: z.literal(false), reason: Text }).strict(),
]);
export type MediaState = z.infer<typeof MediaState>;

/** The air-gap check as the home and pre-flight screens show it, with what a production ceremony would decide. */
export const AirGapSummary = z.discriminatedUnion('checked', [
  z.object({ checked: z.literal(true), result: AirGapResult, productionDecision: AirGapDecision }).strict(),
  z.object({ checked: z.literal(false), reason: Text }).strict(),
]);
export type AirGapSummary = z.infer<typeof AirGapSummary>;

export const DevicesSnapshot = z
  .object({
    usb: UsbState,
    media: MediaState,
    airGap: AirGapSummary,
    takenAt: z.iso.datetime(),
  })
  .strict();
export type DevicesSnapshot = z.infer<typeof DevicesSnapshot>;

export const devicesCommands = {
  /** USB devices (or why USB is unavailable), removable media and the air-gap check, read now. The first call starts the watchers behind the events. */
  'devices/snapshot': { request: NoArguments, response: DevicesSnapshot },
} as const;

export const devicesEvents = {
  /** A USB device was attached or detached (after the first snapshot). */
  'devices/usbChanged': UsbEvent,
  /** A removable medium was inserted (mounted) or removed (after the first snapshot). */
  'devices/mediaChanged': MediaEvent,
} as const;
