import { isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing IPv4 part included). */
function hextets(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const ipv4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4) {
    const [a, b, c, d] = ipv4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16) || 0);
}

/**
 * The key per-address caps count by: an IPv4 address as it is, an IPv6
 * address by its first `prefixLength` bits (a /64 is one subscriber, who
 * can use every address in it), written `2001:db8:0:1::/64`.
 */
export function addressGroup(address: string, prefixLength: number): string {
  // Only IPv6 addresses have a colon: IPv4 ones skip `isIP`'s regular expressions.
  if (!address.includes(':') || isIP(address) !== 6 || prefixLength >= 128) return address;
  const groups = hextets(address);
  const masked = groups.map((group, index) => {
    const bits = Math.min(Math.max(prefixLength - index * 16, 0), 16);
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${masked.map((group) => group.toString(16)).join(':')}/${prefixLength}`;
}
