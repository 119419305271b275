/**
 * The devices slice and panel: the snapshot through the bridge, the events
 * applied to it (a property over random attach/detach and insert/remove
 * sequences), and the panel's markup for the states a person must be able
 * to tell apart (USB unavailable, media listed, machine online).
 */
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildKeyriteApi } from '../../../shared/api.ts';
import type { CommandName, KeyriteEvent } from '../../../shared/contract.ts';
import { DevicesSnapshot, type AirGapResult, type Medium, type UsbDevice } from '../../../shared/contract/devices.ts';
import { applyToSnapshot } from '../../store/devices-slice.ts';
import { resetStore, useKeyriteStore } from '../../store/store.ts';
import { DevicesView, formatBytes } from './devices-panel.tsx';

const at = '2026-11-28T10:00:00.000Z';
const none = { state: 'none' } as const;

const usbDevice = (address: number, name: string): UsbDevice => ({
  id: '1050:0030', vendorId: 0x1050, productId: 0x0030, busPath: `1-${address}`, busNumber: 1, deviceAddress: address, deviceClass: 0, interfaceClasses: [],
  manufacturer: none, product: { state: 'read', text: name }, serial: { state: 'read', text: `SN${address}` },
  recognised: { kind: 'hsm', name: 'YubiHSM 2', matchedBy: 'id', source: 'Yubico' },
});

const medium = (n: number, label: string): Medium => ({
  id: `linux:/dev/sd${n}1@/media/alice/${label}`, platform: 'linux', label, mountPoint: `/media/alice/${label}`, device: `/dev/sd${n}1`,
  filesystem: 'vfat', freeBytes: 3 * 1024 ** 3, totalBytes: 4 * 1024 ** 3, readOnly: false, removableBecause: 'removable-flag',
});

const offline: AirGapResult = { verdict: 'offline', findings: [], interfaces: ['enp0s31f6'], sources: [], platform: 'linux', checkedAt: at };

const snapshot = (over: Partial<DevicesSnapshot> = {}): DevicesSnapshot => DevicesSnapshot.parse({
  usb: { available: true, devices: [usbDevice(2, 'YubiHSM')] },
  media: { available: true, media: [medium(1, 'KEYRITE-A')] },
  airGap: { checked: true, result: offline, productionDecision: { decision: 'pass', message: 'The machine is air-gapped: no interface up, no radio, no route.', exception: null } },
  takenAt: at,
  ...over,
});

function installApi(answer: (name: CommandName) => unknown) {
  const listeners = new Set<(e: KeyriteEvent) => void>();
  const invoke = vi.fn((name: CommandName) => Promise.resolve(answer(name)));
  const api = buildKeyriteApi({ invoke, subscribe: (listener) => { listeners.add(listener); return () => listeners.delete(listener); } });
  vi.stubGlobal('window', { keyrite: api });
  return { invoke, send: (event: KeyriteEvent) => { for (const l of listeners) l(event); }, listeners };
}

const usbEvent = (type: 'attach' | 'detach', device: UsbDevice): KeyriteEvent => ({ name: 'devices/usbChanged', payload: { type, device, at } });
const mediaEvent = (type: 'inserted' | 'removed', m: Medium): KeyriteEvent => ({ name: 'devices/mediaChanged', payload: { type, medium: m, at } });

describe('devices slice', () => {
  beforeEach(() => resetStore());
  afterEach(() => vi.unstubAllGlobals());

  it('watchDevices reads the snapshot through the bridge, follows the events, and stops following when asked', async () => {
    const { invoke, send, listeners } = installApi(() => ({ ok: true, value: snapshot() }));
    const stop = useKeyriteStore.getState().watchDevices();
    await vi.waitFor(() => expect(useKeyriteStore.getState().devices).not.toBeNull());
    expect(invoke).toHaveBeenCalledWith('devices/snapshot', {});
    send(usbEvent('attach', usbDevice(5, 'Second HSM')));
    send(mediaEvent('removed', medium(1, 'KEYRITE-A')));
    send({ name: 'audit/recorded', payload: { seq: 0, at, type: 't', summary: 's' } });
    const state = useKeyriteStore.getState().devices;
    expect(state?.usb.available && state.usb.devices.map((d) => d.busPath)).toEqual(['1-2', '1-5']);
    expect(state?.media.available && state.media.media).toEqual([]);
    stop();
    expect(listeners.size).toBe(0);
  });

  it('keeps the engine\'s error, typed', async () => {
    installApi(() => ({ ok: false, error: { code: 'BOUNDARY_INVALID_REQUEST', message: 'Refused.' } }));
    await useKeyriteStore.getState().loadDevices();
    expect(useKeyriteStore.getState()).toMatchObject({ devices: null, devicesError: { code: 'BOUNDARY_INVALID_REQUEST' }, devicesLoading: false });
  });

  it('any sequence of events leaves exactly the devices whose last event was attach (or insert), sorted, once each', () => {
    const pool = [1, 2, 3, 4].map((n) => ({ usb: usbDevice(n, `HSM ${n}`), medium: medium(n, `STICK${n}`) }));
    const step = fc.record({ which: fc.integer({ min: 0, max: 3 }), usb: fc.boolean(), present: fc.boolean() });
    fc.assert(fc.property(fc.subarray([0, 1, 2, 3]), fc.array(step, { maxLength: 30 }), (initial, steps) => {
      let current: DevicesSnapshot | null = snapshot({
        usb: { available: true, devices: initial.map((i) => pool[i]?.usb as UsbDevice) },
        media: { available: true, media: initial.map((i) => pool[i]?.medium as Medium) },
      });
      const usbModel = new Set(initial);
      const mediaModel = new Set(initial);
      for (const s of steps) {
        const entry = pool[s.which] as (typeof pool)[number];
        if (s.usb) current = applyToSnapshot(current, usbEvent(s.present ? 'attach' : 'detach', entry.usb));
        else current = applyToSnapshot(current, mediaEvent(s.present ? 'inserted' : 'removed', entry.medium));
        const model = s.usb ? usbModel : mediaModel;
        if (s.present) model.add(s.which);
        else model.delete(s.which);
      }
      expect(current?.usb.available && current.usb.devices.map((d) => d.busPath)).toEqual([...usbModel].sort().map((i) => `1-${i + 1}`));
      expect(current?.media.available && current.media.media.map((m) => m.label)).toEqual([...mediaModel].sort().map((i) => `STICK${i + 1}`));
    }));
  });

  it('events change nothing before the first snapshot, nor a USB or media state that is unavailable', () => {
    expect(applyToSnapshot(null, usbEvent('attach', usbDevice(1, 'x')))).toBeNull();
    const unavailable = snapshot({ usb: { available: false, reason: 'USB unavailable: no USB bus' }, media: { available: false, reason: 'Removable media cannot be listed: EACCES' } });
    expect(applyToSnapshot(unavailable, usbEvent('attach', usbDevice(1, 'x')))).toEqual(unavailable);
    expect(applyToSnapshot(unavailable, mediaEvent('inserted', medium(1, 'A')))).toEqual(unavailable);
  });
});

describe('devices panel', () => {
  it('shows the reason when USB is unavailable, and each medium with its free space', () => {
    const devices = snapshot({ usb: { available: false, reason: 'USB unavailable: no USB bus (/sys/bus/usb is missing)' } });
    const html = renderToStaticMarkup(<DevicesView devices={devices} error={null} loading={false} onRefresh={() => {}} />);
    expect(html).toContain('data-testid="usb-unavailable">USB unavailable: no USB bus (/sys/bus/usb is missing)</p>');
    expect(html).toContain('<th scope="row">KEYRITE-A</th><td class="mono">/media/alice/KEYRITE-A</td><td>vfat</td><td>3.0 GiB</td><td>yes</td>');
    expect(html).toContain('data-verdict="offline"');
  });

  it('names each USB device by what it is, and an online machine as an alert with every finding', () => {
    const online = { ...offline, verdict: 'online' as const, findings: [{ kind: 'interface-up' as const, name: 'wlp3s0', detail: 'up, wireless' }] };
    const devices = snapshot({ airGap: { checked: true, result: online, productionDecision: { decision: 'refuse', message: 'Online.', exception: null } } });
    const html = renderToStaticMarkup(<DevicesView devices={devices} error={null} loading={false} onRefresh={() => {}} />);
    expect(html).toContain('<th scope="row">YubiHSM 2</th><td>hsm</td><td class="mono">1050:0030</td><td class="mono">SN2</td>');
    expect(html).toMatch(/role="alert"[^>]*data-verdict="online".*wlp3s0<\/span>: up, wireless/u);
  });

  it('formats sizes in binary units', () => {
    expect([formatBytes(null), formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 ** 3)]).toEqual(['unknown', '512 bytes', '1.5 KiB', '3.0 GiB']);
  });
});
