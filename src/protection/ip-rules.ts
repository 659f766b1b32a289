import { BlockList, isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:1.2.3.4` → `1.2.3.4`; other addresses unchanged (IPv6 lower-cased). */
export function normalizeAddress(address: string): string {
  // An IPv4 address, most peers: no regular expression per upgrade.
  if (!address.includes(':')) return address;
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped?.[1]) return mapped[1];
  return address.toLowerCase();
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/**
 * A set of addresses and CIDR ranges, IPv4 and IPv6, e.g.
 * `['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']`.
 */
export class AddressSet {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** Throws one sentence naming the entry that is not an address or a CIDR range. */
  constructor(entries: readonly string[], optionName: string) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [rawAddress = '', prefix, extra] = entry.trim().split('/');
      const address = normalizeAddress(rawAddress);
      const family = familyOf(address);
      // `::ffff:192.0.2.0/120` is the IPv4 range `192.0.2.0/24`.
      const mappedOffset = address !== rawAddress.toLowerCase() && family === 'ipv4' ? 96 : 0;
      const bits = prefix === undefined ? undefined : Number(prefix) - mappedOffset;
      const maxBits = family === 'ipv4' ? 32 : 128;
      if (
        !family ||
        extra !== undefined ||
        (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits))
      ) {
        throw new Error(
          `SecureWsModule: "${optionName}" holds "${entry}", which is not an IP address or a CIDR range.`,
        );
      }
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, bits, family);
    }
  }

  /** True when `address` (any form, IPv4-mapped IPv6 included) is in the set. */
  has(address: string): boolean {
    if (this.empty) return false;
    const normalized = normalizeAddress(address);
    const family = familyOf(normalized);
    return family !== undefined && this.list.check(normalized, family);
  }
}
