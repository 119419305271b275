import { describe, expect, it } from 'vitest';
import { watchUsb } from './usb-watcher.ts';
import type { UsbEvent } from './schemas.ts';
import { UsbEvent as UsbEventSchema } from './schemas.ts';
import { FakeUsbBackend, fakeCeremonyDevices } from './fixtures/fake-usb.ts';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));
const fixedNow = (): Date => new Date('2026-11-28T10:00:00.000Z');

describe('watching attach and detach (named fake devices)', () => {
  it('reports an attached HSM with its strings, and its detach under the same description', async () => {
    const backend = new FakeUsbBackend();
    const events: UsbEvent[] = [];
    const watcher = watchUsb(backend, (e) => events.push(e), { readSysfs: false, now: fixedNow });
    const hsm = fakeCeremonyDevices.yubiHsm2();
    backend.attach(hsm);
    backend.detach(hsm); // before the attach's strings are read: order must hold
    await settle();
    expect(events.map((e) => e.type)).toEqual(['attach', 'detach']);
    expect(events[1]?.device.serial).toEqual({ state: 'read', text: '0012345678' });
    expect(events[0]?.at).toBe('2026-11-28T10:00:00.000Z');
    for (const e of events) UsbEventSchema.parse(e);
    watcher.stop();
  });

  it('an HSM whose strings cannot be read is still reported and recognised', async () => {
    const backend = new FakeUsbBackend();
    const events: UsbEvent[] = [];
    const watcher = watchUsb(backend, (e) => events.push(e), { readSysfs: false });
    backend.attach(fakeCeremonyDevices.nitrokeyHsm());
    await settle();
    expect(events[0]).toMatchObject({ type: 'attach', device: { id: '20a0:4230', recognised: { kind: 'hsm' }, product: { state: 'unreadable', reason: 'could not open the device (LIBUSB_ERROR_ACCESS)' } } });
    watcher.stop();
  });

  it('names a device detached that it never saw attach, from its descriptor alone', async () => {
    const stick = fakeCeremonyDevices.usbStick();
    const backend = new FakeUsbBackend([stick]);
    const events: UsbEvent[] = [];
    const watcher = watchUsb(backend, (e) => events.push(e), { readSysfs: false });
    backend.detach(stick);
    await settle();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'detach', device: { id: '0951:1666', busPath: '2-1', serial: { state: 'unreadable' } } });
    watcher.stop();
  });

  it('stop() removes both listeners (so libusb hotplug stops and the process can exit) and silences pending events', async () => {
    const backend = new FakeUsbBackend();
    const events: UsbEvent[] = [];
    const watcher = watchUsb(backend, (e) => events.push(e), { readSysfs: false });
    expect(backend.listenerCount()).toBe(2);
    backend.attach(fakeCeremonyDevices.yubiKey5()); // being described when stop() comes
    watcher.stop();
    watcher.stop();
    expect(backend.listenerCount()).toBe(0);
    backend.attach(fakeCeremonyDevices.usbStick());
    await settle();
    expect(events).toEqual([]);
  });

  it('a listener that throws never reaches the library callback', async () => {
    const backend = new FakeUsbBackend();
    const errors: unknown[] = [];
    const watcher = watchUsb(
      backend,
      () => {
        throw new Error('renderer went away');
      },
      { readSysfs: false, onListenerError: (e) => errors.push(e) },
    );
    expect(() => backend.attach(fakeCeremonyDevices.nitrokeyHsm())).not.toThrow();
    await settle();
    expect(errors).toHaveLength(1);
    watcher.stop();
  });
});
