// IPv4 CIDR arithmetic for pod CIDRs: the n-th subnet of a cluster CIDR (as the controller-manager's
// range allocator hands them out) and the n-th host of a subnet (as host-local IPAM does).
export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an IPv4 CIDR (a.b.c.d/n)`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${text}" is not an IPv4 CIDR (a.b.c.d/n)`);
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (address & mask) >>> 0, prefix };
}

export function formatIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.base)}/${cidr.prefix}`;
}

/** How many subnets of `maskSize` bits the cluster CIDR holds. */
export function subnetCount(cluster: Cidr, maskSize: number): number {
  if (maskSize < cluster.prefix || maskSize > 32) throw new Error(`a /${maskSize} subnet does not fit in a /${cluster.prefix} cluster CIDR`);
  return 2 ** (maskSize - cluster.prefix);
}

/** The index-th subnet of `maskSize` bits in the cluster CIDR. */
export function nthSubnet(cluster: Cidr, maskSize: number, index: number): Cidr {
  if (index < 0 || index >= subnetCount(cluster, maskSize)) throw new Error(`subnet ${index} is outside ${formatCidr(cluster)} with /${maskSize} subnets`);
  return { base: (cluster.base + index * 2 ** (32 - maskSize)) >>> 0, prefix: maskSize };
}

/** Usable pod addresses of a subnet: the network address, the gateway (.1) and broadcast are not. */
export function podAddressCount(subnet: Cidr): number {
  return Math.max(0, 2 ** (32 - subnet.prefix) - 3);
}

/** The index-th pod address (0-based) of a subnet: base + 2 + index. */
export function nthPodAddress(subnet: Cidr, index: number): string {
  if (index < 0 || index >= podAddressCount(subnet)) throw new Error(`address ${index} is outside ${formatCidr(subnet)}`);
  return formatIp((subnet.base + 2 + index) >>> 0);
}

/** Whether the IPv4 address lies in the CIDR. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const { base } = parseCidr(`${ip}/32`);
  const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
  return ((base & mask) >>> 0) === cidr.base;
}
