// Kubernetes' CIDR set for node IPAM: the cluster CIDR cut into subnets of --node-cidr-mask-size,
// handed out lowest first, each at most once; IPv4 only.

function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address "${text}"`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export class CidrSet {
  private readonly base: number;
  private readonly subnetSize: number;
  private readonly count: number;
  private readonly used = new Set<number>();

  constructor(
    readonly clusterCidr: string,
    readonly maskSize: number,
  ) {
    const [address, prefixText] = clusterCidr.split('/');
    const prefix = Number(prefixText);
    if (!address || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR "${clusterCidr}"`);
    if (!(Number.isInteger(maskSize) && maskSize >= prefix && maskSize <= 32)) throw new Error(`--node-cidr-mask-size ${maskSize} must be between the cluster CIDR's prefix (${prefix}) and 32`);
    if (maskSize - prefix > 24) throw new Error(`--node-cidr-mask-size ${maskSize} cuts ${clusterCidr} into more than 2^24 subnets`);
    const size = 2 ** (32 - prefix);
    this.base = parseIPv4(address) - (parseIPv4(address) % size);
    this.subnetSize = 2 ** (32 - maskSize);
    this.count = 2 ** (maskSize - prefix);
  }

  /** The index of a subnet of this set, or undefined when `cidr` is not one. */
  private indexOf(cidr: string): number | undefined {
    const [address, prefixText] = cidr.split('/');
    if (Number(prefixText) !== this.maskSize || !address) return undefined;
    let start: number;
    try {
      start = parseIPv4(address);
    } catch {
      return undefined;
    }
    const offset = start - this.base;
    if (offset < 0 || offset % this.subnetSize !== 0 || offset / this.subnetSize >= this.count) return undefined;
    return offset / this.subnetSize;
  }

  /** Marks a subnet (a node's existing podCIDR) as taken; false when it is not one of this set. */
  occupy(cidr: string): boolean {
    const index = this.indexOf(cidr);
    if (index === undefined) return false;
    this.used.add(index);
    return true;
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index !== undefined) this.used.delete(index);
  }

  /** The lowest free subnet (now taken), or undefined when every one is. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.count; i++) {
      if (this.used.has(i)) continue;
      this.used.add(i);
      return `${formatIPv4(this.base + i * this.subnetSize)}/${this.maskSize}`;
    }
    return undefined;
  }
}
