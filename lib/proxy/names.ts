// kube-proxy's chain names: a prefix and the first 16 characters of the base32 encoding of
// the sha256 of the service port name and protocol (and an endpoint's "ip:port").
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first 16 base32 characters (80 bits) of the sha256 of `text`. */
function hash16(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < 16; i++) {
    buffer = ((buffer << 8) | digest[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export interface ServiceChains {
  cluster: string;
  local: string;
  firewall: string;
  external: string;
}

export function serviceChains(servicePortName: string, protocol: string): ServiceChains {
  const hash = hash16(servicePortName + protocol);
  return { cluster: `KUBE-SVC-${hash}`, local: `KUBE-SVL-${hash}`, firewall: `KUBE-FW-${hash}`, external: `KUBE-EXT-${hash}` };
}

export function endpointChain(servicePortName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(servicePortName + protocol + endpoint)}`;
}

const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-SEP-', 'KUBE-FW-', 'KUBE-EXT-'];

/** A chain of a service port or endpoint: the only chains a sync deletes. */
export function isServiceChain(name: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((prefix) => name.startsWith(prefix));
}
