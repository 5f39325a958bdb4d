/**
 * SSRF guard: which IP addresses a feed fetch may connect to, and a DNS step that resolves a host once,
 * vets every address and hands back exactly those addresses so the connection can be pinned to them.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (injectable so tests can map names to loopback). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** Resolves with the system resolver (getaddrinfo, so /etc/hosts applies), all addresses, as returned. */
export const systemLookup: HostLookup = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

type Cidr4 = readonly [base: number, prefix: number];

// Everything that is not globally routable unicast: a feed never legitimately lives there, and the
// private/link-local ones are exactly where metadata services and internal admin panels do.
const BLOCKED_V4: readonly Cidr4[] = [
  [ipv4(0, 0, 0, 0), 8], // "this network", includes the unspecified address
  [ipv4(10, 0, 0, 0), 8], // private
  [ipv4(100, 64, 0, 0), 10], // carrier-grade NAT
  [ipv4(127, 0, 0, 0), 8], // loopback
  [ipv4(169, 254, 0, 0), 16], // link-local, includes 169.254.169.254 (cloud metadata)
  [ipv4(172, 16, 0, 0), 12], // private
  [ipv4(192, 0, 0, 0), 24], // IETF protocol assignments
  [ipv4(192, 0, 2, 0), 24], // documentation
  [ipv4(192, 88, 99, 0), 24], // 6to4 relay anycast
  [ipv4(192, 168, 0, 0), 16], // private
  [ipv4(198, 18, 0, 0), 15], // benchmarking
  [ipv4(198, 51, 100, 0), 24], // documentation
  [ipv4(203, 0, 113, 0), 24], // documentation
  [ipv4(224, 0, 0, 0), 4], // multicast
  [ipv4(240, 0, 0, 0), 4], // reserved, includes broadcast 255.255.255.255
];

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inCidr4(ip: number, [base, prefix]: Cidr4): boolean {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ip & mask) >>> 0 === (base & mask) >>> 0;
}

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value >>> 0;
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address. */
function parseIpv6(text: string): number[] | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    // rewrite a dotted IPv4 tail (::ffff:1.2.3.4) as two hex groups so one parser handles both forms
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string | undefined): number[] | null => {
    if (part === undefined || part === '') return [];
    const groups: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 2) {
    if (explicit > 7) return null;
    return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  }
  if (explicit !== 8) return null;
  return head;
}

function embeddedV4(groups: readonly number[], from: number): number {
  return (((groups[from] ?? 0) << 16) | (groups[from + 1] ?? 0)) >>> 0;
}

function isBlockedV4(ip: number): boolean {
  return BLOCKED_V4.some((cidr) => inCidr4(ip, cidr));
}

function isBlockedV6(g: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible form; none is a public server
  if (firstFiveZero && g5 === 0) return true;
  // IPv4-mapped (::ffff:a.b.c.d): the kernel connects to the IPv4 address itself
  if (firstFiveZero && g5 === 0xffff) return isBlockedV4(embeddedV4(g, 6));
  // IPv4-translated (::ffff:0:a.b.c.d, SIIT)
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    return isBlockedV4(embeddedV4(g, 6));
  }
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address through a gateway
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return isBlockedV4(embeddedV4(g, 6));
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return true; // local-use NAT64 64:ff9b:1::/48
  if (g0 === 0x2002) return isBlockedV4(embeddedV4(g, 1)); // 6to4 embeds an IPv4 address
  if (g0 === 0x2001 && g1 === 0) return true; // Teredo: tunnels to an obfuscated IPv4 address
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only 100::/64
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique-local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return true; // deprecated site-local fec0::/10
  if ((g0 & 0xff00) === 0xff00) return true; // multicast ff00::/8
  return false;
}

/**
 * True when a feed fetch must not connect to `ip`: loopback, private, CGNAT, link-local (incl. the cloud
 * metadata address), unique-local, multicast, unspecified, broadcast, reserved/documentation ranges and
 * IPv6 forms embedding such an IPv4 address. Anything that does not parse as an IP is blocked (fail closed).
 */
export function isBlockedAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const kind = isIP(text.split('%')[0] ?? '');
  if (kind === 4) {
    const v4 = parseIpv4(text);
    return v4 === null || isBlockedV4(v4);
  }
  if (kind === 6) {
    const v6 = parseIpv6(text);
    return v6 === null || isBlockedV6(v6);
  }
  return true;
}
