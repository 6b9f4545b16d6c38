/**
 * The unit of evidence behind a new label value: the client's network, not its exact address.
 *
 * An IPv4 address is one client (a household or a NAT). An IPv6 client is usually given a whole
 * /64 (RFC 6177), so one attacker can use 2^64 addresses at no cost: every address of a /64
 * counts as one network. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack
 * socket reports for IPv4 clients) count as their IPv4 address.
 *
 * Hand-written rather than taken from a library: it needs only the first four groups of an
 * IPv6 address, and `node:net` validates what the socket or the trusted proxy gave.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The first four 16-bit groups of an IPv6 address, `::` expanded. */
function prefix64(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (`::1.2.3.4`) takes two groups.
  const tailSize = tailGroups.reduce((size, group) => size + (group.includes('.') ? 2 : 1), 0);
  const missing = Math.max(0, 8 - headGroups.length - tailSize);
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The network `address` stands for: itself for IPv4, its /64 for IPv6. */
export function clientNetwork(address: string): string {
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped !== null) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return prefix64(address.replace(/%.*$/, ''));
  // Not an address (an embedding app's `inject()` without one): one shared unknown network.
  return 'unknown';
}
