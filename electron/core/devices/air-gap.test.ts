import { readdirSync, readFileSync } from 'node:fs';
import type os from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { airGapPolicy, checkAirGap, liveAirGapSources, type AirGapSources } from './air-gap.ts';
import { ipv4FromProcHex, ipv6FromProcHex, parseIpv4DefaultRoutes, parseIpv6DefaultRoutes, parseRfkillJson } from './air-gap-parsers.ts';
import { AirGapResult } from './schemas.ts';
import { sysfsFixture } from './fixtures/sysfs-fixture.ts';

const snapshot = (machine: string) => sysfsFixture(new URL(`./fixtures/${machine}/sysfs.json`, import.meta.url));
const info = (address: string, cidr: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false): os.NetworkInterfaceInfo =>
  ({ address, cidr, family, internal, netmask: '', mac: '00:00:00:00:00:00', ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as os.NetworkInterfaceInfo;

const sources = (over: Partial<AirGapSources>): AirGapSources => ({
  platform: 'linux',
  sys: snapshot('linux-air-gapped'),
  sysRoot: '/sys',
  procRoot: '/proc',
  networkInterfaces: () => ({ lo: [info('127.0.0.1', '127.0.0.1/8', 'IPv4', true)] }),
  runRfkillJson: async () => null,
  endianness: 'LE',
  now: () => new Date('2026-11-28T09:00:00Z'),
  ...over,
});

describe('air-gap check over recorded Linux snapshots', () => {
  it('an air-gapped laptop: offline, every source read, its two interfaces named', async () => {
    const result = await checkAirGap(sources({}));
    expect(result).toMatchObject({ verdict: 'offline', findings: [], interfaces: ['enp0s31f6', 'wlp3s0'] });
    expect(result.sources.every((s) => s.state === 'read')).toBe(true);
    expect(airGapPolicy(result, 'production').decision).toBe('pass');
    AirGapResult.parse(result);
  });

  it('fails closed on an unparsable flags file: the interface counts as up', async () => {
    const base = snapshot('linux-air-gapped');
    const garbled = { ...base, readText: (path: string) => (path.endsWith('/enp0s31f6/flags') ? 'garbage' : base.readText(path)), list: (path: string) => base.list(path) };
    // No address: only the flags could say the interface is up.
    const result = await checkAirGap(sources({ sys: garbled }));
    expect(result.verdict).toBe('online');
    expect(result.findings.map((f) => `${f.kind} ${f.name}`)).toContain('interface-up enp0s31f6');
  });

  it('the same laptop online: each interface, radio and default route named', async () => {
    const result = await checkAirGap(
      sources({
        sys: snapshot('linux-online'),
        networkInterfaces: () => ({ wlp3s0: [info('192.168.1.23', '192.168.1.23/24'), info('2001:db8:1::23', '2001:db8:1::23/64', 'IPv6')] }),
      }),
    );
    expect(result.verdict).toBe('online');
    expect(result.findings.map((f) => `${f.kind} ${f.name}`)).toEqual([
      'interface-up docker0',
      'interface-up enp0s31f6',
      'interface-up wlp3s0',
      'radio-unblocked tpacpi_bluetooth_sw',
      'radio-unblocked phy0',
      'radio-unblocked hci0',
      'default-route enp0s31f6',
      'default-route wlp3s0',
      'default-route wlp3s0',
    ]);
    const wifi = result.findings.find((f) => f.name === 'wlp3s0');
    expect(wifi?.detail).toBe('wireless interface is up (operstate up, carrier 1, addresses 192.168.1.23/24 2001:db8:1::23/64)');
    expect(result.findings.filter((f) => f.kind === 'default-route').map((f) => f.detail)).toEqual([
      'IPv4 default route via 192.168.1.1 on enp0s31f6 (metric 100)',
      'IPv4 default route via 192.168.1.1 on wlp3s0 (metric 600)',
      'IPv6 default route via fe80:0:0:0:23a:9aff:fe2b:1c01 on wlp3s0 (metric 600)',
    ]);
    AirGapResult.parse(result);
  });

  it('falls back to `rfkill --json` when sysfs has no rfkill class, and says so when neither exists', async () => {
    const gapped = snapshot('linux-air-gapped');
    const noRfkillClass = { ...gapped, list: (p: string) => (p === '/sys/class/rfkill' ? null : gapped.list(p)) };
    const json = readFileSync(new URL('./fixtures/rfkill-output-all.json', import.meta.url), 'utf8');
    const viaCommand = await checkAirGap(sources({ sys: noRfkillClass, runRfkillJson: async () => json }));
    expect(viaCommand.findings).toEqual([{ kind: 'radio-unblocked', name: 'phy0', detail: 'wlan radio is not blocked (rfkill1: soft and hard unblocked)' }]);
    const neither = await checkAirGap(sources({ sys: noRfkillClass }));
    expect(neither.verdict).toBe('offline');
    expect(neither.sources).toContainEqual(expect.objectContaining({ source: 'rfkill', state: 'unavailable' }));
    expect(airGapPolicy(neither, 'production')).toMatchObject({ decision: 'warn', message: expect.stringContaining('radios not checked') });
  });

  it('macOS and Windows: interfaces from their addresses; radios and routes reported as not checked', async () => {
    const result = await checkAirGap(
      sources({ platform: 'darwin', networkInterfaces: () => ({ lo0: [info('127.0.0.1', '127.0.0.1/8', 'IPv4', true)], en0: [info('fe80::1', 'fe80::1/64', 'IPv6')] }) }),
    );
    expect(result.findings).toEqual([{ kind: 'interface-up', name: 'en0', detail: 'interface has addresses fe80::1/64' }]);
    expect(result.sources.filter((s) => s.state === 'unavailable').map((s) => s.source)).toEqual(['radios', 'routes']);
  });
});

describe('route and rfkill parsers', () => {
  it('IPv4: only up routes with destination and mask 0 are defaults; on-link defaults have no gateway', () => {
    const text = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n' +
      'ppp0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n' +
      'eth1\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n' + // not RTF_UP
      'eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
    expect(parseIpv4DefaultRoutes(text)).toEqual([{ family: 'IPv4', iface: 'ppp0', gateway: null, metric: 0 }]);
  });

  it('IPv6: the kernel reject default on lo is not a route out', () => {
    const lo = '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo';
    expect(parseIpv6DefaultRoutes(lo)).toEqual([]);
  });

  it('the proc hex forms decode to the addresses they encode (property)', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), (bytes) => {
        const le = bytes.map((b) => b.toString(16).padStart(2, '0')).reverse().join('').toUpperCase();
        expect(ipv4FromProcHex(le, 'LE')).toBe(bytes.join('.'));
        expect(ipv4FromProcHex(bytes.map((b) => b.toString(16).padStart(2, '0')).join(''), 'BE')).toBe(bytes.join('.'));
      }),
    );
    expect(ipv6FromProcHex('fd000000000000000000000000000001')).toBe('fd00:0:0:0:0:0:0:1');
  });

  it('rfkill JSON: blocked either way is blocked; a wrong shape is an error', () => {
    const radios = parseRfkillJson(readFileSync(new URL('./fixtures/rfkill-output-all.json', import.meta.url), 'utf8'));
    expect(radios.map((r) => [r.name, r.softBlocked, r.hardBlocked])).toEqual([
      ['tpacpi_bluetooth_sw', true, false],
      ['phy0', false, false],
      ['hci0', false, true],
    ]);
    expect(parseRfkillJson('{"": []}')).toEqual([]);
    expect(() => parseRfkillJson('{"devices": 3}')).toThrow(SyntaxError);
  });
});

describe('air-gap policy', () => {
  const online = { verdict: 'online' as const, findings: [{ kind: 'interface-up' as const, name: 'eth0', detail: 'interface is up' }], sources: [] };

  it('rehearsal warns and names the interface; production refuses and offers a signed exception naming it', () => {
    expect(airGapPolicy(online, 'rehearsal')).toEqual({
      decision: 'warn',
      message: 'REHEARSAL: this workstation is not air-gapped (eth0: interface is up). A production ceremony would refuse to start.',
      exception: null,
    });
    const production = airGapPolicy(online, 'production');
    expect(production.decision).toBe('refuse');
    expect(production.exception?.text).toContain('eth0: interface is up');
    expect(production.exception?.text).toContain('witness co-signs');
  });

  it('offline with everything checked passes in both modes', () => {
    const offline = { verdict: 'offline' as const, findings: [], sources: [{ source: 'x', state: 'read' as const, detail: '' }] };
    expect(airGapPolicy(offline, 'rehearsal').decision).toBe('pass');
    expect(airGapPolicy(offline, 'production')).toMatchObject({ decision: 'pass', exception: null });
  });
});

describe('air-gap check, live on this machine', () => {
  it('has the schema\'s shape and names only interfaces that exist in /sys/class/net, every one that is up', async () => {
    const result = AirGapResult.parse(await checkAirGap(liveAirGapSources));
    const real = readdirSync('/sys/class/net');
    const up = real.filter((name) => {
      const flags = Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16);
      return (flags & 0x1) !== 0 && (flags & 0x8) === 0;
    });
    for (const f of result.findings.filter((x) => x.kind !== 'radio-unblocked')) expect(real).toContain(f.name);
    expect(result.interfaces.every((name) => real.includes(name))).toBe(true);
    expect(result.findings.filter((f) => f.kind === 'interface-up').map((f) => f.name).sort()).toEqual(expect.arrayContaining(up));
    expect(result.verdict).toBe(up.length > 0 || result.findings.length > 0 ? 'online' : 'offline');
  });
});
