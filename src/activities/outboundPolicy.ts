import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  isAllowedHost,
  normalHost,
  portOf,
  refusedDestination,
  refusedResolvedAddress,
  type OutboundPolicy,
} from '../domain/outboundAddress';

/** The outbound policy refuses this destination. Never retried: a DNS answer that changes is no reason to try again. */
export class RefusedDestination extends Error {
  override readonly name = 'RefusedDestination';
}

/** One of this machine's own addresses: its public address reaches the engine's services as its loopback does. */
function isOwnAddress(ip: string): boolean {
  return Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === ip));
}

function refusal(ip: string): string | undefined {
  return (
    refusedResolvedAddress(ip) ?? (isOwnAddress(ip) ? "the host resolves to this machine's own address" : undefined)
  );
}

/**
 * Resolves like dns.lookup, and refuses when any address is not public or is this machine's own. The
 * connection is made to the addresses checked here and nowhere else, so a DNS answer that changes
 * between a check and the connect (rebinding) cannot move the request.
 */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.map((a) => refusal(a.address)).find((reason) => reason !== undefined);
    if (refused) return callback(new RefusedDestination(refused), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * How to connect to a channel's URL under the policy: the parsed URL, and the lookup to connect with
 * (undefined: the host is an IP address already checked, or one the operator allowed).
 * Throws RefusedDestination for a destination refused on what the URL says.
 */
export function connectionFor(address: string, policy: OutboundPolicy): { url: URL; lookup?: LookupFunction } {
  const refused = refusedDestination(address, policy);
  if (refused) throw new RefusedDestination(refused);
  const url = new URL(address);
  const host = normalHost(url.hostname);
  if (isAllowedHost(policy, host, portOf(url))) return { url };
  if (isIP(host)) {
    if (isOwnAddress(host)) throw new RefusedDestination("the host is this machine's own address");
    return { url };
  }
  return { url, lookup: checkedLookup };
}
