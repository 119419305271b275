/**
 * Is this workstation air-gapped? Three questions, each answered from what
 * the kernel publishes, each finding naming the interface or radio:
 * 1. Is any network interface other than loopback administratively up?
 *    (Linux: IFF_UP in /sys/class/net/<if>/flags, include/uapi/linux/if.h;
 *    elsewhere: any non-internal address in os.networkInterfaces().)
 *    WARNING: strict on purpose. An interface that is up without a cable
 *    (operstate down) still counts: plugging one in would connect the machine.
 * 2. Is any radio (Wi-Fi, Bluetooth, WWAN…) not blocked? (Linux rfkill.)
 * 3. Is there a default route, IPv4 or IPv6?
 * Anything found makes the verdict `online`. What could not be read is
 * listed in `sources`, and the policy never passes a check that was not made.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import { parseIpv4DefaultRoutes, parseIpv6DefaultRoutes, parseRfkillJson, readRfkillSysfs, type DefaultRoute, type RadioSwitch } from './air-gap-parsers.ts';
import type { AirGapDecision, AirGapFinding, AirGapResult, AirGapSource, CeremonyMode } from './schemas.ts';
import { liveSysfs, type SysfsReader } from './sysfs-reader.ts';

const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;
const ARPHRD_LOOPBACK = '772';

export interface AirGapSources {
  platform: NodeJS.Platform;
  sys: SysfsReader;
  sysRoot: string;
  procRoot: string;
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Output of `rfkill --output-all --json`, or null when it cannot be run. Used when sysfs has no rfkill class. */
  runRfkillJson(): Promise<string | null>;
  endianness: 'LE' | 'BE';
  now(): Date;
}

export const liveAirGapSources: AirGapSources = {
  platform: process.platform,
  sys: liveSysfs,
  sysRoot: '/sys',
  procRoot: '/proc',
  networkInterfaces: () => os.networkInterfaces(),
  runRfkillJson: () =>
    new Promise((resolve) => {
      execFile('rfkill', ['--output-all', '--json'], { timeout: 5000 }, (error, stdout) => resolve(error === null ? stdout : null));
    }),
  endianness: os.endianness(),
  now: () => new Date(),
};

const addressesOf = (infos: readonly os.NetworkInterfaceInfo[] | undefined): string[] => (infos ?? []).filter((i) => !i.internal).map((i) => i.cidr ?? i.address);

interface Collected {
  findings: AirGapFinding[];
  interfaces: string[];
  sources: AirGapSource[];
}

function linuxInterfaces(src: AirGapSources, out: Collected): void {
  const names = src.sys.list(`${src.sysRoot}/class/net`);
  const addresses = src.networkInterfaces();
  if (names === null) {
    out.sources.push({ source: 'sysfs /sys/class/net', state: 'unavailable', detail: 'not readable; interfaces judged from their addresses only' });
    addressInterfaces(src, out);
    return;
  }
  out.sources.push({ source: 'sysfs /sys/class/net', state: 'read', detail: `${names.length} interfaces` });
  for (const name of [...names].sort()) {
    const base = `${src.sysRoot}/class/net/${name}`;
    // Unreadable or unparsable flags count as up: the check fails closed.
    const parsedFlags = Number.parseInt(src.sys.readText(`${base}/flags`) ?? '0x1', 16);
    const flags = Number.isNaN(parsedFlags) ? IFF_UP : parsedFlags;
    if ((flags & IFF_LOOPBACK) !== 0 || src.sys.readText(`${base}/type`) === ARPHRD_LOOPBACK) continue;
    out.interfaces.push(name);
    const wireless = src.sys.list(`${base}/wireless`) !== null || src.sys.list(`${base}/phy80211`) !== null;
    const addressList = addressesOf(addresses[name]);
    if ((flags & IFF_UP) === 0 && addressList.length === 0) continue;
    const operstate = src.sys.readText(`${base}/operstate`) ?? 'unknown';
    const carrier = src.sys.readText(`${base}/carrier`);
    out.findings.push({
      kind: 'interface-up',
      name,
      detail: `${wireless ? 'wireless ' : ''}interface is up (operstate ${operstate}${carrier === null ? '' : `, carrier ${carrier}`}${addressList.length > 0 ? `, addresses ${addressList.join(' ')}` : ''})`,
    });
  }
  out.sources.push({ source: 'os.networkInterfaces', state: 'read', detail: 'addresses added to the findings' });
}

function addressInterfaces(src: AirGapSources, out: Collected): void {
  const all = src.networkInterfaces();
  for (const name of Object.keys(all).sort()) {
    const addressList = addressesOf(all[name]);
    if (addressList.length === 0) continue; // loopback only
    out.interfaces.push(name);
    out.findings.push({ kind: 'interface-up', name, detail: `interface has addresses ${addressList.join(' ')}` });
  }
  out.sources.push({ source: 'os.networkInterfaces', state: 'read', detail: `${Object.keys(all).length} interfaces with addresses` });
}

async function radios(src: AirGapSources, out: Collected): Promise<void> {
  let list: RadioSwitch[] | null = readRfkillSysfs(src.sys, src.sysRoot);
  let from = 'sysfs /sys/class/rfkill';
  if (list === null) {
    const json = await src.runRfkillJson().catch(() => null);
    if (json !== null) {
      try {
        list = parseRfkillJson(json);
        from = 'rfkill --json';
      } catch {
        list = null;
      }
    }
  }
  if (list === null) {
    out.sources.push({ source: 'rfkill', state: 'unavailable', detail: 'no /sys/class/rfkill and no rfkill command: radios not checked' });
    return;
  }
  out.sources.push({ source: from, state: 'read', detail: `${list.length} radio switches` });
  for (const radio of list) {
    if (radio.softBlocked || radio.hardBlocked) continue;
    out.findings.push({ kind: 'radio-unblocked', name: radio.name, detail: `${radio.type} radio is not blocked (rfkill${radio.id}: soft and hard unblocked)` });
  }
}

function routes(src: AirGapSources, out: Collected): void {
  const found: DefaultRoute[] = [];
  const v4 = src.sys.readText(`${src.procRoot}/net/route`);
  const v6 = src.sys.readText(`${src.procRoot}/net/ipv6_route`);
  if (v4 === null) out.sources.push({ source: '/proc/net/route', state: 'unavailable', detail: 'IPv4 routes not checked' });
  else {
    found.push(...parseIpv4DefaultRoutes(v4, src.endianness));
    out.sources.push({ source: '/proc/net/route', state: 'read', detail: 'IPv4 routes' });
  }
  // No ipv6_route file means IPv6 is disabled in the kernel: nothing to route.
  if (v6 === null) out.sources.push({ source: '/proc/net/ipv6_route', state: 'read', detail: 'absent: IPv6 disabled' });
  else {
    found.push(...parseIpv6DefaultRoutes(v6));
    out.sources.push({ source: '/proc/net/ipv6_route', state: 'read', detail: 'IPv6 routes' });
  }
  for (const r of found) {
    out.findings.push({ kind: 'default-route', name: r.iface, detail: `${r.family} default route ${r.gateway === null ? 'on-link' : `via ${r.gateway}`} on ${r.iface} (metric ${r.metric})` });
  }
}

/** Runs the check. Never throws: what cannot be read is reported in `sources`. */
export async function checkAirGap(src: AirGapSources = liveAirGapSources): Promise<AirGapResult> {
  const out: Collected = { findings: [], interfaces: [], sources: [] };
  if (src.platform === 'linux') {
    linuxInterfaces(src, out);
    await radios(src, out);
    routes(src, out);
  } else {
    addressInterfaces(src, out);
    out.sources.push({ source: 'radios', state: 'unavailable', detail: `Wi-Fi and Bluetooth are not checked on ${src.platform}: confirm they are off by hand` });
    out.sources.push({ source: 'routes', state: 'unavailable', detail: `default routes are not checked on ${src.platform}` });
  }
  return {
    verdict: out.findings.length === 0 ? 'offline' : 'online',
    findings: out.findings,
    interfaces: out.interfaces,
    sources: out.sources,
    platform: src.platform,
    checkedAt: src.now().toISOString(),
  };
}

const summary = (findings: readonly AirGapFinding[]): string => findings.map((f) => `${f.name}: ${f.detail}`).join('; ');

/**
 * What the ceremony does with the result. Rehearsal: warn and go on.
 * Production: refuse to start, and offer an exception that the
 * administrator records with a signed decision (a witness co-signs).
 * Offline with a check that could not be made is a warning in both modes.
 */
export function airGapPolicy(result: Pick<AirGapResult, 'verdict' | 'findings' | 'sources'>, mode: CeremonyMode): AirGapDecision {
  const unchecked = result.sources.filter((s) => s.state === 'unavailable');
  if (result.verdict === 'offline') {
    if (unchecked.length === 0) return { decision: 'pass', message: 'Air gap confirmed: no network interface up, no radio unblocked, no default route.', exception: null };
    return {
      decision: 'warn',
      message: `No network found, but not everything could be checked: ${unchecked.map((s) => `${s.source} (${s.detail})`).join('; ')}.`,
      exception: null,
    };
  }
  const found = summary(result.findings);
  if (mode === 'rehearsal') {
    return { decision: 'warn', message: `REHEARSAL: this workstation is not air-gapped (${found}). A production ceremony would refuse to start.`, exception: null };
  }
  return {
    decision: 'refuse',
    message: `This workstation is not air-gapped (${found}). The ceremony cannot start until these are disconnected or disabled.`,
    exception: {
      title: 'Proceed on a workstation that is not air-gapped',
      text:
        `The air-gap check found: ${found}. ` +
        'By signing this exception the ceremony administrator states why the ceremony must proceed anyway and what limits the risk; ' +
        'a witness co-signs. The findings, the reason and both signatures are recorded in the transcript.',
    },
  };
}
