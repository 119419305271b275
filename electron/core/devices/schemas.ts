/**
 * Everything the devices module reports, as zod schemas. All of it is public:
 * device ids, volume labels, interface names, kernel versions, serials printed
 * on bags and HSMs. Nothing secret exists in this module. The renderer-facing
 * ones (UsbState, UsbEvent, Medium, MediaEvent, AirGapResult,
 * EnvironmentRecord, CustodyComparison) are meant to move into shared/ with
 * the contract; they import nothing but zod so that the move is a cut and paste.
 */
import { z } from 'zod';

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

// ---------------------------------------------------------------- environment

export const BundleHash = z
  .object({
    algorithm: z.literal('sha256'),
    /** Lower-case hex. */
    digest: z.string().regex(/^[0-9a-f]{64}$/u),
    kind: z.enum(['file', 'folder']),
    fileCount: z.number().int().min(0),
  })
  .strict();
export type BundleHash = z.infer<typeof BundleHash>;

const Limit = z.union([z.literal('unlimited'), z.number().int().min(0)]);

export const EnvironmentRecord = z
  .object({
    os: z.object({ platform: z.string().max(32), type: Text, release: Text, version: Text, arch: z.string().max(32) }).strict(),
    app: z.object({ version: z.string().max(64), bundle: BundleHash.nullable(), bundleError: Text.nullable() }).strict(),
    swap: z
      .object({
        state: z.enum(['on', 'off', 'unknown']),
        devices: z.array(z.object({ name: PathText, type: z.string().max(32), sizeKiB: z.number().int().min(0) }).strict()).max(64),
        detail: Text,
      })
      .strict(),
    coreDumps: z
      .object({
        state: z.enum(['disabled', 'enabled', 'unknown']),
        soft: Limit.nullable(),
        hard: Limit.nullable(),
        /** /proc/sys/kernel/core_pattern: where a dump would go (a pipe to systemd-coredump keeps it on disk). */
        pattern: Text.nullable(),
      })
      .strict(),
    clock: z
      .object({
        utc: z.iso.datetime(),
        /** process.hrtime.bigint() in nanoseconds, as text: a monotonic reference for later events. */
        monotonicNs: z.string().regex(/^\d+$/u),
        timeZone: z.string().max(64),
        /** Minutes east of UTC at `utc` (UTC+2 → 120). */
        utcOffsetMinutes: z.number().int().min(-24 * 60).max(24 * 60),
      })
      .strict(),
  })
  .strict();
export type EnvironmentRecord = z.infer<typeof EnvironmentRecord>;

// ---------------------------------------------------------------- chain of custody

export const CustodyKind = z.enum(['tamper-bag', 'hsm', 'laptop', 'medium', 'other']);
export type CustodyKind = z.infer<typeof CustodyKind>;

export const CustodySerial = z
  .object({ kind: CustodyKind, label: z.string().min(1).max(128), value: z.string().min(1).max(256) })
  .strict();
export type CustodySerial = z.infer<typeof CustodySerial>;

export const CustodyComparison = z
  .object({
    matches: z.array(CustodySerial),
    mismatches: z.array(z.object({ kind: CustodyKind, label: z.string().max(128), recorded: z.string().max(256), entered: z.string().max(256) }).strict()),
    /** Recorded by the previous ceremony, not entered now. */
    missing: z.array(CustodySerial),
    /** Entered now, unknown to the previous ceremony. */
    new: z.array(CustodySerial),
    /** True when any mismatch exists: the engine raises it as an exception. */
    exception: z.boolean(),
  })
  .strict();
export type CustodyComparison = z.infer<typeof CustodyComparison>;
