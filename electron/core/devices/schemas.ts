/**
 * Everything the devices module reports, as zod schemas. All of it is public:
 * device ids, volume labels, interface names, kernel versions, serials printed
 * on bags and HSMs. Nothing secret exists in this module. The ones the
 * renderer sees (USB, media, air gap) are defined in the contract,
 * shared/contract/devices.ts, and re-exported here; the pre-flight records
 * (environment, custody) are the engine's and stay here.
 */
import { z } from 'zod';

const Text = z.string().max(512);
const PathText = z.string().max(4096);

export {
  AirGapDecision, AirGapFinding, AirGapResult, AirGapSource, CeremonyMode, DescriptorText, HardwareKind, MediaEvent, Medium, Recognition, UsbDevice, UsbEvent, UsbState, UsbUnavailable,
} from '../../../shared/contract/devices.ts';

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
