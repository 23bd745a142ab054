import { BlockList, isIP } from 'node:net';

/**
 * Where the engine may send a request on someone's behalf (webhook, 企业微信 and 钉钉 robot URLs).
 * Pure: the API applies it when a channel is saved, the delivery activity again on the address it
 * actually connects to. node:net's BlockList is only an in-memory range matcher here, no I/O.
 *
 * Refused unless the operator allows the host: addresses that are not public unicast (loopback,
 * private, link-local, CGNAT, multicast, documentation, reserved…, IPv4 and IPv6, IPv4-mapped
 * IPv6 judged as the IPv4 address it carries), names of the local machine, and the engine's own ports.
 */

/** One entry of CHANNEL_ALLOWED_HOSTS: a host name or IP address, and the one port it is allowed on if given. */
export interface AllowedHost {
  /** Lower case, without a trailing dot; an IPv6 address without brackets, in its canonical form. */
  host: string;
  port?: number;
}

export interface OutboundPolicy {
  /** Hosts on the local network that channels may reach anyway (an intranet 钉钉/企业微信 gateway). */
  allowedHosts: readonly AllowedHost[];
  /** The ports this engine listens on: refused on every host not allowed with that very port. */
  enginePorts: readonly number[];
}

/** Nothing on the local network is reachable. */
export const PUBLIC_ONLY: OutboundPolicy = { allowedHosts: [], enginePorts: [] };

/** Why an address is no public unicast destination, by the IANA special-purpose registries. */
const IPV4_RANGES: [string, number, string][] = [
  ['0.0.0.0', 8, '"this network" address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'shared (CGNAT) address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'IETF protocol address'],
  ['192.0.2.0', 24, 'documentation address'],
  ['192.88.99.0', 24, '6to4 relay address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['198.51.100.0', 24, 'documentation address'],
  ['203.0.113.0', 24, 'documentation address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved or broadcast address'],
];

/** Inside 2000::/3, the only global unicast IPv6 block; everything outside it is refused as well. */
const IPV6_RANGES: [string, number, string][] = [
  ['2001::', 23, 'IETF protocol address (Teredo, benchmarking, ORCHID…)'],
  ['2001:db8::', 32, 'documentation address'],
  ['2002::', 16, '6to4 address'],
  ['3fff::', 20, 'documentation address'],
];

function blockList(ranges: [string, number, string][], family: 'ipv4' | 'ipv6'): Map<string, BlockList> {
  const byReason = new Map<string, BlockList>();
  for (const [network, prefix, reason] of ranges) {
    const list = byReason.get(reason) ?? new BlockList();
    list.addSubnet(network, prefix, family);
    byReason.set(reason, list);
  }
  return byReason;
}

const ipv4Refused = blockList(IPV4_RANGES, 'ipv4');
const ipv6Refused = blockList(IPV6_RANGES, 'ipv6');
const ipv6GlobalUnicast = new BlockList();
ipv6GlobalUnicast.addSubnet('2000::', 3, 'ipv6');
const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

/**
 * Why this IP address is not a public destination (e.g. "loopback address"), or undefined for a
 * public unicast address. Not an IP address: "not an IP address".
 */
export function nonPublicAddress(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  // BlockList matches IPv4 rules against IPv4-mapped IPv6 (and the reverse): ask in each address's own family.
  if (family === 4 || ipv4Mapped.check(ip, 'ipv6')) {
    for (const [reason, list] of ipv4Refused) if (list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return reason;
    return undefined;
  }
  if (!ipv6GlobalUnicast.check(ip, 'ipv6')) return describeNonGlobalIpv6(ip);
  for (const [reason, list] of ipv6Refused) if (list.check(ip, 'ipv6')) return reason;
  return undefined;
}

const IPV6_OUTSIDE_GLOBAL: [string, number, string][] = [
  ['::', 128, 'unspecified address'],
  ['::1', 128, 'loopback address'],
  ['fe80::', 10, 'link-local address'],
  ['fc00::', 7, 'unique local (private) address'],
  ['ff00::', 8, 'multicast address'],
  ['64:ff9b::', 96, 'NAT64 address'],
  ['64:ff9b:1::', 48, 'NAT64 address'],
];
const ipv6OutsideGlobal = blockList(IPV6_OUTSIDE_GLOBAL, 'ipv6');

function describeNonGlobalIpv6(ip: string): string {
  for (const [reason, list] of ipv6OutsideGlobal) if (list.check(ip, 'ipv6')) return reason;
  return 'reserved address';
}

/** The host as written in a URL's hostname, ready to compare: no IPv6 brackets, no trailing dot. */
export function normalHost(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** The port a URL connects to: its own, or the scheme's. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Whether the operator allowed this host on this port. */
export function isAllowedHost(policy: OutboundPolicy, host: string, port: number): boolean {
  return policy.allowedHosts.some(
    (entry) =>
      entry.host === host && (entry.port === undefined ? !policy.enginePorts.includes(port) : entry.port === port),
  );
}

const ALLOW_HINT = 'an operator can allow an intranet host in CHANNEL_ALLOWED_HOSTS';

/**
 * Why the engine must not send to this http(s) URL, judging what the URL itself says (its host as
 * written, its port), or undefined. A host name is judged again once resolved, when sending.
 * The reason does not repeat the host: it is shown where the address itself may not be.
 */
export function refusedDestination(address: string, policy: OutboundPolicy): string | undefined {
  if (!URL.canParse(address)) return 'not a URL';
  const url = new URL(address);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not an http(s) URL';
  const host = normalHost(url.hostname);
  const port = portOf(url);
  if (isAllowedHost(policy, host, port)) return undefined;
  if (policy.enginePorts.includes(port))
    return `port ${port} is one of this engine's own ports; an operator can allow the host with this port in CHANNEL_ALLOWED_HOSTS`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `the host names this machine; ${ALLOW_HINT}`;
  if (isIP(host)) {
    const reason = nonPublicAddress(host);
    if (reason) return `the host is a ${reason}; ${ALLOW_HINT}`;
  }
  return undefined;
}

/** Why a host that is not allowed may not be connected to at the address it resolved to, or undefined. */
export function refusedResolvedAddress(ip: string): string | undefined {
  const reason = nonPublicAddress(ip);
  return reason ? `the host resolves to a ${reason}; ${ALLOW_HINT}` : undefined;
}

/**
 * Reads CHANNEL_ALLOWED_HOSTS: comma-separated `host[:port]`, the host a DNS name, an IPv4 address
 * or a bracketed IPv6 address (`[fd00::1]:8080`). Returns the entries, or what is wrong with one.
 */
export function parseAllowedHosts(list: string): { hosts: AllowedHost[] } | { problem: string } {
  const hosts: AllowedHost[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:/?#@[\]\s\\]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? undefined : Number(match[2]);
    // Read as a URL's host is read, so that an entry compares equal to the hostname of the URLs it allows.
    const host =
      match && URL.canParse(`http://${match[1]}/`) ? normalHost(new URL(`http://${match[1]}/`).hostname) : '';
    if (!host || (port !== undefined && (port < 1 || port > 65535)))
      return { problem: `${JSON.stringify(entry)} is not host[:port] (a name, an IPv4 address or [an IPv6 address])` };
    hosts.push({ host, port });
  }
  return { hosts };
}
