// Reverse names (PTR questions) and the addresses they stand for, IPv4 under in-addr.arpa and IPv6
// under ip6.arpa; IPv6 addresses compared in their shortest form, as ClusterIPs are written.
import { isIPv4, isIPv6 } from 'node:net';

const REVERSE_V4 = '.in-addr.arpa';
const REVERSE_V6 = '.ip6.arpa';

/** The address a reverse name stands for (4.3.2.1.in-addr.arpa → 1.2.3.4; 32 nibbles under ip6.arpa → an IPv6 address), or undefined. */
export function reverseAddress(name: string): string | undefined {
  if (name.endsWith(REVERSE_V4)) {
    const labels = name.slice(0, -REVERSE_V4.length).split('.');
    if (labels.length !== 4) return undefined;
    const address = labels.reverse().join('.');
    return isIPv4(address) ? address : undefined;
  }
  if (name.endsWith(REVERSE_V6)) {
    const nibbles = name.slice(0, -REVERSE_V6.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4).replace(/^0+(?=.)/, ''));
    return canonicalIPv6(groups.join(':'));
  }
  return undefined;
}

/** An IPv6 address in its shortest form (RFC 5952), as ClusterIPs are written. */
export function canonicalIPv6(address: string): string | undefined {
  if (!isIPv6(address)) return undefined;
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
