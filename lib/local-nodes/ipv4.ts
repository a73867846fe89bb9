// IPv4 prefixes for the local node network: parsing, the n-th address of a prefix, and the n-th
// subnet of a given length inside a larger prefix.

export interface Ipv4Prefix {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  length: number;
}

export function parseIpv4(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`${JSON.stringify(address)} is not an IPv4 address`);
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function parsePrefix(cidr: string): Ipv4Prefix {
  const [address, bits] = cidr.split('/');
  const length = Number(bits);
  if (address === undefined || !Number.isInteger(length) || length < 0 || length > 32) throw new Error(`${JSON.stringify(cidr)} is not an IPv4 CIDR`);
  const size = 2 ** (32 - length);
  return { base: Math.floor(parseIpv4(address) / size) * size, length };
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.base)}/${prefix.length}`;
}

/** The address `n` places after the network address (n = 1: the first host). */
export function nthAddress(prefix: Ipv4Prefix, n: number): string {
  if (n < 0 || n >= 2 ** (32 - prefix.length)) throw new Error(`${formatPrefix(prefix)} has no address number ${n}`);
  return formatIpv4(prefix.base + n);
}

/** The `index`-th subnet of `length` bits inside `prefix`. */
export function nthSubnet(prefix: Ipv4Prefix, length: number, index: number): Ipv4Prefix {
  if (length < prefix.length || index < 0 || index >= 2 ** (length - prefix.length)) throw new Error(`${formatPrefix(prefix)} has no /${length} subnet number ${index}`);
  return { base: prefix.base + index * 2 ** (32 - length), length };
}
