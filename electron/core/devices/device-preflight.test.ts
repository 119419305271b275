import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectDevicePreflight, type DevicePreflightSources } from './device-preflight.ts';
import { liveAirGapSources } from './air-gap.ts';
import { liveEnvironmentSources } from './environment.ts';
import { liveMediaSources } from './media-inventory.ts';
import { AirGapResult, EnvironmentRecord, Medium, UsbState } from './schemas.ts';
import { FakeUsbBackend, fakeCeremonyDevices } from './fixtures/fake-usb.ts';
import { sysfsFixture } from './fixtures/sysfs-fixture.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const recordedMachine: DevicePreflightSources = {
  usb: { platform: 'darwin', readSysfs: false, importUsb: async () => ({ usb: new FakeUsbBackend([fakeCeremonyDevices.yubiHsm2(), fakeCeremonyDevices.usbStick()]) }) },
  media: { ...liveMediaSources, platform: 'linux', readProcMounts: () => fixture('linux-laptop/proc-mounts.txt'), sys: sysfsFixture(new URL('./fixtures/linux-laptop/sysfs.json', import.meta.url)), space: async () => null },
  airGap: { ...liveAirGapSources, platform: 'linux', sys: sysfsFixture(new URL('./fixtures/linux-online/sysfs.json', import.meta.url)), networkInterfaces: () => ({}) },
};

describe('device pre-flight, gathered for the engine', () => {
  it('a rehearsal on an online machine: USB, media, air gap with a warning, environment and the custody mismatch', async () => {
    const result = await collectDevicePreflight(
      {
        mode: 'rehearsal',
        appVersion: '0.7.0',
        bundlePath: null,
        custody: { entered: [{ kind: 'tamper-bag', label: 'Bag A', value: 'TB-2' }], recorded: [{ kind: 'tamper-bag', label: 'Bag A', value: 'TB-1' }] },
      },
      recordedMachine,
    );
    expect(result.usb).toMatchObject({ available: true, devices: [{ recognised: { name: 'YubiHSM 2' } }, { recognised: { kind: 'mass-storage' } }] });
    expect(result.media.ok && result.media.media.map((m) => m.label)).toContain('KEYRITE-A');
    expect(result.airGap.verdict).toBe('online');
    expect(result.airGapDecision).toMatchObject({ decision: 'warn', message: expect.stringContaining('wlp3s0') });
    expect(result.custody).toMatchObject({ exception: true, mismatches: [{ recorded: 'TB-1', entered: 'TB-2' }] });
    EnvironmentRecord.parse(result.environment);
  });

  it('the same machine in production: refused, with the exception to sign', async () => {
    const result = await collectDevicePreflight({ mode: 'production', appVersion: '0.7.0', bundlePath: null }, recordedMachine);
    expect(result.airGapDecision.decision).toBe('refuse');
    expect(result.airGapDecision.exception?.text).toContain('enp0s31f6');
    expect(result.custody).toBeNull();
  });

  it('a media listing that fails is reported in place; the rest is still gathered', async () => {
    const broken = { ...recordedMachine, media: { ...liveMediaSources, platform: 'linux' as const, readProcMounts: () => { throw new Error('EACCES'); } } };
    const result = await collectDevicePreflight({ mode: 'rehearsal', appVersion: '0.7.0', bundlePath: null }, broken);
    expect(result.media).toEqual({ ok: false, error: { code: 'DEVICES_MEDIA_LIST_FAILED', message: 'Could not list removable media: EACCES' } });
    expect(result.usb.available).toBe(true);
  });

  it('a serial with an invisible character stops the call: the operator retypes it', async () => {
    const bad = { entered: [{ kind: 'hsm' as const, label: 'HSM 1', value: '00123\u200b45' }], recorded: [] };
    await expect(collectDevicePreflight({ mode: 'rehearsal', appVersion: '0.7.0', bundlePath: null, custody: bad }, recordedMachine)).rejects.toMatchObject({ code: 'DEVICES_SERIAL_INVALID' });
  });

  it('live on this machine: every part valid against its schema, USB unavailable here is not an error', async () => {
    const result = await collectDevicePreflight({ mode: 'rehearsal', appVersion: '0.0.0-test', bundlePath: null }, { environment: liveEnvironmentSources });
    UsbState.parse(result.usb);
    AirGapResult.parse(result.airGap);
    EnvironmentRecord.parse(result.environment);
    if (result.media.ok) for (const m of result.media.media) Medium.parse(m);
    expect(['pass', 'warn']).toContain(result.airGapDecision.decision);
  });
});
