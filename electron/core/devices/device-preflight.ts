/**
 * Everything the pre-flight needs from the devices module, gathered in one
 * call: data only. The engine turns it into transcript events (and the
 * air-gap decision into a warning, a refusal or an exception); nothing here
 * emits or records. Each part is collected independently: one failing never
 * hides the others.
 */
import { airGapPolicy, checkAirGap, liveAirGapSources, type AirGapSources } from './air-gap.ts';
import { compareCustodySerials } from './custody-serials.ts';
import { liveEnvironmentSources, recordEnvironment, type EnvironmentSources } from './environment.ts';
import { listRemovableMedia, liveMediaSources, type MediaSources } from './media-inventory.ts';
import { readUsbState } from './usb-inventory.ts';
import type { LoadUsbOptions } from './usb-backend.ts';
import type { DescribeOptions } from './usb-inventory.ts';
import type { AirGapDecision, AirGapResult, CeremonyMode, CustodyComparison, CustodySerial, EnvironmentRecord, Medium, UsbState } from './schemas.ts';
import { KeyriteError } from '../../../shared/result.ts';

export interface DevicePreflightParams {
  mode: CeremonyMode;
  appVersion: string;
  bundlePath: string | null;
  /** Serials typed at this ceremony and those the previous ceremony recorded; omit when the script asks for none. */
  custody?: { entered: readonly CustodySerial[]; recorded: readonly CustodySerial[] };
}

export interface DevicePreflightSources {
  usb?: LoadUsbOptions & DescribeOptions;
  media?: MediaSources;
  airGap?: AirGapSources;
  environment?: EnvironmentSources;
}

export interface DevicePreflight {
  usb: UsbState;
  /** The removable media, or the error that prevented listing them. */
  media: { ok: true; media: Medium[] } | { ok: false; error: { code: string; message: string } };
  airGap: AirGapResult;
  airGapDecision: AirGapDecision;
  environment: EnvironmentRecord;
  /** null when no serials were asked for. Errors (an invisible character, a duplicate) reject the whole call: the operator must retype. */
  custody: CustodyComparison | null;
}

export async function collectDevicePreflight(params: DevicePreflightParams, sources: DevicePreflightSources = {}): Promise<DevicePreflight> {
  // Serial errors first: they are the operator's to fix before anything else is worth recording.
  const custody = params.custody === undefined ? null : compareCustodySerials(params.custody.entered, params.custody.recorded);
  const [usb, media, airGap, environment] = await Promise.all([
    readUsbState(sources.usb),
    listRemovableMedia(sources.media ?? liveMediaSources).then(
      (list): DevicePreflight['media'] => ({ ok: true, media: list }),
      (error: unknown): DevicePreflight['media'] => ({
        ok: false,
        error: error instanceof KeyriteError ? { code: error.code, message: error.message } : { code: 'DEVICES_MEDIA_LIST_FAILED', message: 'Could not list removable media.' },
      }),
    ),
    checkAirGap(sources.airGap ?? liveAirGapSources),
    recordEnvironment({ appVersion: params.appVersion, bundlePath: params.bundlePath }, sources.environment ?? liveEnvironmentSources),
  ]);
  return { usb, media, airGap, airGapDecision: airGapPolicy(airGap, params.mode), environment, custody };
}
