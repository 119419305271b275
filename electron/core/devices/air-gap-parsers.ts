/**
 * Pure parsers for what Linux publishes about the network and radios.
 * - /proc/net/route: a header line, then one IPv4 route per line, tab
 *   separated: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU
 *   Window IRTT. Addresses are the kernel's u32 printed with %08X, i.e. in
 *   host byte order (little-endian on x86 and ARM: 010200C0 is 192.0.2.1).
 * - /proc/net/ipv6_route: no header; dest, dest prefix length, source,
 *   source prefix length, next hop, metric, refcount, use, flags, device.
 *   RTF_UP = 0x1, RTF_GATEWAY = 0x2, RTF_REJECT = 0x200 (linux/route.h,
 *   linux/ipv6_route.h). The kernel keeps a reject "default" on lo when there
 *   is no IPv6 route: that one is not a way out.
 * - rfkill: /sys/class/rfkill/rfkillN/{type,name,soft,hard} (kernel
 *   Documentation/ABI/stable/sysfs-class-rfkill), or the JSON of util-linux
 *   `rfkill --output-all --json`.
 */

export const RTF_UP = 0x1;
export const RTF_GATEWAY = 0x2;
export const RTF_REJECT = 0x200;

export interface DefaultRoute {
  family: 'IPv4' | 'IPv6';
  iface: string;
  /** Next hop, or null for an on-link default (no gateway). */
  gateway: string | null;
  metric: number;
}

/** 010200C0 → 192.0.2.1 on a little-endian host. */
export function ipv4FromProcHex(hex: string, endianness: 'LE' | 'BE' = 'LE'): string {
  const value = Number.parseInt(hex, 16);
  const bytes = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return (endianness === 'LE' ? bytes.reverse() : bytes).join('.');
}

export function parseIpv4DefaultRoutes(text: string, endianness: 'LE' | 'BE' = 'LE'): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/u);
    if (f.length < 8) continue;
    const [iface, destination, gateway, flagsHex, , , metric, mask] = f as [string, string, string, string, string, string, string, string];
    const flags = Number.parseInt(flagsHex, 16);
    if (Number.parseInt(destination, 16) !== 0 || Number.parseInt(mask, 16) !== 0 || (flags & RTF_UP) === 0) continue;
    routes.push({
      family: 'IPv4',
      iface,
      gateway: (flags & RTF_GATEWAY) !== 0 ? ipv4FromProcHex(gateway, endianness) : null,
      metric: Number.parseInt(metric, 10),
    });
  }
  return routes;
}

/** fd000000000000000000000000000001 → fd00:0:0:0:0:0:0:1 (not compressed: exact, and unambiguous in a transcript). */
export function ipv6FromProcHex(hex: string): string {
  return (hex.match(/.{4}/gu) ?? []).map((group) => Number.parseInt(group, 16).toString(16)).join(':');
}

export function parseIpv6DefaultRoutes(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/u);
    if (f.length < 10) continue;
    const [destination, prefix, , , nextHop, metric, , , flagsHex, iface] = f as [string, string, string, string, string, string, string, string, string, string];
    const flags = Number.parseInt(flagsHex, 16);
    if (!/^0{32}$/u.test(destination) || Number.parseInt(prefix, 16) !== 0) continue;
    if ((flags & RTF_UP) === 0 || (flags & RTF_REJECT) !== 0 || iface === 'lo') continue;
    routes.push({ family: 'IPv6', iface, gateway: /^0{32}$/u.test(nextHop) ? null : ipv6FromProcHex(nextHop), metric: Number.parseInt(metric, 16) });
  }
  return routes;
}

export interface RadioSwitch {
  /** rfkill index (rfkill0 → 0). */
  id: number;
  /** wlan, bluetooth, wwan, nfc, uwb, gps, fm. */
  type: string;
  /** phy0, hci0, tpacpi_bluetooth_sw… */
  name: string;
  softBlocked: boolean;
  hardBlocked: boolean;
}

/** Reads /sys/class/rfkill/* through any reader; null when the class folder is absent. */
export function readRfkillSysfs(reader: { readText(path: string): string | null; list(path: string): string[] | null }, sysRoot = '/sys'): RadioSwitch[] | null {
  const names = reader.list(`${sysRoot}/class/rfkill`);
  if (names === null) return null;
  const radios: RadioSwitch[] = [];
  for (const entry of names.filter((n) => /^rfkill\d+$/u.test(n)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))) {
    const at = (file: string): string | null => reader.readText(`${sysRoot}/class/rfkill/${entry}/${file}`);
    radios.push({
      id: Number(entry.slice(6)),
      type: at('type') ?? 'unknown',
      name: at('name') ?? entry,
      // An unreadable state is counted as unblocked: the check must not pass on what it could not read.
      softBlocked: at('soft') === '1',
      hardBlocked: at('hard') === '1',
    });
  }
  return radios;
}

/**
 * util-linux `rfkill --output-all --json`:
 * {"rfkilldevices": [{"id":0, "type":"bluetooth", "device":"hci0", "type-desc":"Bluetooth", "soft":"unblocked", "hard":"unblocked"}]}
 * (older releases put the array under "" instead of "rfkilldevices").
 */
export function parseRfkillJson(json: string): RadioSwitch[] {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) throw new SyntaxError('rfkill JSON is not an object');
  const list: unknown = (parsed as Record<string, unknown>).rfkilldevices ?? (parsed as Record<string, unknown>)[''];
  if (!Array.isArray(list)) throw new SyntaxError('rfkill JSON has no device list');
  return list
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null)
    .map((d) => ({
      id: typeof d.id === 'number' ? d.id : Number(d.id),
      type: String(d.type ?? 'unknown'),
      name: String(d.device ?? d.id),
      softBlocked: d.soft === 'blocked',
      hardBlocked: d.hard === 'blocked',
    }));
}
