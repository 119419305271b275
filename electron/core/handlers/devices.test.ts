/**
 * The devices handlers over the devices module's recorded fixtures and its
 * named fake USB backend (FakeUsbBackend: no USB bus exists on the test
 * machines): the snapshot, the events and their audit records, the watchers'
 * lazy start and release; then the router refusing a malformed request, and
 * the live path on this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DevicesSnapshot, MediaEvent, UsbEvent } from '../../../shared/contract/devices.ts';
import type { KeyriteEvent } from '../../../shared/contract.ts';
import { createRouter } from '../../ipc/router.ts';
import { AuditLog } from '../audit-log.ts';
import { checkAirGap, listRemovableMedia, type AirGapSources, type MediaSources, type PollScheduler } from '../devices/index.ts';
import { FakeUsbBackend, fakeCeremonyDevices } from '../devices/fixtures/fake-usb.ts';
import { sysfsFixture } from '../devices/fixtures/sysfs-fixture.ts';
import { createEngine } from '../engine.ts';
import type { EngineServices } from '../engine-services.ts';
import { devicesHandlers, type DeviceSources } from './devices.ts';

const fixture = (name: string): string => readFileSync(new URL(`../devices/fixtures/${name}`, import.meta.url), 'utf8');
const laptopMounts = fixture('linux-laptop/proc-mounts.txt');
/** The same laptop after KEYRITE-A (/dev/sdb1) was unmounted. */
const withoutKeyriteA = laptopMounts.split('\n').filter((line) => !line.includes('/media/alice/KEYRITE-A')).join('\n');

const fixedNow = (): Date => new Date('2026-11-28T10:00:00.000Z');

function fixtureMedia(mounts: () => string): MediaSources {
  return {
    platform: 'linux',
    readProcMounts: mounts,
    sys: sysfsFixture(new URL('../devices/fixtures/linux-laptop/sysfs.json', import.meta.url)),
    runMacMount: () => Promise.reject(new Error('not macOS')),
    runWindowsQuery: () => Promise.reject(new Error('not Windows')),
    space: () => Promise.resolve({ freeBytes: 1000, totalBytes: 4000 }),
  };
}

const airGapped: AirGapSources = {
  platform: 'linux',
  sys: sysfsFixture(new URL('../devices/fixtures/linux-air-gapped/sysfs.json', import.meta.url)),
  sysRoot: '/sys',
  procRoot: '/proc',
  networkInterfaces: () => ({}),
  runRfkillJson: () => Promise.resolve(null),
  endianness: 'LE',
  now: fixedNow,
};

/** A poll timer the test never fires: polls happen at each snapshot. */
function manualScheduler(): PollScheduler & { live: number } {
  const s = {
    live: 0,
    setInterval: () => {
      s.live += 1;
      return s.live;
    },
    clearInterval: () => {
      s.live -= 1;
    },
  };
  return s;
}

interface Harness {
  handlers: ReturnType<typeof devicesHandlers>;
  events: KeyriteEvent[];
  audit: AuditLog;
  close(): Promise<void>;
}

function harness(sources: DeviceSources, emitThrows = false): Harness {
  const events: KeyriteEvent[] = [];
  const releases: (() => Promise<void> | void)[] = [];
  const audit = new AuditLog(() => {});
  const services: EngineServices = {
    config: { dataDir: '/nonexistent', host: 'cli', version: '0.0.0-test' },
    audit,
    emit: (event) => {
      if (emitThrows) throw new Error('the window is gone');
      events.push(event);
    },
    hsm: () => {
      throw new Error('the devices handlers never load an HSM module');
    },
    rehearsal: true,
    onClose: (release) => releases.push(release),
  };
  return { handlers: devicesHandlers(services, sources), events, audit, close: async () => { for (const r of releases) await r(); } };
}

/** Lets pending callbacks run; only used where nothing more may happen. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('devices/snapshot and the device events (fixtures and the named fake USB backend)', () => {
  it('starts nothing until the first snapshot; then lists USB devices by what they are, media and the air gap; events follow every change and are audited; close releases the watchers', async () => {
    const backend = new FakeUsbBackend([fakeCeremonyDevices.yubiHsm2(), fakeCeremonyDevices.usbStick()]);
    let mounts = laptopMounts;
    const scheduler = manualScheduler();
    const { handlers, events, audit, close } = harness({
      loadUsb: () => Promise.resolve({ available: true, backend }),
      describe: { readSysfs: false },
      listMedia: () => listRemovableMedia(fixtureMedia(() => mounts)),
      checkAirGap: () => checkAirGap(airGapped),
      scheduler,
      now: fixedNow,
    });
    expect([backend.listenerCount(), scheduler.live]).toEqual([0, 0]);

    const first = DevicesSnapshot.parse(await handlers['devices/snapshot']({}));
    expect([backend.listenerCount(), scheduler.live]).toEqual([2, 1]);
    expect(first.usb.available && first.usb.devices.map((d) => [d.id, d.recognised?.name ?? null])).toEqual([['1050:0030', 'YubiHSM 2'], ['0951:1666', 'USB mass storage']]);
    expect(first.media.available && first.media.media.map((m) => m.label)).toContain('KEYRITE-A');
    expect(first.airGap).toMatchObject({ checked: true, result: { verdict: 'offline' }, productionDecision: { decision: 'pass' } });
    expect(first.takenAt).toBe('2026-11-28T10:00:00.000Z');
    expect(events).toEqual([]);

    // A YubiKey is plugged in, then the stick is pulled out.
    const yubiKey = fakeCeremonyDevices.yubiKey5();
    backend.attach(yubiKey);
    await vi.waitFor(() => expect(events).toHaveLength(1)); // the attach is described (strings read) before it is given
    const stick = backend.devices.find((d) => d.deviceDescriptor.idVendor === 0x0951);
    if (stick === undefined) throw new Error('fixture changed');
    backend.detach(stick);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events.map((e) => e.name === 'devices/usbChanged' && [e.payload.type, e.payload.device.id])).toEqual([['attach', '1050:0407'], ['detach', '0951:1666']]);
    for (const e of events) UsbEvent.parse(e.payload);

    // KEYRITE-A is unmounted; the next snapshot's poll sees it.
    mounts = withoutKeyriteA;
    const second = await handlers['devices/snapshot']({});
    expect(second.usb.available && second.usb.devices.map((d) => d.id)).toEqual(['1050:0030', '1050:0407']);
    expect(second.media.available && second.media.media.map((m) => m.label)).not.toContain('KEYRITE-A');
    const mediaEvents = events.filter((e) => e.name === 'devices/mediaChanged');
    expect(mediaEvents.map((e) => e.name === 'devices/mediaChanged' && [e.payload.type, e.payload.medium.label])).toEqual([['removed', 'KEYRITE-A']]);
    MediaEvent.parse(mediaEvents[0]?.payload);

    // It comes back.
    mounts = laptopMounts;
    await handlers['devices/snapshot']({});
    expect(audit.events.map((e) => [e.type, e.summary])).toEqual([
      ['devices.usb-attached', 'USB device attached: YubiKey 4/5 (OTP+FIDO+CCID) (1050:0407) at 1-3.1'],
      ['devices.usb-detached', 'USB device detached: USB mass storage (0951:1666) at 2-1'],
      ['devices.medium-removed', 'Removable medium removed: "KEYRITE-A" (vfat, /dev/sdb1) at /media/alice/KEYRITE-A'],
      ['devices.medium-inserted', 'Removable medium inserted: "KEYRITE-A" (vfat, /dev/sdb1) at /media/alice/KEYRITE-A'],
    ]);

    // Closing the engine stops both watchers: libusb hotplug off, no timer, no more events.
    await close();
    expect([backend.listenerCount(), scheduler.live]).toEqual([0, 0]);
    const before = events.length;
    backend.attach(fakeCeremonyDevices.nitrokeyHsm());
    expect(backend.listenerCount()).toBe(0); // nobody is told: the attach reaches no listener
    await settle();
    expect(events.length).toBe(before);
  });

  it('USB that cannot load is a state with its reason, recorded once; media that cannot be listed is a state too, and recovers', async () => {
    let failing = true;
    const { handlers, audit, close } = harness({
      loadUsb: () => Promise.resolve({ available: false, reason: 'USB unavailable: no USB bus (/sys/bus/usb is missing)' }),
      listMedia: () => (failing ? Promise.reject(new Error('/proc/self/mounts: EACCES')) : listRemovableMedia(fixtureMedia(() => laptopMounts))),
      checkAirGap: () => Promise.reject(new Error('sysfs vanished')),
      scheduler: manualScheduler(),
    });
    const first = DevicesSnapshot.parse(await handlers['devices/snapshot']({}));
    expect(first.usb).toEqual({ available: false, reason: 'USB unavailable: no USB bus (/sys/bus/usb is missing)' });
    expect(first.media).toEqual({ available: false, reason: 'Removable media cannot be listed: /proc/self/mounts: EACCES' });
    expect(first.airGap).toEqual({ checked: false, reason: 'The air-gap check could not run: sysfs vanished' });
    await handlers['devices/snapshot']({});
    failing = false;
    const third = await handlers['devices/snapshot']({});
    // Recorded when listing starts failing, not at every poll; once it works again, the media it finds are new to the watcher.
    const listed = third.media.available ? third.media.media.length : 0;
    expect(listed).toBe(6);
    expect(audit.events.map((e) => e.type)).toEqual(['devices.usb-unavailable', 'devices.media-unavailable', ...Array<string>(listed).fill('devices.medium-inserted')]);
    await close();
  });

  it('an event that cannot be delivered (the emitter throws) is recorded, never thrown into libusb or the poll', async () => {
    const backend = new FakeUsbBackend();
    const { handlers, audit, close } = harness({
      loadUsb: () => Promise.resolve({ available: true, backend }),
      describe: { readSysfs: false },
      listMedia: () => Promise.resolve([]),
      checkAirGap: () => checkAirGap(airGapped),
      scheduler: manualScheduler(),
    }, true);
    await handlers['devices/snapshot']({});
    backend.attach(fakeCeremonyDevices.yubiHsm2());
    await vi.waitFor(() => expect(audit.events).toHaveLength(2));
    expect(audit.events.map((e) => e.type)).toEqual(['devices.usb-attached', 'devices.watch-failed']);
    expect(audit.events[1]?.summary).toContain('the window is gone');
    await close();
  });

  it('two snapshots at once start the watchers once', async () => {
    const backend = new FakeUsbBackend([fakeCeremonyDevices.yubiHsm2()]);
    let loads = 0;
    const { handlers, close } = harness({
      loadUsb: () => {
        loads += 1;
        return Promise.resolve({ available: true, backend });
      },
      describe: { readSysfs: false },
      listMedia: () => Promise.resolve([]),
      checkAirGap: () => checkAirGap(airGapped),
      scheduler: manualScheduler(),
    });
    await Promise.all([handlers['devices/snapshot']({}), handlers['devices/snapshot']({})]);
    expect([loads, backend.listenerCount()]).toEqual([1, 2]);
    await close();
  });
});

describe('devices/snapshot through the engine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyrite-devices-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const trusted = { webContentsId: 1, isTopFrame: true, frameUrl: 'app://keyrite/index.html' };

  it('the router refuses a malformed request before the handler runs (no watcher starts)', async () => {
    const engine = createEngine({ dataDir, host: 'test-bridge', version: '0.0.0-test' });
    try {
      const router = createRouter({ handlers: engine.handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' } });
      for (const bad of [{ refresh: true }, null, 'snapshot', [1]]) {
        await expect(router.route(trusted, 'devices/snapshot', bad)).resolves.toMatchObject({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST' } });
      }
      expect(engine.audit.events.filter((e) => e.type.startsWith('devices.'))).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it(`the live path on this machine: ${existsSync('/sys/bus/usb') ? 'a USB bus exists' : 'no USB bus, so USB is unavailable with its reason'}; media and the air gap are read; the answer passes the contract`, async () => {
    const engine = createEngine({ dataDir, host: 'test-bridge', version: '0.0.0-test' });
    try {
      const router = createRouter({ handlers: engine.handlers, policy: { trustedWebContents: new Set([1]), origin: 'app://keyrite' } });
      const result = await router.route(trusted, 'devices/snapshot', {});
      if (!result.ok) throw new Error(result.error.message);
      const snapshot = DevicesSnapshot.parse(result.value);
      if (process.platform === 'linux' && !existsSync('/sys/bus/usb')) {
        expect(snapshot.usb).toEqual({ available: false, reason: expect.stringMatching(/^USB unavailable: .*\/sys\/bus\/usb/u) as string });
        expect(engine.audit.events.map((e) => e.type)).toContain('devices.usb-unavailable');
      }
      expect(snapshot.airGap.checked).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('never keeps the process alive: a live engine never closed exits on its own; libusb hotplug turned on by a snapshot is turned off by the engine\'s close (child process)', () => {
    const probe = fileURLToPath(new URL('../devices/fixtures/devices-handlers-probe.ts', import.meta.url));
    const child = spawnSync(process.execPath, [probe], { encoding: 'utf8', timeout: 60_000 });
    expect(child.signal).toBeNull(); // not killed by the timeout: nothing kept it alive
    expect([child.status, child.stderr]).toEqual([0, '']);
    const out = JSON.parse(child.stdout) as { live: unknown; forced: boolean; unhandled: string[] };
    if (process.platform === 'linux' && !existsSync('/sys/bus/usb')) expect(out.live).toMatchObject({ available: false });
    expect(out.forced).toBe(true); // usb 2.18 loads past the sysfs checks here, so hotplug really was on
    expect(out.unhandled).toEqual([]);
  });
});
